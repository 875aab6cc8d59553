export { callbackAllowed } from './calls/limits.js';
export { checkEmulatorConfig, loadEmulatorConfig, parseEmulatorConfig } from './config.js';
export { EmulatorConfigError, EmulatorOptionsError } from './errors.js';
export { splitParams } from './exec/split.js';
export { checkFaultRules } from './faults.js';
export { APIGW_PREFIX } from './http/apigw.js';
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
  HostRefConfig,
  JobGeneration,
  ScriptType,
  SimulateConfig,
  StoredScript,
  Transport,
} from './types.js';
