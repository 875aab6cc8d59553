/** Capped exponential backoff with jitter, bounded by a deadline, for the calls that may be repeated. */

import type { RetryPolicy } from './config.js';
import { ConnectionError, type CoreError, EsbError, HttpStatusError, TimeoutError } from './errors.js';

/**
 * The delay before retry number `retry` (1-based): half of the capped exponential step, plus a
 * random part of the other half ("equal jitter"), so that many clients do not retry in step.
 */
export function backoffDelay(
  retry: number,
  policy: Required<RetryPolicy>,
  random: () => number = Math.random,
): number {
  const step = Math.min(policy.maxDelayMs, policy.minDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.round(step / 2 + random() * (step / 2));
}

/**
 * Whether a failed read may be tried again: network trouble, timeouts, 5xx/429, ESB rate limits, ESB
 * not reaching JOB, JOB failing inside (1240002, its database or queue away).
 */
export function isTransient(err: unknown): boolean {
  if (err instanceof ConnectionError) return err.code === 'CORE_CONNECTION';
  if (err instanceof TimeoutError) return true;
  if (err instanceof HttpStatusError) return (err.status ?? 0) >= 500 || err.status === 429;
  if (err instanceof EsbError)
    return (
      err.code === 'CORE_RATE_LIMITED' || err.code === 'CORE_UPSTREAM' || err.code === 'CORE_JOB_INTERNAL'
    );
  return false;
}

/** Resolves after `ms`, or rejects with the signal's reason when it fires first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export interface RetryLoop<T> {
  policy: Required<RetryPolicy>;
  /** How many extra attempts this call may make (the policy's `retries`, or 1 for a submit). */
  maxRetries: number;
  /** Runs attempt number `attempt` (1-based). */
  attempt: (attempt: number) => Promise<T>;
  /** Decides whether an error of attempt `attempt` may be retried. */
  retryable: (err: unknown, attempt: number) => boolean;
  /** Told before each wait: lets the caller report the retry. */
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
  /** A server's wish (Retry-After) for the next delay, in ms. */
  suggestedDelay?: (err: unknown) => number | undefined;
  signal?: AbortSignal;
  random?: () => number;
}

/** Runs `attempt` until it succeeds, an error is not retryable, retries run out or the deadline would pass. */
export async function withRetry<T>(loop: RetryLoop<T>): Promise<T> {
  const started = performance.now();
  for (let attempt = 1; ; attempt++) {
    try {
      return await loop.attempt(attempt);
    } catch (err) {
      const retry = attempt; // retries made so far + 1
      if (retry > loop.maxRetries || !loop.retryable(err, attempt)) throw withAttempts(err, attempt);
      const suggested = loop.suggestedDelay?.(err);
      let delay = backoffDelay(retry, loop.policy, loop.random);
      if (suggested !== undefined) delay = Math.min(loop.policy.maxDelayMs, Math.max(delay, suggested));
      if (performance.now() - started + delay > loop.policy.deadlineMs) throw withAttempts(err, attempt);
      loop.onRetry?.(err, attempt, delay);
      await sleep(delay, loop.signal);
    }
  }
}

function withAttempts(err: unknown, attempts: number): unknown {
  if (attempts > 1 && typeof err === 'object' && err !== null && 'code' in err) {
    const e = err as CoreError & { attempts?: number };
    Object.defineProperty(e, 'attempts', { value: attempts, enumerable: true });
    if (!e.message.includes('attempts)')) e.message = `${e.message} (gave up after ${attempts} attempts)`;
  }
  return err;
}
