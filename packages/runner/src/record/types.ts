import type { ErrorInfo, HostCounts } from '../engine/events.js';
import type { PlannedStep } from '../plan/types.js';
import type { Transport } from '../transport.js';

export const RECORD_VERSION = 1;

/**
 * Where a step stands. `submitting`: the request may be on its way (if the runner died here, the job
 * may have started); `running`/`detached`: a job id is known and the job was not seen finishing.
 */
export type StepState =
  | 'pending'
  | 'skipped'
  | 'submitting'
  | 'running'
  | 'detached'
  | 'succeeded'
  | 'failed'
  /** Every batch ran; some hosts failed within the step's failure budget. */
  | 'partial'
  | 'may-have-started'
  | 'error';

/** One batch of a rolling step: its own JOB job. */
export interface BatchRecord {
  /** 1-based; a resumed run numbers its batches after the recorded ones. */
  index: number;
  /** Host keys: `CLOUD:IP`, or `id:N` for a host named by id. */
  hosts: string[];
  state:
    | 'pending'
    | 'submitting'
    | 'running'
    | 'detached'
    | 'succeeded'
    | 'failed'
    | 'may-have-started'
    | 'error';
  jobInstanceId?: number;
  jobInstanceName?: string;
  submittedAt?: string;
  finishedAt?: string;
  counts?: HostCounts;
  status?: number;
}

export interface HostRecord {
  ip: string;
  cloud: number;
  status: number;
  /** `null`: JOB gave no exit code (the host never ran its script). */
  exitCode: number | null;
  tag: string;
  /** Log file, relative to the run directory (`invalid-<n>.log` for a host whose identity was unusable). */
  log: string;
  /**
   * `[offset, length]` in bytes when `log` is a file the step's hosts share (a step of more than
   * `SHARED_LOG_HOSTS` hosts: 50,000 files would cost more than the step); absent: the whole file.
   */
  logRange?: [number, number];
  /** Why JOB's identity of this host (ip, cloud id) was unusable; `ip` is then only for showing. */
  invalid?: string;
  /** The outputs the host set (`::output NAME=VALUE`), secrets masked; a resume reads them. */
  outputs?: Record<string, string>;
  /** JOB's host id, when it gave one. */
  hostId?: number;
  /** The batch of a rolling step that ran it. */
  batch?: number;
}

/**
 * An earlier attempt of a step (the run was resumed after the step ended without succeeding): its
 * job, times and result, and the host results a later attempt replaced.
 */
export interface AttemptRecord {
  state: StepState;
  startedAt?: string;
  submittedAt?: string;
  finishedAt?: string;
  /** Its job (a rolling step: its latest batch's; `batches` keeps them all). */
  jobInstanceId?: number;
  jobInstanceName?: string;
  status?: number;
  counts?: HostCounts;
  error?: ErrorInfo;
  note?: string;
  /** Results of this attempt that a later one replaced; their logs are kept as `….attempt-N.log`. */
  hosts?: HostRecord[];
}

export interface StepRecord {
  name: string;
  state: StepState;
  /** What was (or will be) sent, secrets masked. */
  request: {
    taskName: string;
    hosts: number;
    customQueries: string[];
    /** Topology nodes (`module:12`), when the step has any. */
    topoNodes?: string[];
    account: string;
    timeoutSec: number;
    type?: string;
    scriptSha256?: string;
    scriptId?: number;
    params?: string;
    sensitive: boolean;
  };
  fingerprint: Record<string, string>;
  jobInstanceId?: number;
  jobInstanceName?: string;
  /** Last JOB status seen for the job. */
  status?: number;
  counts?: HostCounts;
  /** When the step's latest attempt began (its first submit, quota waits included). */
  startedAt?: string;
  submittedAt?: string;
  finishedAt?: string;
  hosts?: HostRecord[];
  error?: ErrorInfo;
  /** Why it was skipped, or what a person should check for a job that may have started. */
  note?: string;
  /** Every batch started so far (a rolling step); `jobInstanceId` above is the latest batch's job. */
  batches?: BatchRecord[];
  rolling?: PlannedStep['rolling'];
  /** The step did not succeed and `on_failure: ignore` kept that from failing the run. */
  ignored?: boolean;
  /** The id of the step's version in the run folder (`steps/<id>.json`): what a resume compares with. */
  snapshot?: string;
  /** Its earlier attempts, oldest first; the fields above are the latest one's. */
  attempts?: AttemptRecord[];
}

/** One change a resume accepted: a step's fields, and what a person was shown about them (masked). */
export interface ResumeChange {
  /** The step; '' for the runbook as a whole (a var no step uses). */
  step: string;
  /** Fingerprint fields that changed (`script`, `params`, `targets`, …), or `new` / `removed`, `vars.NAME`. */
  fields: string[];
  detail: string[];
}

/** A resume of a changed runbook, as the person accepted it. */
export interface ResumeEntry {
  at: string;
  operator?: string;
  /** The runbook's content hash from this resume on. */
  runbookHash: string;
  /** The content hash it replaced. */
  previousHash?: string;
  changes: ResumeChange[];
}

export type RunState = 'running' | 'succeeded' | 'failed' | 'interrupted' | 'declined' | 'error';

export interface RunRecord {
  version: typeof RECORD_VERSION;
  runId: string;
  state: RunState;
  exitCode?: number;
  reason?: string;
  createdAt: string;
  updatedAt: string;
  /** When the run last ended (absent while it runs, and in records older than it). */
  finishedAt?: string;
  /** Who started the run: `BK_USERNAME`, else the local user (absent in records older than it). */
  operator?: string;
  /** `BK_JOB_WEB_URL` when the run started: the base of links to JOB's pages for its jobs. */
  jobWebUrl?: string;
  /** The JOB resource scope of the run (absent in older records: `biz` alone then, its type implied). */
  scope?: { type: 'biz' | 'biz_set'; id: number };
  /** The runbook as the run saw it; `path` is absolute so `--resume` works from any folder. */
  runbook: {
    path: string;
    name: string;
    gitSha?: string;
    dirty?: boolean;
    contentHash: string;
    files: Record<string, string>;
  };
  vars: Record<string, string | number | boolean>;
  /** Where the run talked to JOB; `transport` is absent in records older than it (they ran over ESB v2). */
  endpoint: { url: string; local: boolean; transport?: Transport };
  biz: number;
  /** The process that ran it last (for people; whether a run is live is told by its lock). */
  pid?: number;
  /** When the run was resumed, oldest first. */
  resumedAt?: string[];
  /** The host keys of `--limit` (`CLOUD:IP`, `id:N`) when the run was limited; `--resume` keeps it. */
  limit?: string[];
  /**
   * One entry per resume, oldest first: when, by whom (`operator`), and the changes it accepted
   * (none when the runbook had not changed).
   */
  resumes?: ResumeEntry[];
  steps: StepRecord[];
}
