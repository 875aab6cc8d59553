import type { JobInstanceStatus, JobRef, StepLog } from '@runbook/core';
import type { PlannedRequest, PlannedStep } from '../plan/types.js';
import { withCallback } from './callbacks.js';
import type { RunContext } from './context.js';
import { countHosts } from './counts.js';
import type { HostResult } from './events.js';
import { DEFAULT_POLL, followJob } from './poll.js';
import { DEFAULT_QUOTA_WAIT, QuotaWaitStopped, submitWithinQuota } from './quota.js';
import {
  errorInfo,
  exitCodeOf,
  hostResults,
  hostsOfStatus,
  isMayHaveStarted,
  jobElapsedMs,
  jobRefOf,
} from './results.js';

/** One JOB job of a step: submitted now, or an earlier run's job followed again. */
export interface JobSpec {
  step: PlannedStep;
  /** What is sent; the step's whole request, or one batch of it. */
  request: PlannedRequest;
  /** 1-based batch of a rolling step; absent for a step run as one job. */
  batch?: number;
  /** Follow this job of an earlier run instead of submitting (never resubmitted). */
  reattach?: { jobInstanceId: number; jobInstanceName?: string };
}

export type JobOutcome =
  | { kind: 'finished'; jobInstanceId: number; status: number; hosts: HostResult[]; elapsedMs: number }
  /** An interrupt came; `ctx.current` still names a job being followed, if any. */
  | { kind: 'interrupted' }
  /** The job could not be submitted or followed: the run ends with this code. */
  | { kind: 'stopped'; exitCode: number; reason: string };

/**
 * Submits one job (waiting while JOB's running-job quota is full), follows it to the end and fetches
 * its logs. Never submits twice: a submit whose answer was lost is reported as "may have started".
 */
export async function runJob(ctx: RunContext, spec: JobSpec): Promise<JobOutcome> {
  const { client, plan, options, signal, emit } = ctx;
  const { step, batch } = spec;
  const at = batch !== undefined ? { batch } : {};
  const started = performance.now();
  // A re-attached job started before this run: its duration comes from JOB's own times.
  const elapsed = (st: JobInstanceStatus) =>
    (spec.reattach ? jobElapsedMs(st) : undefined) ?? Math.round(performance.now() - started);
  let ref: JobRef;
  // A job of an earlier run was given that run's callback URL: it is followed by polling.
  const submit = withCallback(spec.request, spec.reattach ? undefined : options.callbacks);
  if (spec.reattach) {
    ref = jobRefOf(step, plan.biz, spec.reattach.jobInstanceId);
    emit({
      type: 'step.submitted',
      step: step.name,
      ...at,
      jobInstanceId: spec.reattach.jobInstanceId,
      jobInstanceName: spec.reattach.jobInstanceName ?? step.taskName,
      reattached: true,
    });
  } else {
    emit({ type: 'step.submitting', step: step.name, ...at });
    const quotaWait = { ...DEFAULT_QUOTA_WAIT, ...options.quotaWait };
    try {
      // No abort signal: a submit that left must get its answer, or be reported as "may have started".
      // A quota refusal created nothing: wait (an interrupt stops the wait) and submit again.
      const sub = await submitWithinQuota(
        () => client.fastExecuteScript(submit.request),
        quotaWait,
        signal,
        (refusal, waitMs, waitedMs) =>
          emit({
            type: 'step.waiting',
            step: step.name,
            ...at,
            reason: 'quota',
            code: refusal.code,
            message: refusal.message,
            waitMs,
            waitedMs,
            limitMs: quotaWait.limitMs,
          }),
        () => emit({ type: 'step.submitting', step: step.name, ...at }),
      );
      ref = jobRefOf(step, plan.biz, sub.job_instance_id);
      emit({
        type: 'step.submitted',
        step: step.name,
        ...at,
        jobInstanceId: sub.job_instance_id,
        jobInstanceName: sub.job_instance_name,
        ...(sub.step_instance_id !== undefined ? { stepInstanceId: sub.step_instance_id } : {}),
      });
    } catch (err) {
      if (err instanceof QuotaWaitStopped) return { kind: 'interrupted' };
      const may = isMayHaveStarted(err);
      const info = errorInfo(err);
      if (may) {
        info.hint ??= `look in JOB for a job named "${step.taskName}" started just now before running this step again`;
      }
      emit({
        type: 'step.error',
        step: step.name,
        ...at,
        error: info,
        ...(may ? { mayHaveStarted: true } : {}),
      });
      if (signal.aborted) return { kind: 'interrupted' };
      return {
        kind: 'stopped',
        exitCode: exitCodeOf(err),
        reason: `step ${step.name} could not be submitted (${info.code})`,
      };
    }
  }
  ctx.current = { step, ref };

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
        immediate: spec.reattach !== undefined,
        ...(submit.hub ? { wake: submit.hub.wakeFor(ref.job_instance_id) } : {}),
      },
      (st) =>
        emit({
          type: 'step.progress',
          step: step.name,
          ...at,
          status: st.job_instance.status,
          counts: countHosts(hostsOfStatus(st)),
          elapsedMs: elapsed(st),
        }),
    );
  } catch (err) {
    if (signal.aborted) return { kind: 'interrupted' };
    const info = errorInfo(err);
    emit({ type: 'step.error', step: step.name, ...at, error: info, jobInstanceId: ref.job_instance_id });
    return {
      kind: 'stopped',
      exitCode: exitCodeOf(err),
      reason: `step ${step.name} could not be followed (${info.code}); job ${ref.job_instance_id} was left alone`,
    };
  }
  ctx.current = undefined;

  let logs: StepLog[] | undefined;
  let logError: string | undefined;
  try {
    logs = await client.getJobInstanceLog(ref);
  } catch (err) {
    logError = errorInfo(err).message;
  }
  return {
    kind: 'finished',
    jobInstanceId: ref.job_instance_id,
    status: last.job_instance.status,
    hosts: hostResults(last, logs, logError),
    elapsedMs: elapsed(last),
  };
}

/** Asks JOB to terminate a job; a refusal is reported, never thrown. */
export async function terminateJob(ctx: RunContext, step: PlannedStep, ref: JobRef): Promise<void> {
  try {
    await ctx.client.operateJobInstance({ ...ref, operation_code: 1 });
  } catch (err) {
    ctx.emit({
      type: 'step.error',
      step: step.name,
      error: errorInfo(err),
      jobInstanceId: ref.job_instance_id,
    });
  }
}
