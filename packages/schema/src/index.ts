export { loadRunbook, type ParseOptions, parseRunbook } from './parse.js';
export type * from './types.js';
