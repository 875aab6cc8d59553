export { startEmulator } from './server.js';
export type { Emulator, EmulatorOptions } from './types.js';
