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
  /**
   * A hint that the job may have ended (JOB's callback): when given, the status is asked at once on
   * a wake and otherwise only at the slow rate (`maxMs`), which is then the fallback for a lost
   * callback. A wake is never a verdict: only a status answer ends following.
   */
  wake?: Wake;
}

/** Subscribes `onWake` to the hints of one job; returns the unsubscribe. */
export type Wake = (onWake: () => void) => () => void;

/** With a wake hook: the first status call at most this long after the submit (progress shown). */
export const WAKE_FIRST_MS = 1000;
/** Status calls caused by wakes stay at least this far apart (duplicated or stray callbacks). */
export const WAKE_MIN_GAP_MS = 250;
/** After a wake whose status call did not confirm the end, the next call comes this soon. */
export const WAKE_RECHECK_MS = 1000;

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
 *
 * Without a wake hook the delays follow `nextPollDelay`. With one, a status call comes on each wake
 * (at least `WAKE_MIN_GAP_MS` apart), the first after `WAKE_FIRST_MS` at most, then one per `maxMs`,
 * and soon again after a wake JOB's answer did not confirm yet.
 */
export async function followJob(
  client: JobClient,
  ref: JobRef,
  options: PollOptions,
  onStatus: (status: JobInstanceStatus) => void,
): Promise<JobInstanceStatus> {
  const started = performance.now();
  const cap = Math.max(1, options.maxMs);
  const pauses = options.wake ? wokenPauses(options.wake, options.signal) : timedPauses(options.signal);
  try {
    let delay: number | undefined;
    let byWake = false;
    let contradiction: string | undefined;
    if (!options.immediate) {
      delay = options.wake
        ? Math.min(Math.max(options.initialMs, WAKE_FIRST_MS), cap)
        : nextPollDelay(undefined, 0, options.initialMs, options.maxMs);
      byWake = await pauses.pause(delay);
    }
    for (;;) {
      pauses.calling();
      const st = await client.getJobInstanceStatus(ref, { signal: options.signal });
      onStatus(st);
      const read = readAnswer(st);
      if (read.over) return st;
      if (read.unknown !== undefined) throw unknownStatus(ref, read.unknown);
      contradiction = read.contradiction;
      const elapsed = performance.now() - started;
      if (elapsed > options.deadlineMs) throw followTimeout(ref, options.deadlineMs, contradiction);
      // With a wake hook: a callback said it ended and JOB does not say so yet (its answer may lag),
      // so look again soon; otherwise the slow rate, the fallback for a lost callback.
      delay = options.wake
        ? byWake
          ? Math.min(WAKE_RECHECK_MS, cap)
          : cap
        : nextPollDelay(delay, elapsed, options.initialMs, options.maxMs);
      byWake = await pauses.pause(sizeFloor(delay, hostsListed(st), cap));
    }
  } finally {
    pauses.dispose();
  }
}

/** The waits between status calls: `pause` resolves true when a wake ended it. */
interface Pauses {
  pause(ms: number): Promise<boolean>;
  /** A status call is about to be made. */
  calling(): void;
  dispose(): void;
}

function timedPauses(signal: AbortSignal): Pauses {
  return {
    pause: async (ms) => {
      await sleep(ms, undefined, { signal });
      return false;
    },
    calling: () => {},
    dispose: () => {},
  };
}

/**
 * Waits that a wake cuts short, though never sooner than `WAKE_MIN_GAP_MS` after the last status
 * call. A wake that comes while a status call is in flight is kept for after it, so a callback is
 * never lost between two calls.
 */
function wokenPauses(wake: Wake, signal: AbortSignal): Pauses {
  let woken = false;
  let interruptWait: (() => void) | undefined;
  let lastCall = Number.NEGATIVE_INFINITY;
  const unsubscribe = wake(() => {
    woken = true;
    interruptWait?.();
  });
  return {
    async pause(ms) {
      const until = performance.now() + ms;
      while (!signal.aborted) {
        const now = performance.now();
        if (woken) {
          const gapLeft = lastCall + WAKE_MIN_GAP_MS - now;
          if (gapLeft <= 0) break;
          await sleep(Math.min(gapLeft, until - now), undefined, { signal });
          break;
        }
        if (now >= until) break;
        const ac = new AbortController();
        interruptWait = () => ac.abort();
        const onAbort = () => ac.abort();
        signal.addEventListener('abort', onAbort, { once: true });
        try {
          await sleep(until - now, undefined, { signal: ac.signal });
        } catch {
          // woken or aborted: the loop decides
        } finally {
          interruptWait = undefined;
          signal.removeEventListener('abort', onAbort);
        }
      }
      signal.throwIfAborted();
      const was = woken;
      woken = false;
      return was;
    },
    calling: () => {
      lastCall = performance.now();
    },
    dispose: unsubscribe,
  };
}

/** The least gap after a status answer, per host it listed (50,000 hosts: 2.5 s). */
export const GAP_PER_HOST_MS = 0.05;

/**
 * The delay, made longer after an answer of many hosts: a status answer of 50,000 hosts takes JOB
 * and the runner a few hundred milliseconds to make and read, so the dense first seconds would
 * spend most of them on it. By the size of the answer, not the time it took: a slow JOB or network
 * does not slow the following of a small job. Never beyond the cap.
 */
export function sizeFloor(delayMs: number, hosts: number, maxMs: number): number {
  return Math.max(delayMs, Math.min(Math.max(1, maxMs), hosts * GAP_PER_HOST_MS));
}

/** How many hosts a status answer lists. */
function hostsListed(st: JobInstanceStatus): number {
  let n = 0;
  for (const b of st.blocks) for (const s of b.step_instances) n += s.step_ip_status.length;
  return n;
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
