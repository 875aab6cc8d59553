import type { PlannedStep } from '../plan/types.js';
import type { RunContext } from './context.js';
import { countHosts, hostSucceeded } from './counts.js';
import type { StepDirective } from './execute.js';
import { runJob } from './job.js';

const JOB_OK = 3;

/** A step's `confirm:` on this many hosts or more is accepted only by typing the step's name. */
export const TYPE_TO_CONFIRM_HOSTS = 100;

export type StepOutcome =
  /** The step ran to its end; `ok` false when a host or the job failed. */
  | { kind: 'done'; ok: boolean }
  /** The run ends here with this code (declined, could not submit or follow). */
  | { kind: 'exit'; exitCode: number; reason: string }
  | { kind: 'interrupted' };

/** Runs one step: its questions, then its job(s); emits `step.finished` when it ran to its end. */
export async function runStep(
  ctx: RunContext,
  step: PlannedStep,
  directive: Exclude<StepDirective, { action: 'skip' }>,
): Promise<StepOutcome> {
  const { emit } = ctx;
  if (directive.action === 'ask') {
    const again = await ctx.ask(
      {
        step: step.name,
        question: `${directive.reason} Submit step ${step.name} again?`,
        hostCount: step.hostCount,
      },
      false,
    );
    if (again === undefined) return { kind: 'interrupted' };
    if (!again)
      return {
        kind: 'exit',
        exitCode: 4,
        reason: `step ${step.name} may have started; a person declined to run it again`,
      };
  }
  if (step.confirm !== undefined && directive.action !== 'reattach') {
    const big = step.hostCount >= TYPE_TO_CONFIRM_HOSTS;
    const yes = await ctx.ask(
      {
        step: step.name,
        question: step.confirm,
        hostCount: step.hostCount,
        ...(big ? { typeToConfirm: step.name } : {}),
      },
      true,
    );
    if (yes === undefined) return { kind: 'interrupted' };
    if (!yes) return { kind: 'exit', exitCode: 4, reason: `step ${step.name} was declined` };
  }

  const job = await runJob(ctx, {
    step,
    request: step.request,
    ...(directive.action === 'reattach'
      ? {
          reattach: {
            jobInstanceId: directive.jobInstanceId,
            ...(directive.jobInstanceName ? { jobInstanceName: directive.jobInstanceName } : {}),
          },
        }
      : {}),
  });
  if (job.kind === 'interrupted') return job;
  if (job.kind === 'stopped') return { kind: 'exit', exitCode: job.exitCode, reason: job.reason };
  const ok = job.status === JOB_OK && job.hosts.every((h) => hostSucceeded(h.status));
  emit({
    type: 'step.finished',
    step: step.name,
    status: job.status,
    ok,
    counts: countHosts(job.hosts),
    hosts: job.hosts,
    elapsedMs: job.elapsedMs,
  });
  return { kind: 'done', ok };
}
