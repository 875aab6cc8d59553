/** Types of the JOB v2 script API as the ESB gateway serves it (see shared/spec/job-api.md). */

export interface IpTarget {
  bk_cloud_id: number;
  ip: string;
}

/** Script type codes: 1 shell, 2 bat, 3 perl, 4 python, 5 powershell. */
export type ScriptType = 1 | 2 | 3 | 4 | 5;

/** The business fields of `fast_execute_script` (the auth fields are added by the client). */
export interface FastExecuteScriptRequest {
  bk_biz_id: number;
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

export interface JobRef {
  bk_biz_id: number;
  job_instance_id: number;
}

export interface HostStatus {
  ip: string;
  bk_cloud_id: number;
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

export interface HostLog {
  ip: string;
  bk_cloud_id: number;
  exit_code: number;
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
}

/** The ESB envelope every answer comes in. */
export interface EsbEnvelope<T> {
  result: boolean;
  code: number | string;
  message: string;
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
