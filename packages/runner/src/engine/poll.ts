import { setTimeout as sleep } from 'node:timers/promises';
import type { JobClient, JobInstanceStatus, JobRef } from '@runbook/core';
import { RunnerError } from '../errors.js';

export interface PollOptions {
  /** First delay after a submit, in ms. */
  initialMs: number;
  /** The longest delay between two status calls, in ms. */
  maxMs: number;
  /** Give up following after this long (the job is left alone), in ms. */
  deadlineMs: number;
  /** Aborting stops following at once (detach); the job on JOB is left alone. */
  signal: AbortSignal;
  /** Call at once instead of after `initialMs` (re-attaching to a job that may be long done). */
  immediate?: boolean;
}

export const DEFAULT_POLL = { initialMs: 100, maxMs: 5000 } as const;

/** While a job is younger than this, status calls stay at most `QUICK_GAP_MS` apart. */
export const QUICK_PHASE_MS = 2500;
export const QUICK_GAP_MS = 450;

/**
 * The delay before the next status call. Most script jobs end within seconds, so the first
 * 2.5 s are polled densely (100, 200, 400, then 450 ms: a job of a few seconds is noticed within
 * half a second); after that the delay goes straight to the cap, so a long job costs one call per
 * `maxMs` (about 19 calls for a one-minute job with the 5 s default).
 */
export function nextPollDelay(
  previousMs: number | undefined,
  elapsedMs: number,
  initialMs: number,
  maxMs: number,
): number {
  const cap = Math.max(1, maxMs);
  if (previousMs === undefined) return Math.min(Math.max(1, initialMs), cap);
  if (elapsedMs < QUICK_PHASE_MS)
    return Math.min(Math.max(previousMs * 2, 1), Math.max(QUICK_GAP_MS, initialMs), cap);
  return cap;
}

/** Calls `get_job_instance_status` until JOB says the job finished; reports every answer. */
export async function followJob(
  client: JobClient,
  ref: JobRef,
  options: PollOptions,
  onStatus: (status: JobInstanceStatus) => void,
): Promise<JobInstanceStatus> {
  const started = performance.now();
  let delay: number | undefined;
  if (!options.immediate) {
    delay = nextPollDelay(undefined, 0, options.initialMs, options.maxMs);
    await sleep(delay, undefined, { signal: options.signal });
  }
  for (;;) {
    const st = await client.getJobInstanceStatus(ref, { signal: options.signal });
    onStatus(st);
    if (st.is_finished) return st;
    const elapsed = performance.now() - started;
    if (elapsed > options.deadlineMs) {
      throw new RunnerError(
        'RUNNER_FOLLOW_TIMEOUT',
        `job ${ref.job_instance_id} was still running after ${Math.round(options.deadlineMs / 1000)} s of following; it was left alone`,
        3,
        { hint: 'resume the run to follow it again, or look at the job in JOB' },
      );
    }
    delay = nextPollDelay(delay, elapsed, options.initialMs, options.maxMs);
    await sleep(delay, undefined, { signal: options.signal });
  }
}
