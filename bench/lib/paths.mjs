import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const OUT = `${ROOT}bench/out/`;
export const RUNBOOK_BIN = `${ROOT}packages/runner/bin/runbook.js`;
export const EMULATOR_BIN = `${ROOT}packages/emulator/bin/runbook-emulator.js`;
export const NODE = process.execPath;
