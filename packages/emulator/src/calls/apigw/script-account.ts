import { failure } from '../../http/envelope.js';
import type { JobScript } from '../../state/jobs.js';
import type { EmulatorConfig, ScriptType } from '../../types.js';
import { type Check, decodeBase64, invalid, isAbsent, pass, reject, toInt } from '../validate.js';

/**
 * The script of a v3 request: `script_version_id` (a stored script's `versionId`; unknown 1243047)
 * wins over `script_id` (a stored script's key; unknown 1243001), which wins over `script_content`
 * (base64) + `script_language`.
 */
export function resolveScriptApigw(body: Record<string, unknown>, config: EmulatorConfig): Check<JobScript> {
  const scripts = Object.entries(config.scripts ?? {});
  if (!isAbsent(body.script_version_id)) {
    const versionId = toInt(body.script_version_id)!;
    const found = scripts.find(([, s]) => s.versionId === versionId);
    if (!found) return reject(failure(1243047, '脚本版本不存在'));
    return pass({ type: found[1].type, content: found[1].content, scriptId: found[0], versionId });
  }
  if (!isAbsent(body.script_id)) {
    const id = String(body.script_id);
    const stored = Object.hasOwn(config.scripts ?? {}, id) ? config.scripts?.[id] : undefined;
    if (!stored) return reject(failure(1243001, '脚本不存在'));
    return pass({ type: stored.type, content: stored.content, scriptId: id });
  }
  const bytes = decodeBase64(body.script_content);
  if (!bytes || bytes.length === 0) return reject(invalid('script_content'));
  return pass({
    type: toInt(body.script_language) as ScriptType,
    content: bytes.toString('utf8'),
    scriptId: null,
  });
}

/**
 * The account of a v3 request: `account_id` wins over `account_alias`. An id is looked up in the
 * business's `account_ids` (else, while the business lists no accounts, it runs as
 * `account-<id>`); an alias must be one of the business's `accounts` when it lists them.
 */
export function resolveAccountApigw(
  body: Record<string, unknown>,
  bizId: number,
  config: EmulatorConfig,
): Check<string> {
  const business = config.businesses?.[String(bizId)];
  const id = toInt(body.account_id);
  if (id !== undefined && id >= 1) {
    const byId = business?.account_ids;
    const alias = byId && Object.hasOwn(byId, String(id)) ? byId[String(id)] : undefined;
    if (alias !== undefined) return pass(alias);
    if (byId || business?.accounts) return reject(failure(1244003, `账号[${id}]不存在`));
    return pass(`account-${id}`);
  }
  const alias = String(body.account_alias);
  if (business?.accounts && !business.accounts.includes(alias))
    return reject(failure(1244003, `账号[${alias}]不存在`));
  return pass(alias);
}

/**
 * A rolling expression as JOB parses it: parts separated by spaces, the first `N` or `N%`, the
 * others also `+N` or `*N`; N ≥ 1, a share at most 100%.
 */
export function isRollingExpression(expr: string): boolean {
  const parts = expr.trim().split(/\s+/);
  return parts.every((part, i) => {
    const m = /^([+*]?)(\d{1,9})(%?)$/.exec(part);
    if (!m) return false;
    const n = Number(m[2]);
    if (n < 1 || (m[3] && (m[1] || n > 100))) return false;
    return i > 0 || m[1] === '';
  });
}
