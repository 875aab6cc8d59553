import type Ajv2020 from 'ajv/dist/2020.js';
export function createAjv(options?: Record<string, unknown>): Ajv2020;
