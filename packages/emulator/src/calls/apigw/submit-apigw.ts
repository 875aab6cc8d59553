import { failure } from '../../http/envelope.js';
import type { CallContext } from '../context.js';
import { checkFieldsV3, checkTargetCount, V3_NAMES } from '../limits.js';
import { resolveScope } from '../scope.js';
import type { Submit } from '../submit.js';
import {
  bareBadRequest,
  type Check,
  decodeParams,
  invalid,
  isAbsent,
  missing,
  pass,
  reject,
  toInt,
  validationFailure,
} from '../validate.js';
import { isRollingExpression, resolveAccountApigw, resolveScriptApigw } from './script-account.js';
import { bindTargetServer, isEmptyServer, resolveTargetServer, type TargetServer } from './target-server.js';

const NUMBER_FIELDS = ['script_version_id', 'script_language', 'timeout', 'is_param_sensitive', 'account_id'];
const TEXT_FIELDS = [
  'task_name',
  'script_id',
  'script_content',
  'script_param',
  'account_alias',
  'callback_url',
  'windows_interpreter',
];

/** Values JSON binding refuses before JOB looks at anything: a bare 1240003. */
function bindable(body: Record<string, unknown>): boolean {
  for (const k of NUMBER_FIELDS) if (!isAbsent(body[k]) && toInt(body[k]) === undefined) return false;
  for (const k of TEXT_FIELDS)
    if (!isAbsent(body[k]) && typeof body[k] !== 'string' && typeof body[k] !== 'number') return false;
  const start = body.start_task;
  if (!isAbsent(start) && typeof start !== 'boolean' && start !== 'true' && start !== 'false') return false;
  const rolling = body.rolling_config;
  if (!isAbsent(rolling) && (typeof rolling !== 'object' || Array.isArray(rolling))) return false;
  if (!isAbsent(body.host_password_list) && !Array.isArray(body.host_password_list)) return false;
  return true;
}

/** `rolling_config`'s bean validation: `mode` 1–3 (default 1), `expression` not blank. */
function checkRolling(body: Record<string, unknown>): Check<null> {
  if (isAbsent(body.rolling_config)) return pass(null);
  const r = body.rolling_config as Record<string, unknown>;
  if (!isAbsent(r.mode) && ![1, 2, 3].includes(toInt(r.mode) as number))
    return reject(validationFailure('滚动机制取值不合法'));
  if (typeof r.expression !== 'string' || r.expression.trim() === '')
    return reject(validationFailure('目标执行对象滚动分批策略表达式不可为空'));
  return pass(null);
}

/** `EsbFastExecuteScriptV3ResourceImpl.checkFastExecuteScriptRequest`, in its order. */
function ownChecks(body: Record<string, unknown>, server: TargetServer | null): Check<TargetServer> {
  const byVersion = !isAbsent(body.script_version_id);
  const byContent = !isAbsent(body.script_content);
  if (!byVersion && isAbsent(body.script_id) && !byContent)
    return reject(missing('script_version_id|script_id|script_content'));
  if (byVersion && toInt(body.script_version_id)! < 1) return reject(invalid('script_version_id'));
  const language = toInt(body.script_language);
  if (byContent && (language === undefined || language < 1 || language > 5))
    return reject(invalid('script_language'));
  if (!server) return reject(missing('target_server'));
  if (isEmptyServer(server)) return reject(failure(1244001, '主机为空'));
  const accountId = toInt(body.account_id);
  if ((accountId === undefined || accountId < 1) && String(body.account_alias ?? '').trim() === '')
    return reject(missing('account_id|account_alias'));
  return pass(server);
}

/**
 * The v3 (API gateway) reading of `fast_execute_script`, in JOB's order: binding, bean validation
 * (timeout, sizes, callback, rolling config, target entries, scope), the call's own checks, then
 * the account, the script, the hosts (at most 50,000) and the rolling expression (1244026).
 * `rolling_config` is checked and kept in the request, but hosts run as one batch.
 */
export function checkSubmitApigw(
  body: Record<string, unknown>,
  ctx: CallContext,
): Check<{ submit: Submit; startTask: boolean }> {
  if (!bindable(body)) return reject(bareBadRequest());
  const server = bindTargetServer(body.target_server);
  if (!server.ok) return server;
  const fields = checkFieldsV3(body, ctx, V3_NAMES);
  if (!fields.ok) return fields;
  const rolling = checkRolling(body);
  if (!rolling.ok) return rolling;
  const scope = resolveScope(body, ctx);
  if (!scope.ok) return scope;
  const own = ownChecks(body, server.value);
  if (!own.ok) return own;
  const account = resolveAccountApigw(body, scope.value.id, ctx.config);
  if (!account.ok) return account;
  const script = resolveScriptApigw(body, ctx.config);
  if (!script.ok) return script;
  const decoded = decodeParams(body);
  if (!decoded.ok) return decoded;
  const params = decoded.value.replace(/\n/g, ' ');
  const targets = resolveTargetServer(own.value, scope.value.id, ctx.inventory);
  if (!targets.ok) return targets;
  const count = checkTargetCount(targets.value.length);
  if (!count.ok) return count;
  const expression = (body.rolling_config as Record<string, unknown> | undefined)?.expression;
  if (typeof expression === 'string' && !isRollingExpression(expression))
    return reject(failure(1244026, '非法的滚动策略'));
  const name =
    isAbsent(body.task_name) || String(body.task_name).trim() === '' ? undefined : String(body.task_name);
  return pass({
    submit: {
      scope: scope.value,
      script: script.value,
      params,
      sensitive: toInt(body.is_param_sensitive) === 1,
      timeout: isAbsent(body.timeout) ? 7200 : toInt(body.timeout)!,
      callbackUrl: isAbsent(body.callback_url) ? null : String(body.callback_url),
      account: account.value,
      targets: targets.value,
      name,
    },
    startTask: body.start_task !== false && body.start_task !== 'false',
  });
}
