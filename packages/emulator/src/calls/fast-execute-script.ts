import type { Identity } from '../http/auth.js';
import { userMay } from '../http/auth.js';
import { type CallResult, failure, success } from '../http/envelope.js';
import type { FaultRule, Transport } from '../types.js';
import type { CallContext, CallHandler, RequestMeta } from './context.js';
import { checkColumnsV3 } from './limits.js';
import { permissionBlock } from './permission.js';
import { type Submit, saveJob } from './submit.js';
import { checkSubmitV2 } from './submit-v2.js';
import { checkSubmitV3 } from './submit-v3.js';

/** JOB's running-job quotas: checked before anything is saved. */
const QUOTA_MESSAGES: Record<number, string> = {
  1244032: '当前执行的作业总量超过业务配额限制',
  1244033: '当前执行的作业总量超过应用配额限制',
  1244034: '当前执行的作业总量超过系统配额限制',
};

export function quotaFailure(rule: FaultRule): CallResult {
  const code = rule.code ?? 1244032;
  return { ...failure(code, QUOTA_MESSAGES[code] ?? QUOTA_MESSAGES[1244032]!), faultApplied: true };
}

export interface SubmitOptions {
  transport: Transport;
  /** v3 `start_task: false`: saved, not started (status 1) until `operate_job_instance` code 2. */
  startTask: boolean;
}

/**
 * What follows a request's own checks, on either transport: the `quota` fault (nothing saved),
 * permission, the columns JOB 3.x's database refuses, then the job is saved and started. Fault
 * `late_failure` saves (and maybe starts) the job, then answers 1240002 as JOB does for an
 * exception after saving.
 */
export function submitChecked(
  body: Record<string, unknown>,
  s: Submit,
  who: Identity,
  ctx: CallContext,
  meta: RequestMeta,
  opts: SubmitOptions,
): CallResult {
  const { config, gen } = ctx;
  if (meta.fault?.kind === 'quota') return quotaFailure(meta.fault);
  if (!userMay(config, who.username, 'quick_execute_script')) {
    return failure(9900403, `用户(${who.username})权限不足，请前往权限中心确认并申请补充后重试`, {
      permission: permissionBlock(config, who.username, s.targets, s.account),
    });
  }
  if (gen === 3 || opts.transport === 'v3') {
    const columns = checkColumnsV3(s.name, s.callbackUrl);
    if (!columns.ok) return columns.result;
  }
  const job = saveJob(body, s, who.username, ctx, opts.transport);
  const late = meta.fault?.kind === 'late_failure' ? meta.fault : undefined;
  if (late ? late.started : opts.startTask) {
    job.started = true;
    ctx.start(job);
  }
  if (late) return { ...failure(1240002, '内部服务器异常'), faultApplied: true };
  const data: Record<string, unknown> = { job_instance_name: job.name, job_instance_id: job.id };
  if (gen === 3 || opts.transport === 'v3') data.step_instance_id = job.stepInstanceId;
  return success(data);
}

/** ESB v2 `fast_execute_script`: checks the request like JOB (2.x or 3.x), then `submitChecked`. */
export const fastExecuteScript: CallHandler = (body, who, ctx, meta) => {
  const checked = ctx.gen === 3 ? checkSubmitV3(body, ctx) : checkSubmitV2(body, ctx);
  if (!checked.ok) return checked.result;
  return submitChecked(body, checked.value, who, ctx, meta, { transport: 'v2', startTask: true });
};
