import { setTimeout as sleep } from 'node:timers/promises';
import type { JobClient, JobInstanceStatus, JobRef } from '@runbook/core';
import { RunnerError } from '../errors.js';

export interface PollOptions {
  /** First delay between two status calls, in ms. */
  initialMs: number;
  /** The delay grows by half each time up to this cap, in ms. */
  maxMs: number;
  /** Give up following after this long (the job is left alone), in ms. */
  deadlineMs: number;
  /** Aborting stops following at once (detach); the job on JOB is left alone. */
  signal: AbortSignal;
}

export const DEFAULT_POLL = { initialMs: 200, maxMs: 5000 } as const;

/** The delays of an adaptive poll: quick at first, then ×1.5 up to a cap. */
export function* pollDelays(initialMs: number, maxMs: number): Generator<number, never> {
  let delay = Math.max(1, Math.min(initialMs, maxMs));
  for (;;) {
    yield delay;
    delay = Math.min(maxMs, Math.round(delay * 1.5));
  }
}

/** Calls `get_job_instance_status` until JOB says the job finished; reports every answer. */
export async function followJob(
  client: JobClient,
  ref: JobRef,
  options: PollOptions,
  onStatus: (status: JobInstanceStatus) => void,
): Promise<JobInstanceStatus> {
  const started = performance.now();
  const delays = pollDelays(options.initialMs, options.maxMs);
  for (;;) {
    const st = await client.getJobInstanceStatus(ref, { signal: options.signal });
    onStatus(st);
    if (st.is_finished) return st;
    if (performance.now() - started > options.deadlineMs) {
      throw new RunnerError(
        'RUNNER_FOLLOW_TIMEOUT',
        `job ${ref.job_instance_id} was still running after ${Math.round(options.deadlineMs / 1000)} s of following; it was left alone`,
        3,
        { hint: 'resume the run to follow it again, or look at the job in JOB' },
      );
    }
    await sleep(delays.next().value, undefined, { signal: options.signal });
  }
}
