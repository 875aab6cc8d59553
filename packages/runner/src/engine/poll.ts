import { setTimeout as sleep } from 'node:timers/promises';
import {
  isFinalJobStatus,
  JOB_STATUS,
  type JobClient,
  type JobInstanceStatus,
  type JobRef,
  jobStatusName,
} from '@runbook/core';
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

/**
 * Whether an answer says the job is over, consistently: the finished flag and a final job status
 * agree. `contradiction` describes an answer where they disagree (finished with a status that is not
 * final, or the reverse); `unknown` a finished job with a status nobody documented.
 */
export function readAnswer(st: JobInstanceStatus): {
  over: boolean;
  contradiction?: string;
  unknown?: number;
} {
  const status = Number(st.job_instance.status);
  const final = isFinalJobStatus(status);
  if (st.is_finished && final) return { over: true };
  if (!st.is_finished && !final) return { over: false };
  if (st.is_finished && !(status in JOB_STATUS)) return { over: false, unknown: status };
  return {
    over: false,
    contradiction: `is_finished ${st.is_finished} with job status ${status} (${jobStatusName(status)})`,
  };
}

/**
 * Calls `get_job_instance_status` until JOB says, consistently, that the job is over; reports every
 * answer. A contradictory answer is followed on to a consistent one or to the deadline; a job over
 * with a status nobody documented, and the deadline, end following with an error (the step is then
 * detached, re-attachable): never with a verdict on the step.
 */
export async function followJob(
  client: JobClient,
  ref: JobRef,
  options: PollOptions,
  onStatus: (status: JobInstanceStatus) => void,
): Promise<JobInstanceStatus> {
  const started = performance.now();
  let delay: number | undefined;
  let contradiction: string | undefined;
  if (!options.immediate) {
    delay = nextPollDelay(undefined, 0, options.initialMs, options.maxMs);
    await sleep(delay, undefined, { signal: options.signal });
  }
  for (;;) {
    const st = await client.getJobInstanceStatus(ref, { signal: options.signal });
    onStatus(st);
    const read = readAnswer(st);
    if (read.over) return st;
    if (read.unknown !== undefined) throw unknownStatus(ref, read.unknown);
    contradiction = read.contradiction;
    const elapsed = performance.now() - started;
    if (elapsed > options.deadlineMs) throw followTimeout(ref, options.deadlineMs, contradiction);
    delay = nextPollDelay(delay, elapsed, options.initialMs, options.maxMs);
    await sleep(delay, undefined, { signal: options.signal });
  }
}

function followTimeout(ref: JobRef, deadlineMs: number, contradiction: string | undefined): RunnerError {
  const s = Math.round(deadlineMs / 1000);
  return contradiction
    ? new RunnerError(
        'RUNNER_FOLLOW_TIMEOUT',
        `JOB's answers about job ${ref.job_instance_id} still contradicted themselves after ${s} s of following (${contradiction}); the step was not marked failed and the job was left alone`,
        3,
        {
          hint: 'look at the job in JOB, then resume the run to follow it again (it is not submitted again)',
        },
      )
    : new RunnerError(
        'RUNNER_FOLLOW_TIMEOUT',
        `job ${ref.job_instance_id} was still running after ${s} s of following; it was left alone`,
        3,
        { hint: 'resume the run to follow it again, or look at the job in JOB' },
      );
}

function unknownStatus(ref: JobRef, status: number): RunnerError {
  return new RunnerError(
    'RUNNER_UNKNOWN_STATUS',
    `JOB says job ${ref.job_instance_id} finished with status ${status}, which no JOB document lists; the step was not marked failed or succeeded`,
    3,
    {
      hint: 'look at the job in JOB to see how it ended; resuming the run follows it again, it is not submitted again',
    },
  );
}
