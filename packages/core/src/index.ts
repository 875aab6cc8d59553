export { type CallOptions, createClient, JobClient, TIMEZONE_HEADER } from './client.js';
export { LATE_FAILURE_CODES, QUOTA_CODES } from './codes.js';
export {
  type ClientOptions,
  clientOptionsFromEnv,
  DEFAULT_RETRY,
  DEFAULT_TIMEOUTS,
  type ProxyOptions,
  type RetryPolicy,
  type Timeouts,
  type TransportName,
} from './config.js';
export { decodeBase64, encodeBase64, encodeParams } from './encode.js';
export * from './errors.js';
export { checkHostIdentity, isCloudId, isHostIp, MAX_CLOUD_ID, printable } from './hosts.js';
export {
  isFinalJobStatus,
  JOB_STATUS,
  jobStatusName,
  parseJobTime,
  unescapeHtml,
} from './normalize.js';
export { redactBody } from './redact.js';
export { BIZ_SET_MAX, BIZ_SET_MIN, resolveScope, type Scope, scopeText, scopeTypeOf } from './scope.js';
export { TERMINATE_ROUNDS } from './terminate.js';
export { LOG_BATCH_HOSTS } from './transport/v3-answers.js';
export { toV3FastExecuteBody } from './transport/v3-body.js';
export type * from './types.js';
export { loadHttpClient } from './undici-parts.js';
export { checkFastExecuteScript, checkJobRef, checkV2Targets } from './validate.js';
