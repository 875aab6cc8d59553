import { splitParams } from '../exec/split.js';
import { userMay } from '../http/auth.js';
import { failure, success } from '../http/envelope.js';
import { HOST, type HostRun, JOB, type Job } from '../state/jobs.js';
import type { CallHandler } from './context.js';
import { permissionBlock } from './permission.js';
import { resolveScript } from './script.js';
import { resolveTargets } from './targets.js';
import { badRequest, checkBizId, decodeBase64, invalid, isAbsent, missing, toInt } from './validate.js';

const HIDDEN_FIELDS = new Set(['bk_app_secret', 'bk_token']);

function quickName(gen: 2 | 3, now: number): string {
  if (gen === 2) return `API Quick execution script${now}`;
  const d = new Date(now);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `API Quick execution script_${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}${p(d.getMilliseconds(), 3)}`;
}

function checkCallbackUrl(v: unknown): string | null | undefined {
  if (isAbsent(v)) return null;
  if (typeof v !== 'string') return undefined;
  try {
    const u = new URL(v);
    if ((u.protocol !== 'http:' && u.protocol !== 'https:') || u.username || u.password) return undefined;
    return v;
  } catch {
    return undefined;
  }
}

/** `fast_execute_script`: validates like JOB, creates the job, starts it, answers its id. */
export const fastExecuteScript: CallHandler = (body, who, ctx) => {
  const { config, gen } = ctx;
  const biz = checkBizId(body, config);
  if (!biz.ok) return biz.result;
  const script = resolveScript(body, config);
  if (!script.ok) return script.result;

  let params = '';
  if (!isAbsent(body.script_param)) {
    const bytes = decodeBase64(body.script_param);
    if (!bytes) return invalid('script_param');
    params = bytes.toString('utf8');
    if (gen === 3) params = params.replace(/\n/g, ' ');
  }
  let timeout = gen === 3 ? 7200 : 1000;
  if (!isAbsent(body.script_timeout)) {
    const t = toInt(body.script_timeout);
    if (t === undefined) return invalid('script_timeout');
    if (t < 60 || t > 86400) return badRequest(`script_timeout 取值范围 60-86400，实际 ${t}`);
    timeout = t;
  }
  let sensitive = false;
  if (!isAbsent(body.is_param_sensitive)) {
    const s = toInt(body.is_param_sensitive);
    if (s !== 0 && s !== 1) return invalid('is_param_sensitive');
    sensitive = s === 1;
  }
  if (!isAbsent(body.task_name) && typeof body.task_name !== 'string') return invalid('task_name');
  const callbackUrl = checkCallbackUrl(body.bk_callback_url);
  if (callbackUrl === undefined) return invalid('bk_callback_url');

  let account = 'root';
  if (isAbsent(body.account)) {
    if (gen === 3) return missing('account');
  } else if (typeof body.account !== 'string') {
    return invalid('account');
  } else account = body.account;

  const targets = resolveTargets(body, biz.value, config);
  if (!targets.ok) return targets.result;
  const bizAccounts = config.businesses?.[String(biz.value)]?.accounts;
  if (bizAccounts && !bizAccounts.includes(account)) return failure(1244003, `账号[${account}]不存在`);

  if (!userMay(config, who.username, 'quick_execute_script')) {
    return failure(9900403, `用户(${who.username})权限不足，请前往权限中心确认并申请补充后重试`, {
      permission: permissionBlock(config, who.username, targets.value, account),
    });
  }

  const now = Date.now();
  const { id, stepInstanceId } = ctx.store.allocateIds();
  const request: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) if (!HIDDEN_FIELDS.has(k)) request[k] = v;
  if (sensitive && 'script_param' in request) request.script_param = '******';
  const hosts: HostRun[] = targets.value.map((t) => ({
    ip: t.ip,
    cloud: t.cloud,
    status: HOST.waiting,
    exitCode: null,
    errorCode: 115,
    tag: '',
    startMs: null,
    endMs: null,
    log: '',
    agent: t.host?.agent ?? 'ok',
    hasAccount: !t.host?.accounts || t.host.accounts.includes(account),
  }));
  const job: Job = {
    id,
    stepInstanceId,
    bizId: biz.value,
    name: typeof body.task_name === 'string' && body.task_name ? body.task_name : quickName(gen, now),
    operator: who.username,
    status: JOB.notStarted,
    createMs: now,
    startMs: null,
    endMs: null,
    hosts,
    request,
    script: script.value,
    params,
    args: splitParams(params),
    sensitive,
    account,
    timeoutSeconds: timeout,
    callbackUrl,
    version: 0,
    cache: null,
  };
  ctx.store.add(job);
  ctx.start(job);
  const data: Record<string, unknown> = { job_instance_name: job.name, job_instance_id: id };
  if (gen === 3) data.step_instance_id = stepInstanceId;
  return success(data);
};
