import type { Identity } from '../http/auth.js';
import type { CallResult } from '../http/envelope.js';
import type { Job, JobStore } from '../state/jobs.js';
import type { EmulatorConfig, JobGeneration } from '../types.js';

/** What every call handler may use. */
export interface CallContext {
  gen: JobGeneration;
  config: EmulatorConfig;
  store: JobStore;
  /** Starts executing a newly created job (local processes or simulation). */
  start(job: Job): void;
  /** Stops a running job: kills what runs, marks hosts 403, then the job 11. */
  terminate(job: Job): void;
}

export type CallHandler = (body: Record<string, unknown>, who: Identity, ctx: CallContext) => CallResult;
