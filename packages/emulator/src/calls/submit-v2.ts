import { failure } from '../http/envelope.js';
import type { CallContext } from './context.js';
import { callbackAllowed } from './limits.js';
import { resolveScope } from './scope.js';
import { resolveScript } from './script.js';
import type { Submit } from './submit.js';
import { resolveTargets } from './targets.js';
import {
  type Check,
  decodeParams,
  invalid,
  isAbsent,
  pass,
  reject,
  toInt,
  validationFailure,
} from './validate.js';

/** An http(s) URL without user info, or null for none; undefined when it is neither. */
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

/**
 * The JOB 2.x reading of a `fast_execute_script` request, field by field in this order: business,
 * script, parameters, timeout (60–86400, default 1000), sensitivity, name, callback, account
 * (default `root`), hosts, the business's accounts.
 */
export function checkSubmitV2(body: Record<string, unknown>, ctx: CallContext): Check<Submit> {
  const { config } = ctx;
  const scope = resolveScope(body, ctx);
  if (!scope.ok) return scope;
  const script = resolveScript(body, config);
  if (!script.ok) return script;
  const decoded = decodeParams(body);
  if (!decoded.ok) return decoded;
  const params = decoded.value;
  let timeout = 1000;
  if (!isAbsent(body.script_timeout)) {
    const t = toInt(body.script_timeout);
    if (t === undefined) return reject(invalid('script_timeout'));
    if (t < 60 || t > 86400)
      return reject(failure(1240003, `错误的请求：script_timeout 取值范围 60-86400，实际 ${t}`));
    timeout = t;
  }
  let sensitive = false;
  if (!isAbsent(body.is_param_sensitive)) {
    const s = toInt(body.is_param_sensitive);
    if (s !== 0 && s !== 1) return reject(invalid('is_param_sensitive'));
    sensitive = s === 1;
  }
  if (!isAbsent(body.task_name) && typeof body.task_name !== 'string') return reject(invalid('task_name'));
  const callbackUrl = checkCallbackUrl(body.bk_callback_url);
  if (callbackUrl === undefined) return reject(invalid('bk_callback_url'));
  if (callbackUrl !== null && !callbackAllowed(callbackUrl, ctx.callbackAllowList))
    return reject(validationFailure('回调地址不合法或不在允许列表中，请联系平台管理员添加'));
  let account = 'root';
  if (!isAbsent(body.account)) {
    if (typeof body.account !== 'string') return reject(invalid('account'));
    account = body.account;
  }
  const targets = resolveTargets(body, scope.value.id, ctx.inventory);
  if (!targets.ok) return targets;
  const bizAccounts = config.businesses?.[String(scope.value.id)]?.accounts;
  if (bizAccounts && !bizAccounts.includes(account))
    return reject(failure(1244003, `账号[${account}]不存在`));
  const name = typeof body.task_name === 'string' && body.task_name ? body.task_name : undefined;
  return pass({
    scope: scope.value,
    script: script.value,
    params,
    sensitive,
    timeout,
    callbackUrl,
    account,
    targets: targets.value,
    name,
  });
}
