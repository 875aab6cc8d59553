import { failure } from '../http/envelope.js';
import type { CallContext } from './context.js';
import { checkFieldsV3, checkTargetCount } from './limits.js';
import { resolveScope } from './scope.js';
import { checkScriptFieldsV3, resolveScript } from './script.js';
import type { Submit } from './submit.js';
import { resolveTargets } from './targets.js';
import {
  bareBadRequest,
  type Check,
  decodeParams,
  isAbsent,
  missing,
  missingOrInvalid,
  pass,
  reject,
  toInt,
} from './validate.js';

const NUMBER_FIELDS = ['script_id', 'script_type', 'script_timeout', 'is_param_sensitive'];
const TEXT_FIELDS = ['task_name', 'script_content', 'script_param', 'account', 'bk_callback_url'];

/** Values JSON binding refuses before JOB looks at anything: a bare 1240003. */
function bindable(body: Record<string, unknown>): boolean {
  for (const k of NUMBER_FIELDS) if (!isAbsent(body[k]) && toInt(body[k]) === undefined) return false;
  for (const k of TEXT_FIELDS)
    if (!isAbsent(body[k]) && typeof body[k] !== 'string' && typeof body[k] !== 'number') return false;
  for (const k of ['ip_list', 'custom_query_id'])
    if (!isAbsent(body[k]) && !Array.isArray(body[k])) return false;
  return true;
}

const noTargets = (body: Record<string, unknown>) =>
  (!Array.isArray(body.ip_list) || body.ip_list.length === 0) &&
  (!Array.isArray(body.custom_query_id) || body.custom_query_id.length === 0) &&
  isAbsent(body.target_server);

/**
 * The JOB 3.x reading of a `fast_execute_script` request, in the server's order: binding, bean
 * validation (timeout 1–259200, sizes, callback), scope, then the call's own checks (script, then
 * targets, then account), the account, the stored script, the hosts (at most 50,000).
 */
export function checkSubmitV3(body: Record<string, unknown>, ctx: CallContext): Check<Submit> {
  if (!bindable(body)) return reject(bareBadRequest());
  const fields = checkFieldsV3(body, ctx);
  if (!fields.ok) return fields;
  const scope = resolveScope(body, ctx);
  if (!scope.ok) return scope;
  const scriptFields = checkScriptFieldsV3(body);
  if (!scriptFields.ok) return scriptFields;
  if (noTargets(body)) return reject(missingOrInvalid('ip_list|custom_query_id|target_server'));
  if (isAbsent(body.account) || String(body.account).trim() === '') return reject(missing('account'));
  const account = String(body.account);
  const bizAccounts = ctx.config.businesses?.[String(scope.value.id)]?.accounts;
  if (bizAccounts && !bizAccounts.includes(account))
    return reject(failure(1244003, `账号[${account}]不存在`));
  const script = resolveScript(body, ctx.config);
  if (!script.ok) return script;
  const decoded = decodeParams(body);
  if (!decoded.ok) return decoded;
  const params = decoded.value.replace(/\n/g, ' ');
  const targets = resolveTargets(body, scope.value.id, ctx.inventory);
  if (!targets.ok) return targets;
  const count = checkTargetCount(targets.value.length);
  if (!count.ok) return count;
  const name =
    isAbsent(body.task_name) || String(body.task_name).trim() === '' ? undefined : String(body.task_name);
  return pass({
    scope: scope.value,
    script: script.value,
    params,
    sensitive: toInt(body.is_param_sensitive) === 1,
    timeout: isAbsent(body.script_timeout) ? 7200 : toInt(body.script_timeout)!,
    callbackUrl: isAbsent(body.bk_callback_url) ? null : String(body.bk_callback_url),
    account,
    targets: targets.value,
    name,
  });
}
