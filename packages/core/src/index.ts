export { type CallOptions, type ClientOptions, createClient, JobClient } from './client.js';
export { decodeBase64, encodeBase64, encodeParams } from './encode.js';
export * from './errors.js';
export type * from './types.js';
