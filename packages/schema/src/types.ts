/** A runbook, format version 1, as written (before resolution). See docs/format.md. */
import type { TopoNodeType } from './hosts.js';
import type { ScopeType } from './scope.js';

export type ScriptTypeName = 'shell' | 'bat' | 'perl' | 'python' | 'powershell';
export type OnFailure = 'abort' | 'continue' | 'ignore';

/** `rolling:` of a step or of `defaults`: JOB's rolling expression, the failure budget, pause and confirm. */
export interface Rolling {
  batch: string | number;
  max_fail?: number | string;
  pause?: number | string;
  confirm?: boolean;
}
export type VarType = 'string' | 'integer' | 'number' | 'boolean';
export type VarValue = string | number | boolean;

export interface VarSpec {
  type?: VarType;
  default?: VarValue;
  description?: string;
  required?: boolean;
  enum?: VarValue[];
  pattern?: string;
  min?: number;
  max?: number;
}

export interface SecretSpec {
  env: string;
  description?: string;
}

/** A host entry: `"1.2.3.4"`, `"CLOUD:1.2.3.4"`, `{cloud, ip}`, `{host_id}` or a group name. */
export type HostEntry = string | { cloud?: number; ip: string } | { host_id: number } | FromStepEntry;

/** The hosts of an earlier step that match: known after that step ran. */
export interface FromStepEntry {
  from_step: string;
  /** Default `any`. */
  status?: 'succeeded' | 'failed' | 'any';
  output?: Record<string, string | number | boolean>;
}

/** A topology node: `"module:12"` (NODE_TYPE:ID) or `{node_type, id}`. */
export type TopoEntry = string | { node_type: TopoNodeType; id: number };

export interface Group {
  hosts?: HostEntry[];
  custom_query?: Array<string | number>;
  topo?: TopoEntry[];
}

export interface Defaults {
  account?: string;
  /** Seconds, or a duration such as `10m`. */
  timeout?: number | string;
  type?: ScriptTypeName;
  cloud?: number;
  on_failure?: OnFailure;
  rolling?: Rolling;
}

export interface Step {
  name: string;
  description?: string;
  script?: string;
  script_file?: string;
  script_id?: number;
  type?: ScriptTypeName;
  params?: string;
  sensitive?: boolean;
  hosts?: HostEntry[];
  custom_query?: Array<string | number>;
  topo?: TopoEntry[];
  timeout?: number | string;
  account?: string;
  task_name?: string;
  callback_url?: string;
  confirm?: string;
  on_failure?: OnFailure;
  /** Output names the hosts set (`::output NAME=VALUE`); when given, only these may be read. */
  outputs?: string[];
  /** `${{ EXPR }}`: the step runs only when it is true. */
  when?: string;
  /** `false` turns `defaults.rolling` off for this step. */
  rolling?: Rolling | false;
}

export interface Runbook {
  version: 1;
  name: string;
  description?: string;
  /** The business id; exactly one of `biz` and `scope` is given. */
  biz?: number | string;
  scope?: { type: ScopeType; id: number | string };
  vars?: Record<string, VarValue | VarSpec>;
  secrets?: Record<string, string | SecretSpec>;
  groups?: Record<string, Group>;
  defaults?: Defaults;
  steps: Step[];
}

/** Where something is in a file: 1-based line and column. */
export interface SourcePos {
  line: number;
  col: number;
}

/** The codes of the issues this package reports (see the README for each one's meaning). */
export type SchemaIssueCode =
  | 'SCHEMA_READ'
  | 'SCHEMA_EMPTY'
  | 'SCHEMA_YAML'
  | 'SCHEMA_DUPLICATE_KEY'
  | 'SCHEMA_MULTI_DOC'
  | 'SCHEMA_TYPE'
  | 'SCHEMA_REQUIRED'
  | 'SCHEMA_UNKNOWN_KEY'
  | 'SCHEMA_VALUE'
  | 'SCHEMA_NAME'
  | 'SCHEMA_SCOPE'
  | 'SCHEMA_TIMEOUT_RANGE'
  | 'SCHEMA_SCRIPT_SOURCE'
  | 'SCHEMA_TYPE_WITH_SCRIPT_ID'
  | 'SCHEMA_DUPLICATE_STEP'
  | 'SCHEMA_HOST'
  | 'SCHEMA_UNKNOWN_GROUP'
  | 'SCHEMA_NO_TARGET'
  | 'SCHEMA_ACCOUNT'
  | 'SCHEMA_CALLBACK_URL'
  | 'SCHEMA_SCRIPT_FILE'
  | 'SCHEMA_VAR'
  | 'SCHEMA_EXPRESSION'
  | 'SCHEMA_UNDEFINED_REF'
  | 'SCHEMA_SECRET_PLACEMENT'
  | 'SCHEMA_EXPRESSION_PLACEMENT'
  | 'SCHEMA_JOB_LIMIT'
  | 'SCHEMA_STEP_ORDER'
  | 'SCHEMA_ROLLING';

export interface Issue {
  /** A `SchemaIssueCode` for issues from this package; other packages may add their own codes. */
  code: string;
  message: string;
  file: string;
  line: number;
  col: number;
  /** The source line the issue points at. */
  source?: string;
}

export interface LoadedRunbook {
  runbook: Runbook;
  /** The file path as given (for messages), or `<input>`. */
  path: string;
  /** The file's text as read. */
  text: string;
  /** Position of each value by JSON pointer (`/steps/0/timeout`); columns count code points, as in issues. */
  positions: Map<string, SourcePos>;
  /** The contents of each step's `script_file`, read once while validating, by step index. */
  scriptFiles: Map<number, { path: string; text: string }>;
}

export type ParseResult = { ok: true; runbook: LoadedRunbook } | { ok: false; issues: Issue[] };
