import { type CallResult, failure, success } from '../http/envelope.js';
import { isJobFinished, JOB, type Job } from '../state/jobs.js';
import type { CallContext, CallHandler } from './context.js';
import { resolveScope } from './scope.js';
import {
  bareBadRequest,
  checkJobInstanceId,
  illegalParam,
  invalid,
  isAbsent,
  jobNotFound,
  missing,
  toInt,
} from './validate.js';

const UNSUPPORTED = () => failure(1241003, '不支持的操作');

/**
 * JOB 2.x reading (as before): only `operation_code: 1`; a terminating job answers 1244015, a
 * finished one 1241003, any other is terminated.
 */
function operateV2(body: Record<string, unknown>, ctx: CallContext): CallResult {
  const scope = resolveScope(body, ctx);
  if (!scope.ok) return scope.result;
  const id = checkJobInstanceId(body);
  if (!id.ok) return id.result;
  if (isAbsent(body.operation_code)) return missing('operation_code');
  if (toInt(body.operation_code) !== 1) return invalid('operation_code');
  const job = ctx.store.get(id.value, scope.value);
  if (!job) return jobNotFound();
  if (job.status === JOB.terminating) return failure(1244015, '任务正在终止中，请不要重复操作');
  if (isJobFinished(job.status)) return UNSUPPORTED();
  ctx.terminate(job);
  return success({ job_instance_id: job.id });
}

/**
 * JOB 3.x: 1 terminates a job that is running (2) or waiting for a person (7), anything else —
 * not started, terminating, finished — is 1241003; 2 starts a job saved but not started (status 1),
 * else 1241015. A missing or unknown id or code is 1241002.
 */
export function operateV3(body: Record<string, unknown>, ctx: CallContext): CallResult {
  for (const k of ['job_instance_id', 'operation_code'])
    if (!isAbsent(body[k]) && toInt(body[k]) === undefined) return bareBadRequest();
  const scope = resolveScope(body, ctx);
  if (!scope.ok) return scope.result;
  const id = toInt(body.job_instance_id);
  const code = toInt(body.operation_code);
  if (id === undefined || id <= 0 || (code !== 1 && code !== 2)) return illegalParam();
  const job = ctx.store.get(id, scope.value);
  if (!job) return jobNotFound();
  return code === 1 ? terminateV3(job, ctx) : startV3(job, ctx);
}

function terminateV3(job: Job, ctx: CallContext): CallResult {
  if (job.status !== JOB.running && job.status !== 7) return UNSUPPORTED();
  ctx.terminate(job);
  return success({ job_instance_id: job.id });
}

function startV3(job: Job, ctx: CallContext): CallResult {
  if (job.status !== JOB.notStarted)
    return failure(1241015, `不支持的操作，请勿重复启动作业,job_instance_id=${job.id}`);
  if (!job.started) {
    job.started = true;
    ctx.start(job);
  }
  return success({ job_instance_id: job.id });
}

/** `operate_job_instance`. Terminating is asynchronous as on JOB: 10 now, 11 once every host stopped. */
export const operateJobInstance: CallHandler = (body, _who, ctx) =>
  ctx.gen === 3 ? operateV3(body, ctx) : operateV2(body, ctx);
