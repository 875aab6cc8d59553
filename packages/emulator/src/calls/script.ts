import { failure } from '../http/envelope.js';
import type { JobScript } from '../state/jobs.js';
import type { EmulatorConfig, ScriptType } from '../types.js';
import { type Check, decodeBase64, invalid, isAbsent, missing, pass, reject, toInt } from './validate.js';

/** The script to run: a stored `script_id` wins over `script_content` (+ `script_type`). */
export function resolveScript(body: Record<string, unknown>, config: EmulatorConfig): Check<JobScript> {
  if (!isAbsent(body.script_id)) {
    const id = toInt(body.script_id);
    if (id === undefined || id < 1) return reject(invalid('script_id'));
    const stored = config.scripts?.[String(id)];
    if (!stored || !Object.hasOwn(config.scripts ?? {}, String(id)))
      return reject(failure(1243001, '脚本不存在'));
    return pass({ type: stored.type, content: stored.content, scriptId: id });
  }
  if (isAbsent(body.script_content)) return reject(missing('script_content'));
  const bytes = decodeBase64(body.script_content);
  if (!bytes || bytes.length === 0) return reject(invalid('script_content'));
  if (isAbsent(body.script_type)) return reject(missing('script_type'));
  const type = toInt(body.script_type);
  if (type === undefined || type < 1 || type > 5) return reject(invalid('script_type'));
  return pass({ type: type as ScriptType, content: bytes.toString('utf8'), scriptId: null });
}

/**
 * JOB 3.x's own script checks, in its order: `script_id` ≥ 1 when given; otherwise `script_type`
 * 1–5, then `script_content` not blank (both 1241005, missing or not). The content must also be
 * base64 here (JOB decodes leniently).
 */
export function checkScriptFieldsV3(body: Record<string, unknown>): Check<null> {
  if (!isAbsent(body.script_id)) {
    const id = toInt(body.script_id);
    return id === undefined || id < 1 ? reject(invalid('script_id')) : pass(null);
  }
  const type = toInt(body.script_type);
  if (type === undefined || type < 1 || type > 5) return reject(invalid('script_type'));
  if (typeof body.script_content !== 'string' || body.script_content.trim() === '')
    return reject(invalid('script_content'));
  const bytes = decodeBase64(body.script_content);
  if (!bytes || bytes.length === 0) return reject(invalid('script_content'));
  return pass(null);
}
