import { failure } from '../http/envelope.js';
import type { CallContext } from './context.js';
import { type Check, isAbsent, pass, reject, toInt, validationFailure } from './validate.js';

/** JOB 3.x's limits on `fast_execute_script` (see docs/job-api.md for where each comes from). */
export const LIMITS = {
  /** `script_param` after base64 decoding, in bytes (MySQL TEXT). */
  paramBytes: 65_535,
  /** The same when `is_param_sensitive` is 1 (it is stored encrypted). */
  sensitiveParamBytes: 48_128,
  /** `script_content` after base64 decoding, in bytes (MySQL MEDIUMTEXT). */
  contentBytes: 16_777_215,
  /** `task_name`, in characters (varchar(512)). */
  taskNameChars: 512,
  /** `bk_callback_url`, in characters (varchar(1024)). */
  callbackUrlChars: 1024,
  /** Hosts of one script step. */
  targets: 50_000,
  /** `script_timeout` range on JOB 3.x, in seconds. */
  timeoutMin: 1,
  timeoutMax: 259_200,
} as const;

/** 1244022 when a step names more hosts than JOB allows in one script step. */
export function checkTargetCount(count: number): Check<null> {
  if (count <= LIMITS.targets) return pass(null);
  return reject(
    failure(1244022, `脚本任务目标服务器数量超过限制：${LIMITS.targets.toLocaleString('en-US')}`),
  );
}

/** Decoded length of base64 text computed as JOB does, without decoding: length × 3 / 4 − padding. */
export function base64DecodedLength(text: string): number {
  let pad = 0;
  for (let i = 0; i <= 1 && text.length - 1 - i >= 0; i++) {
    if (text[text.length - 1 - i] === '=') pad++;
    else break;
  }
  return Math.floor((text.length * 3) / 4) - pad;
}

const CALLBACK_REFUSED = '回调地址不合法或不在允许列表中，请联系平台管理员添加';

/** Where a request keeps its timeout and callback URL: ESB v2 names, or v3 (`timeout`, `callback_url`). */
export interface FieldNames {
  timeout: string;
  callbackUrl: string;
}
export const V2_NAMES: FieldNames = { timeout: 'script_timeout', callbackUrl: 'bk_callback_url' };
export const V3_NAMES: FieldNames = { timeout: 'timeout', callbackUrl: 'callback_url' };

/**
 * The field checks JOB 3.x runs as bean validation before anything else (each failure is 1240003
 * with the constraint's own message): timeout range, content and parameter sizes, callback URL.
 */
export function checkFieldsV3(
  body: Record<string, unknown>,
  ctx: CallContext,
  names: FieldNames = V2_NAMES,
): Check<null> {
  if (!isAbsent(body[names.timeout])) {
    const t = toInt(body[names.timeout])!;
    if (t < LIMITS.timeoutMin || t > LIMITS.timeoutMax)
      return reject(validationFailure(`作业超时时间必须在${LIMITS.timeoutMin}-${LIMITS.timeoutMax}之间`));
  }
  if (
    typeof body.script_content === 'string' &&
    base64DecodedLength(body.script_content) > LIMITS.contentBytes
  )
    return reject(validationFailure('script_content 字段过长 limit:MEDIUMTEXT(16.00MB)'));
  if (typeof body.script_param === 'string') {
    const sensitive = toInt(body.is_param_sensitive) === 1;
    const max = sensitive ? LIMITS.sensitiveParamBytes : LIMITS.paramBytes;
    if (base64DecodedLength(body.script_param) > max)
      return reject(
        validationFailure(
          sensitive
            ? `script_param加密后超出存储限制，最大支持${max}字节`
            : 'script_param字段过长 limit:TEXT(64.00KB)',
        ),
      );
  }
  const url = body[names.callbackUrl];
  if (!isAbsent(url) && !callbackAllowed(String(url), ctx.callbackAllowList))
    return reject(validationFailure(CALLBACK_REFUSED));
  return pass(null);
}

/**
 * JOB 3.x's callback URL rule: http(s) with a host and no user info; with an allow-list, the same
 * scheme, host and port as one of its base URLs and a path under the base's path.
 */
export function callbackAllowed(text: string, allowList: string[] | undefined): boolean {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    return false;
  }
  if ((u.protocol !== 'http:' && u.protocol !== 'https:') || !u.hostname || u.username || u.password)
    return false;
  if (!allowList) return true;
  return allowList.some((base) => underBase(u, new URL(base)));
}

function underBase(u: URL, base: URL): boolean {
  if (u.protocol !== base.protocol || u.hostname !== base.hostname || u.port !== base.port) return false;
  const basePath = base.pathname;
  if (basePath === '/' || basePath === '') return true;
  if (u.pathname === basePath) return true;
  return u.pathname.startsWith(basePath.endsWith('/') ? basePath : `${basePath}/`);
}

/**
 * Columns too small for the value: JOB 3.x does not check these in the request, the database
 * refuses the row when the job is saved, and the answer is 1240002 with nothing saved.
 */
export function checkColumnsV3(name: string | undefined, callbackUrl: string | null): Check<null> {
  const tooLong =
    (name !== undefined && [...name].length > LIMITS.taskNameChars) ||
    (callbackUrl !== null && [...callbackUrl].length > LIMITS.callbackUrlChars);
  return tooLong ? reject(failure(1240002, '内部服务器异常')) : pass(null);
}
