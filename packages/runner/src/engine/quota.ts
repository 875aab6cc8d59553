import { setTimeout as sleep } from 'node:timers/promises';
import { RunnerError } from '../errors.js';

/** How long to wait for JOB's running-job quota (`--quota-wait`), and the first and longest single wait. */
export interface QuotaWait {
  limitMs: number;
  /** First wait; then doubling. 2 s unless a test says otherwise. */
  firstMs?: number;
  /** Longest single wait. 30 s unless a test says otherwise. */
  maxMs?: number;
}

export const DEFAULT_QUOTA_WAIT: Required<QuotaWait> = {
  limitMs: 10 * 60_000,
  firstMs: 2_000,
  maxMs: 30_000,
};

export interface QuotaRefusal {
  code: number | string;
  message: string;
}

/** Core's `CORE_QUOTA`: JOB's running-job quota refused the submit before saving anything. */
export function quotaRefusal(err: unknown): QuotaRefusal | undefined {
  const e = err as { code?: unknown; esbCode?: unknown; serverMessage?: unknown } | undefined;
  if (e?.code !== 'CORE_QUOTA') return undefined;
  return {
    code: typeof e.esbCode === 'number' || typeof e.esbCode === 'string' ? e.esbCode : 'unknown',
    message: typeof e.serverMessage === 'string' ? e.serverMessage : '',
  };
}

/** Thrown when the wait was stopped (Ctrl-C, SIGTERM): nothing was submitted since the refusal. */
export class QuotaWaitStopped extends Error {
  constructor() {
    super('the wait for JOB quota was stopped');
  }
}

/**
 * Submits; while JOB answers that its running-job quota is full (which creates nothing), waits and
 * submits again: first wait `firstMs`, doubling up to `maxMs`, for at most `limitMs` in all. One
 * submit per answer, never more. `onWait` is told before every wait; `onRetry` before every new submit.
 */
export async function submitWithinQuota<T>(
  submit: () => Promise<T>,
  wait: QuotaWait,
  signal: AbortSignal,
  onWait: (refusal: QuotaRefusal, waitMs: number, waitedMs: number) => void,
  onRetry: () => void,
): Promise<T> {
  const first = wait.firstMs ?? DEFAULT_QUOTA_WAIT.firstMs;
  const max = wait.maxMs ?? DEFAULT_QUOTA_WAIT.maxMs;
  let waited = 0;
  let next = first;
  for (;;) {
    try {
      return await submit();
    } catch (err) {
      const refusal = quotaRefusal(err);
      if (!refusal) throw err;
      const ms = Math.min(next, wait.limitMs - waited);
      if (ms <= 0) throw quotaTimeout(refusal, waited, err);
      onWait(refusal, ms, waited);
      try {
        await sleep(ms, undefined, { signal });
      } catch {
        throw new QuotaWaitStopped();
      }
      if (signal.aborted) throw new QuotaWaitStopped();
      waited += ms;
      next = Math.min(next * 2, max);
      onRetry();
    }
  }
}

function quotaTimeout(refusal: QuotaRefusal, waitedMs: number, cause: unknown): RunnerError {
  const s = Math.round(waitedMs / 1000);
  return new RunnerError(
    'RUNNER_QUOTA_TIMEOUT',
    `JOB's running-job quota stayed full (code ${refusal.code}${refusal.message ? `: ${refusal.message}` : ''}) for the ${s} s apply may wait; nothing was started`,
    3,
    {
      hint: 'run it again once fewer jobs run on JOB, or wait longer with --quota-wait (e.g. --quota-wait 30m)',
      cause,
    },
  );
}
