import type { FastExecuteScriptRequest } from '@runbook/core';
import type { Transport } from '../transport.js';
import type { PlanScope } from './scope.js';

export type ScriptTypeName = 'shell' | 'bat' | 'perl' | 'python' | 'powershell';

/** Where the step's script comes from, for a person to read. */
export type ScriptSource =
  | { kind: 'inline' }
  | { kind: 'file'; path: string }
  | { kind: 'stored'; scriptId: number };

/** What a step sends: the scope in both forms (JOB 2.x reads `bk_biz_id`, JOB 3.x the scope fields). */
export type PlannedRequest = FastExecuteScriptRequest & {
  bk_biz_id: number;
  bk_scope_type: PlanScope['type'];
  bk_scope_id: string;
};

/** One step, fully resolved: the exact request that will be sent, and what a person needs to read it. */
export interface PlannedStep {
  name: string;
  description?: string;
  /** 0-based position in the runbook. */
  index: number;
  /** Line and column of the step in the runbook file. */
  line?: number;
  col?: number;
  /** The exact business fields sent to `fast_execute_script` (auth is added by the client). */
  request: PlannedRequest;
  source: ScriptSource;
  /** Script text as it will run (secrets never appear in scripts); absent for a stored script. */
  script?: string;
  scriptSha256?: string;
  scriptType?: ScriptTypeName;
  /** `params` with every secret replaced by `***`: what may be shown. */
  paramsDisplay?: string;
  sensitive: boolean;
  /** `CLOUD:IP` of each target host after expansion and deduplication. */
  hosts: string[];
  /** CMDB host ids of the other target hosts (API gateway v3 only). */
  hostIds: number[];
  customQueries: string[];
  /** Topology nodes as `module:12` (API gateway v3 only); JOB resolves their hosts. */
  topoNodes: string[];
  /** Hosts named one by one: `hosts` and `hostIds`. */
  hostCount: number;
  timeoutSec: number;
  account: string;
  taskName: string;
  /** `ignore`: a failure is recorded and shown as ignored, and does not make the run fail. */
  onFailure: 'abort' | 'continue' | 'ignore';
  confirm?: string;
  /** Present when the step has `rolling:` (its own, or `defaults.rolling`). */
  rolling?: {
    /** The expression as written, e.g. "1 10% +10". */
    expr: string;
    /** Failed hosts allowed over the whole step; a percent is taken of the step's host count, rounded down. */
    maxFail: number;
    /** `max_fail` as written ("2", "5%"), for showing. */
    maxFailText: string;
    /** 0: no pause. */
    pauseMs: number;
    confirm: boolean;
  };
  /**
   * The step's hosts as host keys (`CLOUD:IP` as in `hosts`, `id:N` for host ids), in order, one array
   * per batch. Without rolling: one batch of every key; `[[]]` when JOB resolves every target (custom
   * queries, topology nodes). `[]` for a step that does not run (`skipReason`).
   */
  batches: string[][];
  /** Set when the step must not run in this plan (`--limit` left it no host): the reason shown. */
  skipReason?: string;
  /** Short hashes of each request field, to say what changed between two plans. */
  fingerprint: Record<string, string>;
  /** Vars the step may read (`${{ vars.NAME }}` in it, its script file, defaults, groups): what a resume checks. */
  vars?: string[];
}

/** The plan of a run: plain data, nothing after it re-reads the runbook. */
export interface Plan {
  runbookPath: string;
  name: string;
  description?: string;
  /** The business (set) id: `bk_biz_id` of every call, and `scope.id`. */
  biz: number;
  /** The JOB resource scope of every call: `biz: N` (a business set for 8000000–9999999) or `scope:`. */
  scope: PlanScope;
  /** The transport the plan was made for: ESB v2 or the API gateway v3. */
  transport: Transport;
  runId: string;
  git: { sha?: string; dirty?: boolean };
  /** SHA-256 of the runbook text and of every script file it reads. */
  contentHash: string;
  /** SHA-256 of each file the plan read, runbook first, by path relative to the runbook's folder. */
  files: Record<string, string>;
  /** Resolved values of the declared vars (never secrets). */
  vars: Record<string, string | number | boolean>;
  /** Names of the secrets the plan uses (values are never in the plan's display copy). */
  secretNames: string[];
  steps: PlannedStep[];
  /** The host keys of `--limit` (`CLOUD:IP`, `id:N`), when it was given: every step runs only on those. */
  limit?: string[];
}
