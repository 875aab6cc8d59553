import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  BIG_STEP_HOSTS,
  boundHeapGrowth,
  boundHeapGrowthFor,
  letYoungGenerationGrow,
} from './heap-growth.js';
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
    const local = { local: true };
    expect(boundHeapGrowthFor(plan(step(10), step(BIG_STEP_HOSTS - 1)), local, [])).toBe(false);
    expect(boundHeapGrowthFor(plan(step(10), step(BIG_STEP_HOSTS)), local, [])).toBe(true);
    expect(boundHeapGrowthFor(plan(step(0, ['7'])), local, [])).toBe(true);
    expect(boundHeapGrowthFor(plan(step(0, [], ['module:12'])), local, [])).toBe(true);
    expect(boundHeapGrowthFor(plan(step(50_000)), local, ['--heap-growing-percent=30'])).toBe(false);
  });

  it('lets the young generation grow again, unless the user gave node their own factor', () => {
    expect(letYoungGenerationGrow([])).toBe(true);
    expect(letYoungGenerationGrow(['--semi-space-growth-factor=4'])).toBe(false);
    expect(letYoungGenerationGrow(['--semi_space_growth_factor=4'])).toBe(false);
  });

  it("holds the young generation at its first size when set at a process's start, as bin/runbook.js does", () => {
    // Objects that survive a collection or two, as a run's start makes: V8 grows the young generation
    // for them unless the factor is 1. Asked of a new process, whose flags are its own.
    const program = `
      import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
      if (process.argv[1] === 'held') setFlagsFromString('--semi-space-growth-factor=1');
      const keep = [];
      for (let round = 0; round < 40; round++) {
        const a = [];
        for (let i = 0; i < 20000; i++) a.push({ i, s: 'x' + i });
        keep.push(a);
        if (keep.length > 3) keep.shift();
      }
      process.stdout.write(String(getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size));`;
    const newSpace = (mode: string) =>
      Number(
        execFileSync(process.execPath, ['--input-type=module', '-e', program, mode], { encoding: 'utf8' }),
      );
    const held = newSpace('held');
    const free = newSpace('free');
    expect(held).toBeLessThanOrEqual(4 * 1024 * 1024);
    expect(free).toBeGreaterThan(held);
  });
});
