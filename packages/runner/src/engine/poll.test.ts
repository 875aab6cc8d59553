import { describe, expect, it } from 'vitest';
import { nextPollDelay, sizeFloor } from './poll.js';

/** The times of the status calls for a job that never finishes, with `latency` ms per call. */
function schedule(initialMs: number, maxMs: number, untilMs: number, latency = 5): number[] {
  const times: number[] = [];
  let t = 0;
  let delay: number | undefined;
  for (let i = 0; i < 1000; i++) {
    delay = nextPollDelay(delay, t, initialMs, maxMs);
    t += delay + latency;
    if (t > untilMs) break;
    times.push(t);
  }
  return times;
}

describe('nextPollDelay', () => {
  it('polls densely while the job is young, then at the cap', () => {
    expect(schedule(100, 5000, 13_000, 0)).toEqual([100, 300, 700, 1150, 1600, 2050, 2500, 7500, 12_500]);
  });

  it('notices a job of a few seconds within half a second, whatever its exact length', () => {
    const calls = schedule(100, 5000, 10_000);
    for (let end = 500; end <= 2500; end += 7) {
      const seen = calls.find((t) => t >= end)!;
      expect(seen - end).toBeLessThanOrEqual(QUICK_GAP + 5);
    }
  });

  it('costs at most 20 status calls for a one-minute job (the last call sees it finished)', () => {
    expect(schedule(100, 5000, 60_000).length + 1).toBeLessThanOrEqual(20);
  });

  it('honours the options: the first delay, and a cap below the quick gap', () => {
    expect(schedule(1000, 5000, 8000, 0)).toEqual([1000, 2000, 3000, 8000]);
    expect(schedule(100, 200, 1000, 0)).toEqual([100, 300, 500, 700, 900]);
  });
});

const QUICK_GAP = 450;

describe('sizeFloor', () => {
  it('spaces status calls by the hosts an answer lists, never beyond the cap', () => {
    expect(sizeFloor(100, 2, 5000)).toBe(100);
    expect(sizeFloor(450, 10_000, 5000)).toBe(500);
    expect(sizeFloor(450, 50_000, 5000)).toBe(2500);
    expect(sizeFloor(450, 500_000, 5000)).toBe(5000);
    expect(sizeFloor(5000, 50_000, 5000)).toBe(5000);
    expect(sizeFloor(1, 0, 1)).toBe(1);
  });
});
