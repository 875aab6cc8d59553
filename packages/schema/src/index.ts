export { repositoryRoot, type ScriptFile } from './checks/files.js';
export { parseDuration, TIMEOUT_MAX, TIMEOUT_MIN } from './duration.js';
export { BK_ENV_READABLE, envRefusal, secretEnvNames } from './env-refs.js';
export { RunbookError } from './errors.js';
export * from './expr/index.js';
export {
  GROUP_NAME,
  isCloudId,
  isCmdbId,
  isIPv4,
  MAX_CLOUD_ID,
  MAX_CMDB_ID,
  type ParsedHostEntry,
  type ParsedTopoNode,
  parseHostEntry,
  parseTopoNode,
  TOPO_NODE_TYPES,
  type TopoNodeType,
} from './hosts.js';
export { codePoints, JOB_LIMITS, type LimitedField, measure, overLimit, utf8Bytes } from './limits.js';
export { loadRunbook, loadRunbookSync, type ParseOptions, parseRunbook } from './parse.js';
export {
  MAX_FAIL_MAX,
  type MaxFail,
  maxFailFor,
  PAUSE_MAX,
  parseMaxFail,
  parseRollingExpr,
  ROLLING_MAX_BATCHES,
  ROLLING_NUMBER_MAX,
  type RollingParse,
  type RollingPart,
} from './rolling.js';
export { EXTRA_KEYWORDS, runbookSchema, runbookSchemaText } from './schema/index.js';
export { BIZ_SET_ID_MAX, BIZ_SET_ID_MIN, impliedScopeType, SCOPE_TYPES, type ScopeType } from './scope.js';
export {
  effectiveScriptType,
  SCRIPT_TYPE_CODES,
  SCRIPT_TYPE_NAMES,
  scriptTypeCode,
  scriptTypeFromPath,
} from './script-type.js';
export { closest, didYouMean, editDistance } from './suggest.js';
export {
  hasExpression,
  NAMESPACES,
  type Namespace,
  parseWhen,
  scanTemplate,
  type TemplatePart,
} from './template.js';
export type * from './types.js';
export { type FileIssues, type ValidateFilesOptions, validateFiles } from './validate-files.js';
export { normalizeVarSpec, type VarValueResult, validateVarValue } from './var-value.js';
