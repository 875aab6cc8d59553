/**
 * Terminate as JOB does it: only a running (2) or waiting (7) job is terminated; any other status
 * gets 1241003 ("unsupported operation": not started yet, already terminating, finished alike), and
 * so does a retried terminate whose first answer was lost (the job is terminating by then). bk-job:
 * `TaskExecuteServiceImpl.terminateJob`. The job's status tells the cases apart.
 */

import type { RetryPolicy } from './config.js';
import { EsbError } from './errors.js';
import { isFinalJobStatus, jobStatusName } from './normalize.js';
import { backoffDelay, sleep } from './retry.js';
import type { JobInstanceStatus, OperateJobInstanceResult } from './types.js';

/** How many terminate requests a job that has not started yet gets before giving up. */
export const TERMINATE_ROUNDS = 8;

const TERMINATING = 10;

/** JOB's answers that mean "not now" rather than "no such thing": read the status to know more. */
const NOT_NOW = new Set([1241003, 1244015]);

export interface TerminateLoop {
  ref: { job_instance_id: number };
  policy: Required<RetryPolicy>;
  signal?: AbortSignal;
  /** One `operate_job_instance` call (with its own transport retries); resolves to the job id. */
  request: () => Promise<number>;
  status: () => Promise<JobInstanceStatus>;
}

export async function terminateJob(loop: TerminateLoop): Promise<OperateJobInstanceResult> {
  const started = performance.now();
  for (let round = 1; ; round++) {
    let refusal: EsbError;
    try {
      const id = await loop.request();
      return { job_instance_id: id, outcome: 'requested' };
    } catch (err) {
      if (!(err instanceof EsbError) || !NOT_NOW.has(Number(err.esbCode))) throw err;
      refusal = err;
    }
    const status = Number((await loop.status()).job_instance.status);
    const id = loop.ref.job_instance_id;
    if (status === TERMINATING) return { job_instance_id: id, outcome: 'terminating', status };
    if (isFinalJobStatus(status)) return { job_instance_id: id, outcome: 'finished', status };
    // Not started yet (1), or started since the refusal (2, 7): ask again after a pause.
    const delay = backoffDelay(round, loop.policy);
    if (round >= TERMINATE_ROUNDS || performance.now() - started + delay > loop.policy.deadlineMs) {
      throw notTerminable(refusal, id, status, round);
    }
    await sleep(delay, loop.signal);
  }
}

function notTerminable(refusal: EsbError, id: number, status: number, rounds: number): EsbError {
  const hint = `JOB terminates only running or waiting jobs; job ${id} is ${jobStatusName(status)}: stop it in JOB's web UI (作业平台 → 执行历史)`;
  return new EsbError(
    'CORE_NOT_TERMINABLE',
    `operate_job_instance: job ${id} could not be terminated after ${rounds} requests: JOB refused (${refusal.serverMessage || `code ${refusal.esbCode}`}) and the job stayed ${jobStatusName(status)} (status ${status}). ${hint}`,
    {
      call: refusal.call,
      endpoint: refusal.endpoint,
      esbCode: refusal.esbCode,
      serverMessage: refusal.serverMessage,
      requestId: refusal.requestId,
      hint,
      cause: refusal,
    },
  );
}
