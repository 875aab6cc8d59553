import { failure, success } from '../http/envelope.js';
import { isJobFinished, JOB } from '../state/jobs.js';
import type { CallHandler } from './context.js';
import {
  checkBizId,
  checkJobInstanceId,
  invalid,
  isAbsent,
  jobNotFound,
  missing,
  toInt,
} from './validate.js';

/**
 * `operate_job_instance` with `operation_code: 1` (terminate). Asynchronous as on JOB: the job goes
 * to 10 (terminating) now and to 11 once every host stopped (hosts that had not finished get 403).
 */
export const operateJobInstance: CallHandler = (body, _who, ctx) => {
  const biz = checkBizId(body, ctx.config);
  if (!biz.ok) return biz.result;
  const id = checkJobInstanceId(body);
  if (!id.ok) return id.result;
  if (isAbsent(body.operation_code)) return missing('operation_code');
  if (toInt(body.operation_code) !== 1) return invalid('operation_code');
  const job = ctx.store.get(id.value, biz.value);
  if (!job) return jobNotFound();
  if (job.status === JOB.terminating) return failure(1244015, '任务正在终止中，请不要重复操作');
  if (isJobFinished(job.status)) return failure(1241003, '不支持的操作');
  ctx.terminate(job);
  return success({ job_instance_id: job.id });
};
