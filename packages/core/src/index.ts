export { type CallOptions, createClient, JobClient } from './client.js';
export {
  type ClientOptions,
  clientOptionsFromEnv,
  DEFAULT_RETRY,
  DEFAULT_TIMEOUTS,
  type ProxyOptions,
  type RetryPolicy,
  type Timeouts,
} from './config.js';
export { decodeBase64, encodeBase64, encodeParams } from './encode.js';
export * from './errors.js';
export {
  isFinalJobStatus,
  JOB_STATUS,
  jobStatusName,
  parseJobTime,
  unescapeHtml,
} from './normalize.js';
export { redactBody } from './redact.js';
export type * from './types.js';
export { checkFastExecuteScript, checkJobRef } from './validate.js';
