import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY } from './config.js';
import { backoffDelay, withRetry } from './retry.js';

describe('backoff', () => {
  const policy = { ...DEFAULT_RETRY, minDelayMs: 100, maxDelayMs: 1000 };

  it('grows exponentially, is capped, and keeps at least half of each step', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, policy, () => 0))).toEqual([
      50, 100, 200, 400, 500, 500,
    ]);
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, policy, () => 1))).toEqual([
      100, 200, 400, 800, 1000, 1000,
    ]);
  });

  it('spreads clients apart with jitter', () => {
    let seed = 1;
    const random = () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    const delays = new Set(Array.from({ length: 20 }, () => backoffDelay(3, policy, random)));
    expect(delays.size).toBeGreaterThan(10);
  });

  it('never starts an attempt past the deadline', async () => {
    let attempts = 0;
    const err = await withRetry({
      policy: { ...policy, minDelayMs: 30, maxDelayMs: 30, deadlineMs: 0 },
      maxRetries: 10,
      attempt: async () => {
        attempts++;
        throw new Error('transient');
      },
      retryable: () => true,
    }).catch((e: unknown) => e);
    expect((err as Error).message).toBe('transient');
    expect(attempts).toBe(1);
  });
});
