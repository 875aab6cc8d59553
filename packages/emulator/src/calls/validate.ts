import { type CallResult, failure } from '../http/envelope.js';
import type { EmulatorConfig } from '../types.js';
import type { CallContext, RequestMeta } from './context.js';

export type Check<T> = { ok: true; value: T } | { ok: false; result: CallResult };
export const pass = <T>(value: T): Check<T> => ({ ok: true, value });
export const reject = <T>(result: CallResult): Check<T> => ({ ok: false, result });

/** JOB's own messages (bk-job ErrorCode), by code. */
export const missing = (name: string) => failure(1241004, `请求参数[${name}]缺失`);
export const invalid = (name: string) => failure(1241005, `请求参数[${name}]不合法`);
export const missingOrInvalid = (name: string) => failure(1241007, `请求参数[${name}]缺失或不合法`);
export const badRequest = (reason: string) => failure(1240003, `错误的请求：${reason}`);
/** JOB 3.x: a field that failed bean validation is 1240003 with the constraint's message alone. */
export const validationFailure = (message: string) => failure(1240003, message);
/** JOB 3.x: 1241002 without a parameter name (operate_job_instance's checks). */
/** JOB 3.x: a value JSON binding refuses (a word where a number belongs, a missing GET parameter). */
export const bareBadRequest = () => failure(1240003, '错误的请求');
export const illegalParam = () => failure(1241002, '请求参数不合法');
export const jobNotFound = () => failure(1244006, '作业实例不存在');

export const isAbsent = (v: unknown) => v === undefined || v === null || v === '';

/** An integer, or an integer written as a string (ESB passes GET queries as text). */
export function toInt(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isSafeInteger(v) ? v : undefined;
  if (typeof v === 'string' && /^-?\d{1,15}$/.test(v.trim())) return Number(v.trim());
  return undefined;
}

/** `bk_biz_id`: present, an integer ≥ 1, and a business of the configuration when one is configured. */
export function checkBizId(body: Record<string, unknown>, config: EmulatorConfig): Check<number> {
  if (isAbsent(body.bk_biz_id)) return reject(missing('bk_biz_id'));
  const id = toInt(body.bk_biz_id);
  if (id === undefined) return reject(invalid('bk_biz_id'));
  if (id < 1) return reject(badRequest('bk_biz_id 必须是正整数'));
  if (config.businesses && !Object.hasOwn(config.businesses, String(id)))
    return reject(failure(1241008, '错误的业务 ID'));
  return pass(id);
}

/**
 * `job_instance_id`: present and a positive integer. JOB 3.x answers 1241007 for a missing or
 * non-positive id and a bare 1240003 for a value that is not a number (or a GET without it).
 */
export function checkJobInstanceId(
  body: Record<string, unknown>,
  ctx?: CallContext,
  meta?: RequestMeta,
): Check<number> {
  const v = body.job_instance_id;
  if (ctx?.gen !== 3) {
    if (isAbsent(v)) return reject(missing('job_instance_id'));
    const id = toInt(v);
    if (id === undefined || id < 1) return reject(invalid('job_instance_id'));
    return pass(id);
  }
  if (!isAbsent(v) && toInt(v) === undefined) return reject(bareBadRequest());
  if (isAbsent(v) && meta?.method === 'GET') return reject(bareBadRequest());
  const id = isAbsent(v) ? 0 : toInt(v)!;
  if (id < 1) return reject(missingOrInvalid('job_instance_id'));
  return pass(id);
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Decodes standard base64 text strictly; undefined when it is not base64. */
export function decodeBase64(v: unknown): Buffer | undefined {
  if (typeof v !== 'string') return undefined;
  const s = v.replace(/\s+/g, '');
  if (!BASE64.test(s) || s.length % 4 === 1) return undefined;
  return Buffer.from(s, 'base64');
}

/** `script_param` decoded to text ('' when absent); 1241005 when it is not base64. */
export function decodeParams(body: Record<string, unknown>): Check<string> {
  if (isAbsent(body.script_param)) return pass('');
  const bytes = decodeBase64(body.script_param);
  return bytes ? pass(bytes.toString('utf8')) : reject(invalid('script_param'));
}
