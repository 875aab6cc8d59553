/** Which JOB generation the emulator answers like. */
export type JobGeneration = 2 | 3;
export type ExecMode = 'local' | 'simulate';
/** 1 shell, 2 bat, 3 perl, 4 python, 5 powershell. */
export type ScriptType = 1 | 2 | 3 | 4 | 5;
/** JOB 3.x resource scope: a business or a business set. */
export type ScopeType = 'biz' | 'biz_set';
/** How a call reached the emulator: ESB v2 (`/api/c/compapi/v2/job/`) or the API gateway v3 (`/api/v3/`). */
export type Transport = 'v2' | 'v3';
/**
 * A host named in the configuration (custom queries, topology): its CMDB host id (`bk_host_id`),
 * or `"cloud:ip"` / `"ip"`.
 */
export type HostRefConfig = string | number;

export interface EmulatorHost {
  ip: string;
  /** Cloud area (bk_cloud_id); 0 when absent. */
  cloud?: number;
  /**
   * CMDB host id, unique in the configuration. Absent: generated from the address,
   * `cloud × 2^32 + the IPv4 address as a 32-bit number` (0:10.0.0.1 → 167772161).
   */
  bk_host_id?: number;
  /** Agent state: `offline` fails the host with status 1 without running; `not_installed` with 18 (JOB 3.x) or 1. */
  agent?: 'ok' | 'offline' | 'not_installed';
  /** OS accounts present on this host; absent means every account. A missing account fails the host with 311. */
  accounts?: string[];
  /**
   * The host does not run and ends with this host status (e.g. 301 file error, 303 file task
   * timeout, or any number JOB may send); `exit_code` stays null.
   */
  status?: number;
}

export interface EmulatorBusiness {
  /**
   * JOB 3.x: whether this id is a business or a business set (a CMDB business set may have any id).
   * Default: a set for 8000000–9999999, a business otherwise.
   */
  type?: ScopeType;
  /** Hosts of the business; absent means any IPv4 host is accepted. */
  hosts?: EmulatorHost[];
  /**
   * Custom query (CMDB dynamic group) id → its hosts: host ids or `"cloud:ip"` / `"ip"` entries.
   * ESB v2 `custom_query_id` and v3 `target_server.dynamic_group_list` read them.
   */
  custom_queries?: Record<string, HostRefConfig[]>;
  /**
   * The business's topology for v3 `topo_node_list`: set id → module id → hosts (host ids or
   * `"cloud:ip"` / `"ip"`). Node `biz` is every host of the business.
   */
  topology?: Record<string, Record<string, HostRefConfig[]>>;
  /** Account aliases of the business; absent means any account. */
  accounts?: string[];
  /** v3 `account_id` → account alias. Absent: any id is accepted while `accounts` is absent. */
  account_ids?: Record<string, string>;
}

export interface StoredScript {
  type: ScriptType;
  content: string;
  /** The id of its online version, for v3 `script_version_id`. */
  versionId?: number;
}

export interface SimulateConfig {
  /** Duration of one host: a fixed number of ms or a `[min, max]` range (default `[200, 1500]`). */
  durationMs?: number | [number, number];
  /** Share of hosts that exit non-zero (status 104), 0..1 (default 0). */
  failRate?: number;
  /** Share of hosts whose agent fails (status 1), 0..1 (default 0). */
  agentErrorRate?: number;
  /** Synthetic log lines per host (default 3). */
  logLines?: number;
  /** How long a terminated job shows status 10 (terminating) before 11, in ms (default 30). */
  terminatingMs?: number;
}

/** Which JOB the emulator answers like, and the switches of that JOB. */
export interface JobConfig {
  /** 2 (default) or 3; `options.jobGeneration` wins over it. */
  generation?: JobGeneration;
  /**
   * JOB 3.x's `bkBizIdCompatible` feature (default true): `bk_biz_id` alone names the business.
   * When false every call needs `bk_scope_type` + `bk_scope_id`. Needs generation 3.
   */
  bizIdCompatible?: boolean;
  /**
   * Allowed callback base URLs (JOB 3.x `check-callback-url`): a `bk_callback_url` outside them is
   * refused with 1240003. Absent: any http(s) URL without user info.
   */
  callbackAllowList?: string[];
}

export interface EmulatorConfig {
  /** The JOB generation and its switches. */
  job?: JobConfig;
  /** App code → secret. Absent: any app code and secret are accepted (the `--local` default). */
  apps?: Record<string, string>;
  /** User name → token and permissions. Absent: any user. */
  users?: Record<string, { token?: string; permissions?: 'all' | string[] }>;
  /** Business id → business. Absent: any business id ≥ 1, any IPv4 host, any account. */
  businesses?: Record<string, EmulatorBusiness>;
  /**
   * Stored script id → script (plain text content). ESB v2 `script_id` is an integer; v3
   * `script_id` is text, and `script_version_id` names a script by its `versionId`.
   */
  scripts?: Record<string, StoredScript>;
  exec?: ExecMode;
  simulate?: SimulateConfig;
}

export type FaultKind =
  | 'latency'
  | 'http5xx'
  | 'reset'
  | 'rate_limit'
  | 'slow_body'
  | 'drop_after_create'
  | 'late_failure'
  | 'quota'
  | 'contradict'
  | 'hostile_hosts'
  | 'gateway_error'
  | 'gateway_html'
  /** JOB's callback (call `callback`) is not sent. */
  | 'callback_lost'
  /** JOB's callback is sent `ms` late (default 1000). */
  | 'callback_late'
  /** JOB's callback is sent twice. */
  | 'callback_duplicate';

export interface FaultRule {
  /** API call name (e.g. `get_job_instance_status`) or `*` / absent for every call. */
  call?: string;
  /** Only calls of this transport (default: both). */
  transport?: Transport;
  kind: FaultKind;
  /** Chance of injection per matching request, 0..1 (default 1). Drawn from the seeded generator. */
  probability?: number;
  /** Maximum number of injections of this rule (default unlimited). */
  times?: number;
  /** latency: delay before answering; slow_body: pause between the two halves of the body (default 1000). */
  ms?: number;
  /**
   * The HTTP status to answer (default 502). http5xx: 500–599; gateway_error: 401, 403, 404, 413,
   * 429, 500, 502, 503, 504; gateway_html: 400–599.
   */
  status?: number;
  /** quota: 1244032 (business, default), 1244033 (app) or 1244034 (system). */
  code?: number;
  /** late_failure: the saved job also starts (default false: saved, never started). */
  started?: boolean;
}

export interface EmulatorOptions {
  /** Interface to bind (default 127.0.0.1). */
  host?: string;
  /** 0 picks a free port (default). */
  port?: number;
  /** Required to bind a non-loopback host; a warning is printed to stderr. */
  allowNonLoopback?: boolean;
  /** The parsed configuration (see `loadEmulatorConfig`). */
  config?: EmulatorConfig;
  /** @deprecated use `config.apps`. Merged into it. */
  apps?: Record<string, string>;
  /** How scripts run (default `local`, or `config.exec`). */
  exec?: ExecMode;
  /** Answer like JOB 2.x (default) or JOB 3.x. */
  jobGeneration?: JobGeneration;
  /** Seed of the generator behind `simulate` and faults (default 1). */
  seed?: number;
  faults?: FaultRule[];
  /** Hosts of one job running at once in `local` mode (default 16). */
  parallelism?: number;
  /** Captured output per host, in bytes (default 1 MiB); the rest is dropped with a note. */
  logLimitBytes?: number;
  /** Multiplier applied to `script_timeout` (seconds) before it is enforced (default 1; tests use e.g. 0.005). */
  timeoutScale?: number;
  /**
   * Calls this ESB does not have: they answer 1306404 like an unknown component. E.g.
   * `['operate_job_instance']` is an ESB of JOB 2.x, whose documents list no terminate call.
   */
  missingCalls?: string[];
  /** `local`: on terminate, SIGTERM the process group, then SIGKILL after this many ms (default 1000). */
  terminateGraceMs?: number;
  /** Connect and answer timeout of one callback attempt, in ms (default 15000, as JOB). */
  callbackTimeoutMs?: number;
}

export interface EmulatedHostView {
  ip: string;
  bk_cloud_id: number;
  bk_host_id: number;
  status: number;
  exitCode: number | null;
  tag: string;
}

export interface EmulatedJobView {
  jobInstanceId: number;
  stepInstanceId: number;
  bizId: number;
  /** `biz` or `biz_set` (JOB 3.x); `bizId` is the scope's id. */
  scopeType: ScopeType;
  /** The transport the job was submitted on. */
  transport: Transport;
  name: string;
  status: number;
  /** False for a job saved but never started (fault `late_failure`). */
  started: boolean;
  createTime: string;
  /** The request as received, without `bk_app_secret` / `bk_token` (and with `script_param` masked when sensitive). */
  request: Record<string, unknown>;
  script: { type: ScriptType; content: string; scriptId: number | string | null; versionId?: number };
  /** Decoded parameter string (`******` when `is_param_sensitive` is 1). */
  params: string;
  /** The parameters as the script receives them (empty when sensitive). */
  args: string[];
  account: string;
  timeoutSeconds: number;
  callbackUrl: string | null;
  hosts: EmulatedHostView[];
}

export interface CallbackAttempt {
  jobInstanceId: number;
  url: string;
  /** 1 = JSON, 2 = form-urlencoded retry. */
  attempt: 1 | 2;
  contentType: string;
  body: string;
  /** HTTP status of the receiver's answer, or null when none came. */
  status: number | null;
  error: string | null;
  at: string;
}

export interface Emulator {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  url: string;
  close(): Promise<void>;
  /** Every job with its decoded request, hosts and status. */
  jobs(): EmulatedJobView[];
  /** Attempts per API call name (faulted ones included). */
  calls(): Record<string, number>;
  /**
   * v3 calls whose body or query string carried a secret (`bk_app_secret`, `app_secret`,
   * `bk_token`, `access_token`), per call name: the gateway never reads them there, a client
   * should never send them there.
   */
  credentialsInParams(): Record<string, number>;
  callbacks(): CallbackAttempt[];
  /** Replaces the fault rules (and their `times` counters). */
  setFaults(rules: FaultRule[]): void;
  /** Faults injected since the start, by kind (not reset by `setFaults`). */
  faultsInjected(): Record<string, number>;
}
