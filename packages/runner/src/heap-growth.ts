import { setFlagsFromString } from 'node:v8';
import type { Plan } from './plan/types.js';

/** How far past what a full collection found live the old generation may grow: ×2. */
export const HEAP_GROWING_PERCENT = 100;

/**
 * Bounds V8's heap growth for a run. After each full collection V8 lets the old generation grow to
 * a multiple of what it found live before it marks again; the multiple is adaptive, up to ×4, and
 * highest for a process that was mostly idle (a runner waiting on JOB between status calls). The
 * end of a 50,000-host step then reads the log answer, makes the results, the record and the output
 * (a few seconds of big, short-lived allocations) into a heap allowed to reach four times the ~45 MB
 * the run keeps, without one full collection: 30–40 MB of peak memory that is garbage. At ×2 the same work is collected on the way, at a few more (incremental) markings.
 *
 * V8 reads this setting at each collection, so it holds from the next one on. A `node
 * --heap-growing-percent=N` given by the user is left as it is. Returns whether it set it.
 */
export function boundHeapGrowth(execArgv: readonly string[] = process.execArgv): boolean {
  if (execArgv.some((a) => /^--heap[-_]growing[-_]percent\b/.test(a))) return false;
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  return true;
}

/**
 * V8's own factor by which the young generation grows. bin/runbook.js holds it at 1 from the start:
 * only `apply --local` of small steps keeps it so (its hosts are forks of the process); the CLI lets
 * it grow for every other command, and `boundHeapGrowthFor` for a run against JOB or with a big step.
 */
export const YOUNG_GROWTH_FACTOR = 2;

/**
 * Lets V8's young generation grow again, as V8 would: a big step makes many short-lived objects
 * (the hosts of a status answer, their results), collected more cheaply in a bigger young
 * generation. A factor given to node by the user is left as it is. Returns whether it set it.
 */
export function letYoungGenerationGrow(execArgv: readonly string[] = process.execArgv): boolean {
  if (execArgv.some((a) => /^--semi[-_]space[-_]growth[-_]factor\b/.test(a))) return false;
  setFlagsFromString(`--semi-space-growth-factor=${YOUNG_GROWTH_FACTOR}`);
  return true;
}

/** Steps of at least this many hosts (or of hosts JOB resolves, whose number is unknown) are big. */
export const BIG_STEP_HOSTS = 1000;

/**
 * V8's heap for a run. A plan with a big step: `boundHeapGrowth`, and the young generation grows
 * again (`letYoungGenerationGrow`). A small run keeps V8's own old-generation growth: bounded, a
 * 10-step run of 10 hosts made three full collections instead of one, for no memory it needed. Its
 * young generation stays at its first size only when its hosts are forks of this process (`local`);
 * against JOB it grows. Returns whether the old generation's growth was bounded.
 */
export function boundHeapGrowthFor(
  plan: Plan,
  run: { local: boolean },
  execArgv: readonly string[] = process.execArgv,
): boolean {
  const big = plan.steps.some(
    (s) => s.hostCount >= BIG_STEP_HOSTS || s.customQueries.length > 0 || s.topoNodes.length > 0,
  );
  if (big || !run.local) letYoungGenerationGrow(execArgv);
  return big && boundHeapGrowth(execArgv);
}
