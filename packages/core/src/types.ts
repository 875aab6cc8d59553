/**
 * Types of the JOB script API as the client hands them out: the ESB v2 shapes, which the API gateway
 * v3 transport's answers are normalised into (see docs/job-api.md).
 */

export interface IpTarget {
  bk_cloud_id: number;
  ip: string;
}

/** JOB's resource scope types: a business, or a business set. */
export type ScopeType = 'biz' | 'biz_set';

/**
 * Which business (set) a call is about. Give `bk_biz_id`, or `bk_scope_type` + `bk_scope_id`, or
 * both; the client derives the rest (8000000–9999999 are business sets) and always sends all three.
 */
export interface ScopeFields {
  bk_biz_id?: number;
  bk_scope_type?: ScopeType;
  /** The business (set) id as text, as JOB 3.x takes it. */
  bk_scope_id?: string;
}

/** A CMDB topology node (`bk_obj_id` + `bk_inst_id`): `{ node_type: 'module', id: 12 }`. API gateway v3 only. */
export interface TopoNode {
  id: number;
  /** CMDB object id: `biz`, `set`, `module`, or a custom level. */
  node_type: string;
}

/** Script type codes: 1 shell, 2 bat, 3 perl, 4 python, 5 powershell. */
export type ScriptType = 1 | 2 | 3 | 4 | 5;

/** The business fields of `fast_execute_script` (the auth fields are added by the client). */
export interface FastExecuteScriptRequest extends ScopeFields {
  script_id?: number;
  task_name?: string;
  /** Base64 of the script's UTF-8 bytes. */
  script_content?: string;
  /** Base64 of the whole parameter string. */
  script_param?: string;
  script_timeout?: number;
  account?: string;
  is_param_sensitive?: 0 | 1;
  script_type?: ScriptType;
  custom_query_id?: string[];
  ip_list?: IpTarget[];
  /** CMDB host ids (`bk_host_id`). API gateway v3 only: the v2 transport refuses a request with them. */
  host_id_list?: number[];
  /** Topology nodes whose hosts are targets. API gateway v3 only: the v2 transport refuses them. */
  topo_node_list?: TopoNode[];
  bk_callback_url?: string;
}

export interface FastExecuteScriptResult {
  job_instance_id: number;
  job_instance_name: string;
  /** JOB 3.x only. */
  step_instance_id?: number;
  /** ESB's id of this request, copied from the envelope when present: quote it to JOB's admins. */
  request_id?: string;
  /** JOB 3.x's own request id, copied from the envelope when present. */
  job_request_id?: string;
}

export interface JobRef extends ScopeFields {
  job_instance_id: number;
}

/**
 * A host as JOB names it in an answer. The client checks every host identity: an `ip` that is not an
 * IPv4/IPv6 address or a `bk_cloud_id` that is not an integer 0–2147483647 is a protocol error for
 * that host only. Such a host is kept, with `invalid` saying what was wrong, `ip` a printable and
 * shortened form of what was sent and `bk_cloud_id` -1: show it, never use it as a name or a path.
 */
export interface HostIdentity {
  ip: string;
  bk_cloud_id: number;
  /** The host's CMDB id, when JOB sent one (API gateway v3 answers). */
  bk_host_id?: number;
  /** Set when JOB's identity of this host is unusable: the reason. */
  invalid?: string;
}

export interface HostStatus extends HostIdentity {
  status: number;
}

export interface StepInstance {
  step_instance_id: number;
  name: string;
  status: number;
  type?: number;
  order?: number;
  step_id?: number;
  operator?: string;
  /** JOB 2.x name; JOB 3.x sends `execute_count`. Normalised into `retry_count` by the client. */
  retry_count?: number;
  execute_count?: number;
  total_time?: number | null;
  create_time?: string | null;
  start_time?: string | null;
  end_time?: string | null;
  step_ip_status: HostStatus[];
}

export interface JobInstance {
  job_instance_id: number;
  bk_biz_id: number;
  name: string;
  status: number;
  start_way?: number;
  operator?: string;
  bk_job_id?: number;
  current_step_instance_id?: number;
  create_time?: string | null;
  start_time?: string | null;
  end_time?: string | null;
  total_time?: number | null;
}

export interface Block {
  type?: number;
  block_order?: number;
  block_name?: string;
  step_instances: StepInstance[];
}

export interface JobInstanceStatus {
  is_finished: boolean;
  job_instance: JobInstance;
  blocks: Block[];
}

export interface HostLog extends HostIdentity {
  /** `null` when the host never ran its script (JOB 3.x sends null; anything not an integer becomes null). */
  exit_code: number | null;
  error_code: number;
  retry_count?: number;
  execute_count?: number;
  total_time?: number | null;
  start_time?: string | null;
  end_time?: string | null;
  /** Plain text: the client un-escapes JOB 3.x HTML escaping. */
  log_content: string;
}

export interface StepResult {
  ip_status: number;
  tag: string;
  ip_logs: HostLog[];
}

export interface StepLog {
  is_finished: boolean;
  step_instance_id: number;
  name: string;
  status: number;
  step_results: StepResult[];
}

export interface OperateJobInstanceRequest extends JobRef {
  /** 1: terminate (the only operation; the default). */
  operation_code?: 1;
}

export interface OperateJobInstanceResult {
  job_instance_id: number;
  /**
   * `requested`: JOB accepted the terminate. `terminating` / `finished`: JOB refused it (1241003 or
   * 1244015) and the job's status showed it already being terminated, or over: nothing left to stop.
   */
  outcome: 'requested' | 'terminating' | 'finished';
  /** The job status read to tell those apart (absent for `requested`). */
  status?: number;
}

/** The ESB envelope every answer comes in. */
export interface EsbEnvelope<T> {
  result: boolean;
  code: number | string;
  /** JOB 3.x leaves it out of successful answers. */
  message?: string;
  data: T;
  request_id?: string;
  job_request_id?: string;
  permission?: PermissionInfo;
}

export interface PermissionInfo {
  system_id?: string;
  system_name?: string;
  actions?: Array<{ id: string; name?: string; related_resource_types?: unknown[] }>;
}

/** What the client reports to a debug hook for each HTTP attempt. Never holds a credential. */
export interface DebugEvent {
  call: string;
  attempt: number;
  method: string;
  url: string;
  /** Request body with credentials and sensitive params replaced by `***`. */
  body: Record<string, unknown>;
  /** Where the credentials went: JSON body or `X-Bkapi-Authorization` header (never shown). */
  authIn: 'body' | 'header';
  /** When the attempt started (ISO 8601, UTC). */
  startedAt: string;
  /** Whether the request reached a connected socket (false: provably never sent). */
  sent: boolean;
  status?: number;
  code?: number | string;
  requestId?: string;
  durationMs: number;
  /** Set when the attempt failed: the error's message, already redacted. */
  error?: string;
  /** The `CORE_…` code of that error. */
  errorCode?: string;
  /** Set when the client will try again after this many milliseconds. */
  retryInMs?: number;
}
