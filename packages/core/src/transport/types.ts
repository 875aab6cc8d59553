/** The calls a transport offers the client: the same four on ESB v2 and the API gateway v3. */

import type { TransportName } from '../config.js';
import type { Scope } from '../scope.js';
import type {
  FastExecuteScriptRequest,
  FastExecuteScriptResult,
  JobInstanceStatus,
  StepLog,
} from '../types.js';
import type { CallOptions } from './caller.js';

/** A checked job reference with its whole scope. */
export interface ScopedRef extends Scope {
  job_instance_id: number;
}

export interface Transport {
  readonly name: TransportName;
  /** The URL of a call. */
  endpoint(call: string): string;
  /** Refusals of a request this transport cannot send (checked before anything is sent). */
  check(req: FastExecuteScriptRequest): string[];
  fastExecuteScript(
    req: FastExecuteScriptRequest,
    scope: Scope,
    opts: CallOptions,
  ): Promise<FastExecuteScriptResult>;
  getJobInstanceStatus(ref: ScopedRef, opts: CallOptions): Promise<JobInstanceStatus>;
  getJobInstanceLog(ref: ScopedRef, opts: CallOptions): Promise<StepLog[]>;
  /** One `operate_job_instance` terminate request (with its transport retries); → the job id. */
  terminate(ref: ScopedRef, opts: CallOptions): Promise<number>;
}
