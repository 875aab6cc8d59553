import { describe, expect, it } from 'vitest';
import { BIG_STEP_HOSTS, boundHeapGrowth, boundHeapGrowthFor } from './heap-growth.js';
import type { Plan } from './plan/types.js';

describe('boundHeapGrowth', () => {
  it("sets V8's heap growth for the run, unless the user gave node their own", () => {
    expect(boundHeapGrowth([])).toBe(true);
    expect(boundHeapGrowth(['--enable-source-maps', '--max-old-space-size=512'])).toBe(true);
    expect(boundHeapGrowth(['--heap-growing-percent=30'])).toBe(false);
    expect(boundHeapGrowth(['--heap_growing_percent=30'])).toBe(false);
    // A look-alike flag is not theirs.
    expect(boundHeapGrowth(['--heap-growing-percentage=30'])).toBe(true);
  });

  it('is set only for a plan with a big step, or one whose hosts JOB resolves', () => {
    const step = (hostCount: number, customQueries: string[] = [], topoNodes: string[] = []) => ({
      hostCount,
      customQueries,
      topoNodes,
    });
    const plan = (...steps: ReturnType<typeof step>[]) => ({ steps }) as unknown as Plan;
    expect(boundHeapGrowthFor(plan(step(10), step(BIG_STEP_HOSTS - 1)), [])).toBe(false);
    expect(boundHeapGrowthFor(plan(step(10), step(BIG_STEP_HOSTS)), [])).toBe(true);
    expect(boundHeapGrowthFor(plan(step(0, ['7'])), [])).toBe(true);
    expect(boundHeapGrowthFor(plan(step(0, [], ['module:12'])), [])).toBe(true);
    expect(boundHeapGrowthFor(plan(step(50_000)), ['--heap-growing-percent=30'])).toBe(false);
  });
});
