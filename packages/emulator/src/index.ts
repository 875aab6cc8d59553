export { checkEmulatorConfig, loadEmulatorConfig, parseEmulatorConfig } from './config.js';
export { EmulatorConfigError, EmulatorOptionsError } from './errors.js';
export { splitParams } from './exec/split.js';
export { checkFaultRules } from './faults.js';
export { ESB_PREFIX } from './http/router.js';
export { startEmulator } from './server.js';
export type {
  CallbackAttempt,
  EmulatedHostView,
  EmulatedJobView,
  Emulator,
  EmulatorBusiness,
  EmulatorConfig,
  EmulatorHost,
  EmulatorOptions,
  ExecMode,
  FaultKind,
  FaultRule,
  JobGeneration,
  ScriptType,
  SimulateConfig,
} from './types.js';
