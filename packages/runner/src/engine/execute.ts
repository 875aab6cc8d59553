import type { JobClient, JobInstanceStatus, JobRef, StepLog } from '@runbook/core';
import type { Plan, PlannedStep } from '../plan/types.js';
import type { Transport } from '../transport.js';
import { countHosts, hostSucceeded } from './counts.js';
import type { ConfirmFn, ConfirmRequest, EventSink, RunControl, RunEvent } from './events.js';
import { type LateSteps, withOutputs } from './late-steps.js';
import { DEFAULT_POLL, followJob } from './poll.js';
import { DEFAULT_QUOTA_WAIT, type QuotaWait, QuotaWaitStopped, submitWithinQuota } from './quota.js';
import {
  errorInfo,
  exitCodeOf,
  hostResults,
  hostsOfStatus,
  isMayHaveStarted,
  jobElapsedMs,
  jobRefOf,
} from './results.js';

type EventBody = RunEvent extends infer E ? (E extends RunEvent ? Omit<E, 'ts'> : never) : never;

/** What to do with a step, decided before the run (by `--resume`, `--only`, `--from-step`). */
export type StepDirective =
  | { action: 'run' }
  | { action: 'skip'; reason: string }
  /** Follow a job submitted by an earlier run instead of submitting again. */
  | { action: 'reattach'; jobInstanceId: number; jobInstanceName?: string }
  /** An earlier submit may have started a job: ask a person before running it again. */
  | { action: 'ask'; reason: string };

export interface ExecuteOptions {
  client: JobClient;
  plan: Plan;
  emit: EventSink;
  /** Asks a person; called only for questions `yes` does not answer. */
  confirm: ConfirmFn;
  /** Where the client talks to; `transport` defaults to what the client speaks. */
  endpoint: { url: string; local: boolean; transport?: Transport; config?: string };
  /** Answer the run's question and every step's `confirm:` with yes (`--yes`). */
  yes?: boolean;
  /** By step name; absent means run. */
  directives?: Record<string, StepDirective>;
  resumedFrom?: string;
  /** First poll delay and its cap, in ms. */
  pollInitialMs?: number;
  pollMaxMs?: number;
  /** Extra time allowed beyond a step's script timeout before following gives up, in ms. */
  followGraceMs?: number;
  /** How long a submit refused by JOB's running-job quota is retried (`--quota-wait`, default 10 min). */
  quotaWait?: QuotaWait;
  /** Resolves each step's late values (outputs, `when:`, `from_step`) from the steps before it. */
  late?: LateSteps;
}

export interface RunHandle {
  control: RunControl;
  /** Resolves to the exit code once `run.finished` was emitted. */
  result: Promise<number>;
}

const JOB_OK = 3;

/** A step's `confirm:` on this many hosts or more is accepted only by typing the step's name. */
export const TYPE_TO_CONFIRM_HOSTS = 100;

/** Submits each step in order, follows it to the end, and emits events; never prints. */
export function startRun(options: ExecuteOptions): RunHandle {
  const stop = new AbortController();
  let interrupt: { signal: string; action: 'detach' | 'terminate' } | undefined;
  const control: RunControl = {
    detach(reason) {
      if (interrupt) return;
      interrupt = { signal: reason, action: 'detach' };
      stop.abort();
    },
    terminate(reason) {
      if (interrupt) return;
      interrupt = { signal: reason, action: 'terminate' };
      stop.abort();
    },
  };
  const result = run(options, stop.signal, () => interrupt);
  return { control, result };
}

/** Runs the plan to the end; resolves to the exit code. */
export function execute(options: ExecuteOptions): Promise<number> {
  return startRun(options).result;
}

async function run(
  options: ExecuteOptions,
  signal: AbortSignal,
  interrupted: () => { signal: string; action: 'detach' | 'terminate' } | undefined,
): Promise<number> {
  const { client, plan } = options;
  const emit = (e: EventBody) => options.emit({ ts: new Date().toISOString(), ...e } as RunEvent);
  emit({
    type: 'run.started',
    runId: plan.runId,
    runbook: {
      path: plan.runbookPath,
      name: plan.name,
      ...(plan.git.sha !== undefined ? { gitSha: plan.git.sha, dirty: plan.git.dirty ?? false } : {}),
    },
    endpoint: { ...options.endpoint, transport: options.endpoint.transport ?? client.transport },
    biz: plan.biz,
    steps: plan.steps.map((s) => ({
      name: s.name,
      ...(s.description ? { description: s.description } : {}),
      hostCount: s.hostCount,
      customQueries: s.customQueries.length,
      ...(s.topoNodes.length ? { topoNodes: s.topoNodes.length } : {}),
    })),
    ...(options.resumedFrom ? { resumedFrom: options.resumedFrom } : {}),
  });
  const finish = (exitCode: number, reason: string): number => {
    emit({ type: 'run.finished', ok: exitCode === 0, exitCode, reason, runId: plan.runId });
    return exitCode;
  };

  let failed = false;
  let abortedBy: PlannedStep | undefined;
  /** The job being followed, which a terminate interrupt stops. */
  let current: { step: PlannedStep; ref: JobRef } | undefined;

  /** Asks, unless `--yes` answers; resolves undefined when interrupted while waiting. */
  const ask = async (req: ConfirmRequest, flagAnswers: boolean): Promise<boolean | undefined> => {
    emit({ type: 'confirm.asked', ...req });
    if (flagAnswers && options.yes) {
      emit({ type: 'confirm.answered', ...(req.step ? { step: req.step } : {}), accepted: true, by: 'flag' });
      return true;
    }
    const aborted = new Promise<undefined>((resolve) => {
      if (signal.aborted) resolve(undefined);
      signal.addEventListener('abort', () => resolve(undefined), { once: true });
    });
    const answer = await Promise.race([options.confirm(req), aborted]);
    if (answer === undefined) return undefined;
    emit({
      type: 'confirm.answered',
      ...(req.step ? { step: req.step } : {}),
      accepted: answer,
      by: 'person',
    });
    return answer;
  };

  const toRun = plan.steps.filter((s) => (options.directives?.[s.name]?.action ?? 'run') !== 'skip');
  if (toRun.length === 0) {
    for (const s of plan.steps) {
      const d = options.directives?.[s.name];
      emit({ type: 'step.skipped', step: s.name, reason: d?.action === 'skip' ? d.reason : 'not selected' });
    }
    return finish(0, 'nothing to run: every step is skipped');
  }
  const hostTotal = new Set(toRun.flatMap((s) => [...s.hosts, ...s.hostIds.map((id) => `id:${id}`)])).size;
  const queries = new Set(toRun.flatMap((s) => s.customQueries)).size;
  const nodes = new Set(toRun.flatMap((s) => s.topoNodes)).size;
  const go = await ask(
    {
      question: `Run ${toRun.length} step${toRun.length === 1 ? '' : 's'} of ${plan.name} on ${hostTotal} host${hostTotal === 1 ? '' : 's'}${queries ? ` and ${queries} custom quer${queries === 1 ? 'y' : 'ies'}` : ''}${nodes ? ` and ${nodes} topology node${nodes === 1 ? '' : 's'}` : ''}?`,
      hostCount: hostTotal,
    },
    true,
  );
  if (go === undefined) return interruptedExit();
  if (!go) return finish(4, 'the run was declined; nothing was sent');

  async function interruptedExit(): Promise<number> {
    const it = interrupted()!;
    emit({ type: 'run.interrupted', signal: it.signal, action: it.action });
    if (it.action === 'terminate' && current) await terminate(current.step, current.ref);
    return finish(130, 'interrupted');
  }

  async function terminate(step: PlannedStep, ref: JobRef): Promise<void> {
    try {
      await client.operateJobInstance({ ...ref, operation_code: 1 });
    } catch (err) {
      emit({
        type: 'step.error',
        step: step.name,
        error: errorInfo(err),
        jobInstanceId: ref.job_instance_id,
      });
    }
  }

  for (const planned of plan.steps) {
    if (signal.aborted) return interruptedExit();
    const directive = options.directives?.[planned.name] ?? { action: 'run' };
    if (directive.action === 'skip') {
      emit({ type: 'step.skipped', step: planned.name, reason: directive.reason });
      continue;
    }
    if (abortedBy) {
      emit({ type: 'step.skipped', step: planned.name, reason: `not run: step ${abortedBy.name} failed` });
      continue;
    }
    // Late values come from the steps before; a re-attached job was submitted with them already.
    const late =
      directive.action === 'reattach'
        ? ({ kind: 'run', step: planned } as const)
        : (options.late?.before(planned) ??
          (planned.skipReason
            ? ({ kind: 'skip', reason: planned.skipReason } as const)
            : ({ kind: 'run', step: planned } as const)));
    if (late.kind === 'skip') {
      emit({ type: 'step.skipped', step: planned.name, reason: late.reason });
      options.late?.skipped(planned.name);
      continue;
    }
    if (late.kind === 'fail') {
      emit({
        type: 'step.error',
        step: planned.name,
        error: {
          code: 'RUNNER_LATE_VALUE',
          message: late.message,
          hint: 'nothing was sent for this step; fix the runbook or the scripts that print the outputs, then resume',
        },
      });
      options.late?.failed(planned.name);
      failed = true;
      if (planned.onFailure === 'abort') abortedBy = planned;
      continue;
    }
    const step = late.step;
    if (directive.action === 'ask') {
      const again = await ask(
        {
          step: step.name,
          question: `${directive.reason} Submit step ${step.name} again?`,
          hostCount: step.hostCount,
        },
        false,
      );
      if (again === undefined) return interruptedExit();
      if (!again) return finish(4, `step ${step.name} may have started; a person declined to run it again`);
    }
    if (step.confirm !== undefined && directive.action !== 'reattach') {
      const big = step.hostCount >= TYPE_TO_CONFIRM_HOSTS;
      const yes = await ask(
        {
          step: step.name,
          question: step.confirm,
          hostCount: step.hostCount,
          ...(big ? { typeToConfirm: step.name } : {}),
        },
        true,
      );
      if (yes === undefined) return interruptedExit();
      if (!yes) return finish(4, `step ${step.name} was declined`);
    }

    const started = performance.now();
    // A re-attached job started before this run: its duration comes from JOB's own times.
    const elapsed = (st: JobInstanceStatus) =>
      (directive.action === 'reattach' ? jobElapsedMs(st) : undefined) ??
      Math.round(performance.now() - started);
    let ref: JobRef;
    if (directive.action === 'reattach') {
      ref = jobRefOf(step, plan.biz, directive.jobInstanceId);
      emit({
        type: 'step.submitted',
        step: step.name,
        jobInstanceId: directive.jobInstanceId,
        jobInstanceName: directive.jobInstanceName ?? step.taskName,
        reattached: true,
      });
    } else {
      emit({ type: 'step.submitting', step: step.name });
      const quotaWait = { ...DEFAULT_QUOTA_WAIT, ...options.quotaWait };
      try {
        // No abort signal: a submit that left must get its answer, or be reported as "may have started".
        // A quota refusal created nothing: wait (an interrupt stops the wait) and submit again.
        const sub = await submitWithinQuota(
          () => client.fastExecuteScript(step.request),
          quotaWait,
          signal,
          (refusal, waitMs, waitedMs) =>
            emit({
              type: 'step.waiting',
              step: step.name,
              reason: 'quota',
              code: refusal.code,
              message: refusal.message,
              waitMs,
              waitedMs,
              limitMs: quotaWait.limitMs,
            }),
          () => emit({ type: 'step.submitting', step: step.name }),
        );
        ref = jobRefOf(step, plan.biz, sub.job_instance_id);
        emit({
          type: 'step.submitted',
          step: step.name,
          jobInstanceId: sub.job_instance_id,
          jobInstanceName: sub.job_instance_name,
          ...(sub.step_instance_id !== undefined ? { stepInstanceId: sub.step_instance_id } : {}),
        });
      } catch (err) {
        if (err instanceof QuotaWaitStopped) return interruptedExit();
        const may = isMayHaveStarted(err);
        const info = errorInfo(err);
        if (may) {
          info.hint ??= `look in JOB for a job named "${step.taskName}" started just now before running this step again`;
        }
        emit({ type: 'step.error', step: step.name, error: info, ...(may ? { mayHaveStarted: true } : {}) });
        if (signal.aborted) return interruptedExit();
        return finish(exitCodeOf(err), `step ${step.name} could not be submitted (${info.code})`);
      }
    }
    current = { step, ref };

    let last: JobInstanceStatus;
    try {
      last = await followJob(
        client,
        ref,
        {
          initialMs: options.pollInitialMs ?? DEFAULT_POLL.initialMs,
          maxMs: options.pollMaxMs ?? DEFAULT_POLL.maxMs,
          deadlineMs: step.timeoutSec * 1000 + (options.followGraceMs ?? 15 * 60_000),
          signal,
          immediate: directive.action === 'reattach',
        },
        (st) =>
          emit({
            type: 'step.progress',
            step: step.name,
            status: st.job_instance.status,
            counts: countHosts(hostsOfStatus(st)),
            elapsedMs: elapsed(st),
          }),
      );
    } catch (err) {
      if (signal.aborted) return interruptedExit();
      const info = errorInfo(err);
      emit({ type: 'step.error', step: step.name, error: info, jobInstanceId: ref.job_instance_id });
      return finish(
        exitCodeOf(err),
        `step ${step.name} could not be followed (${info.code}); job ${ref.job_instance_id} was left alone`,
      );
    }
    current = undefined;

    let logs: StepLog[] | undefined;
    let logError: string | undefined;
    try {
      logs = await client.getJobInstanceLog(ref);
    } catch (err) {
      logError = errorInfo(err).message;
    }
    const hosts = withOutputs(hostResults(last, logs, logError));
    const status = last.job_instance.status;
    const ok = status === JOB_OK && hosts.every((h) => hostSucceeded(h.status));
    emit({
      type: 'step.finished',
      step: step.name,
      status,
      ok,
      counts: countHosts(hosts),
      hosts,
      elapsedMs: elapsed(last),
    });
    options.late?.finished(step.name, hosts, ok);
    if (!ok) {
      failed = true;
      if (step.onFailure === 'abort') abortedBy = step;
    }
    // An interrupt that came while this step's logs were fetched stops the run before the next step.
  }
  if (failed) {
    return finish(1, abortedBy ? `step ${abortedBy.name} failed; the run stopped` : 'a step failed');
  }
  return finish(0, 'every step succeeded');
}
