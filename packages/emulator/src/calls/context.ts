import type { Identity } from '../http/auth.js';
import type { CallResult } from '../http/envelope.js';
import type { Inventory } from '../inventory/inventory.js';
import type { Job, JobStore } from '../state/jobs.js';
import type { Zone } from '../time.js';
import type { EmulatorConfig, FaultRule, JobGeneration } from '../types.js';

/** What every call handler may use. */
export interface CallContext {
  gen: JobGeneration;
  config: EmulatorConfig;
  /** Hosts, host ids, dynamic groups and topology of the configuration. */
  inventory: Inventory;
  store: JobStore;
  /** JOB 3.x `bkBizIdCompatible`: `bk_biz_id` alone names the business (always true on JOB 2.x). */
  bizIdCompatible: boolean;
  /** Allowed callback base URLs; undefined: no allow-list. */
  callbackAllowList: string[] | undefined;
  /** Seed of the generator behind hostile host values. */
  seed: number;
  /** Starts executing a newly created job (local processes or simulation). */
  start(job: Job): void;
  /** Stops a running job: kills what runs, marks hosts 403, then the job 11. */
  terminate(job: Job): void;
}

/** What one request brings besides its fields. */
export interface RequestMeta {
  method: 'GET' | 'POST';
  /** Zone of the JOB 3.x time strings (`X-Bk-Job-User-Timezone`, else Asia/Shanghai). */
  zone: Zone;
  /** A fault the handler itself applies (late_failure, quota, contradict, hostile_hosts). */
  fault?: FaultRule;
  /** Counts the injections of this request (for hostile values that differ per injection). */
  injection: number;
}

export type CallHandler = (
  body: Record<string, unknown>,
  who: Identity,
  ctx: CallContext,
  meta: RequestMeta,
) => CallResult;
