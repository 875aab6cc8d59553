import { setTimeout as sleep } from 'node:timers/promises';
import { requestForHosts } from '../plan/batch-request.js';
import { rollingBatches } from '../plan/rolling.js';
import { hostKeys } from '../plan/step-batches.js';
import type { PlannedStep } from '../plan/types.js';
import type { RunContext } from './context.js';
import { countHosts, hostSucceeded } from './counts.js';
import type { HostResult } from './events.js';
import type { StepDirective } from './execute.js';
import { type JobSpec, runJob } from './job.js';

const JOB_OK = 3;

/** A step's `confirm:` on this many hosts or more is accepted only by typing the step's name. */
export const TYPE_TO_CONFIRM_HOSTS = 100;

export type StepResult = 'succeeded' | 'failed' | 'partial';

export type StepOutcome =
  /** The step ran to its end (or its failure budget stopped it); `failedHosts` as `CLOUD:IP`. */
  | { kind: 'done'; result: StepResult; failedHosts: string[] }
  /** The run ends here with this code (declined, could not submit or follow). */
  | { kind: 'exit'; exitCode: number; reason: string }
  | { kind: 'interrupted' };

/** One job of the step: a batch of hosts, or an earlier run's job followed again. */
interface Unit {
  /** 1-based batch number in the step's record; absent for a step that is not rolling. */
  batch?: number;
  keys: string[];
  reattach?: JobSpec['reattach'];
}

/** The jobs a step runs under its directive: the batch being re-attached first, then new batches. */
function unitsOf(step: PlannedStep, directive: Exclude<StepDirective, { action: 'skip' }>): Unit[] {
  const rolling = step.rolling !== undefined;
  const units: Unit[] = [];
  let next = directive.firstBatch ?? 1;
  if (directive.action === 'reattach') {
    units.push({
      ...(rolling && directive.batch !== undefined ? { batch: directive.batch } : {}),
      keys: directive.batchHosts ?? (directive.hosts ? [] : hostKeys(step)),
      reattach: {
        jobInstanceId: directive.jobInstanceId,
        ...(directive.jobInstanceName ? { jobInstanceName: directive.jobInstanceName } : {}),
      },
    });
    if (directive.batch !== undefined) next = Math.max(next, directive.batch + 1);
    if (!directive.hosts?.length) return units;
  }
  const keys = directive.hosts ?? hostKeys(step);
  const batches =
    directive.hosts === undefined
      ? step.batches
      : step.rolling
        ? rollingBatches(step.rolling.expr, keys, step.hostCount)
        : [keys];
  for (const b of batches) units.push({ ...(rolling ? { batch: next++ } : {}), keys: b });
  return units;
}

/** Runs one step: its questions, then its batches one after another within its failure budget. */
export async function runStep(
  ctx: RunContext,
  step: PlannedStep,
  directive: Exclude<StepDirective, { action: 'skip' }>,
): Promise<StepOutcome> {
  const { emit } = ctx;
  if (directive.action === 'ask' || (directive.action === 'reattach' && directive.reason)) {
    const follow =
      directive.action === 'reattach'
        ? `Follow job ${directive.jobInstanceId} of step ${step.name}, then run its other hosts, those among them?`
        : `Submit step ${step.name} again?`;
    const again = await ctx.ask(
      {
        step: step.name,
        question: `${directive.reason} ${follow}`,
        hostCount: directive.hosts?.length ?? step.hostCount,
      },
      false,
    );
    if (again === undefined) return { kind: 'interrupted' };
    if (!again)
      return {
        kind: 'exit',
        exitCode: 4,
        reason:
          directive.action === 'reattach'
            ? `step ${step.name} has hosts whose outcome is unknown; a person declined to run them again`
            : `step ${step.name} may have started; a person declined to run it again`,
      };
  }
  const units = unitsOf(step, directive);
  const hostCount = directive.hosts?.length ?? step.hostCount;
  if (step.confirm !== undefined && directive.action !== 'reattach') {
    const yes = await ctx.ask(
      {
        step: step.name,
        question: step.confirm,
        hostCount,
        ...(step.hostCount >= TYPE_TO_CONFIRM_HOSTS ? { typeToConfirm: step.name } : {}),
      },
      true,
    );
    if (yes === undefined) return { kind: 'interrupted' };
    if (!yes) return { kind: 'exit', exitCode: 4, reason: `step ${step.name} was declined` };
  }

  const rolling = step.rolling;
  const maxFail = rolling?.maxFail ?? 0;
  const batches = units.at(-1)?.batch ?? units.length;
  const started = performance.now();
  const hosts: HostResult[] = [];
  const failedHosts: string[] = [];
  let status = JOB_OK;
  let elapsedMs = 0;
  let stopped = false;
  for (const [i, unit] of units.entries()) {
    const batch = unit.batch;
    if (i > 0 && batch !== undefined && rolling) {
      const between = await betweenBatches(ctx, step, batch, batches, unit.keys.length, failedHosts.length);
      if (between) return between;
    }
    if (batch !== undefined) {
      emit({
        type: 'batch.started',
        step: step.name,
        batch,
        batches,
        hosts: unit.keys.length,
        keys: unit.keys,
        failed: failedHosts.length,
        maxFail,
      });
    }
    const job = await runJob(ctx, {
      step,
      request: rolling || directive.hosts ? requestForHosts(step, unit.keys) : step.request,
      ...(batch !== undefined ? { batch } : {}),
      ...(unit.reattach ? { reattach: unit.reattach } : {}),
    });
    if (job.kind === 'interrupted') return job;
    if (job.kind === 'stopped') return { kind: 'exit', exitCode: job.exitCode, reason: job.reason };
    const results = batch === undefined ? job.hosts : job.hosts.map((h) => ({ ...h, batch }));
    const bad = results.filter((h) => !hostSucceeded(h.status));
    for (const h of bad) failedHosts.push(`${h.cloud}:${h.ip}`);
    hosts.push(...results);
    if (job.status !== JOB_OK) status = job.status;
    elapsedMs = job.elapsedMs;
    const ok = job.status === JOB_OK && bad.length === 0;
    // A job that failed with no failed host (terminated, JOB's own error) leaves nothing to count: it stops the step.
    stopped = failedHosts.length > maxFail || (job.status !== JOB_OK && bad.length === 0);
    if (batch !== undefined) {
      emit({
        type: 'batch.finished',
        step: step.name,
        batch,
        batches,
        ok,
        counts: countHosts(results),
        hosts: results,
        failed: failedHosts.length,
        maxFail,
        jobInstanceId: job.jobInstanceId,
      });
    }
    if (stopped) break;
  }
  const result: StepResult =
    stopped || (failedHosts.length > 0 && !rolling)
      ? 'failed'
      : failedHosts.length > 0
        ? 'partial'
        : 'succeeded';
  const ignored = result !== 'succeeded' && step.onFailure === 'ignore';
  emit({
    type: 'step.finished',
    step: step.name,
    status,
    ok: result === 'succeeded',
    result,
    ...(ignored ? { ignored: true } : {}),
    counts: countHosts(hosts),
    hosts,
    elapsedMs: units.length === 1 ? elapsedMs : Math.round(performance.now() - started),
  });
  return { kind: 'done', result, failedHosts };
}

/** Between two batches: the pause, then the question; undefined to go on. */
async function betweenBatches(
  ctx: RunContext,
  step: PlannedStep,
  batch: number,
  batches: number,
  hosts: number,
  failed: number,
): Promise<StepOutcome | undefined> {
  const rolling = step.rolling!;
  if (ctx.signal.aborted) return { kind: 'interrupted' };
  if (rolling.pauseMs > 0) {
    ctx.emit({ type: 'batch.waiting', step: step.name, batch, batches, pauseMs: rolling.pauseMs });
    try {
      await sleep(rolling.pauseMs, undefined, { signal: ctx.signal });
    } catch {
      return { kind: 'interrupted' };
    }
  }
  if (rolling.confirm) {
    const yes = await ctx.ask(
      {
        step: step.name,
        question: `Run batch ${batch}/${batches} of step ${step.name} on ${hosts} host${hosts === 1 ? '' : 's'}? (failed so far: ${failed}, ${rolling.maxFail} allowed)`,
        hostCount: hosts,
        ...(step.hostCount >= TYPE_TO_CONFIRM_HOSTS ? { typeToConfirm: step.name } : {}),
      },
      true,
    );
    if (yes === undefined) return { kind: 'interrupted' };
    if (!yes)
      return {
        kind: 'exit',
        exitCode: 4,
        reason: `batch ${batch}/${batches} of step ${step.name} was declined`,
      };
  }
  if (ctx.signal.aborted) return { kind: 'interrupted' };
  return undefined;
}
