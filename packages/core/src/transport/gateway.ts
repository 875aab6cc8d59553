/**
 * The BlueKing API gateway's own answers. JOB's answers through the gateway are HTTP 200 envelopes
 * (JOB's 400 for a missing parameter aside), read as on ESB. The gateway itself refuses with HTTP
 * 4xx/5xx and `{"code": 16xxxxx, "code_name", "message", "result": false, "data": null}`, or an HTML
 * page: those become the `CORE_*` codes ESB's equivalents have (401 → `CORE_AUTH`, 403 →
 * `CORE_PERMISSION`, 404 → `CORE_NOT_SUPPORTED`, 429 → `CORE_RATE_LIMITED`, the gateway failing to
 * reach JOB → `CORE_UPSTREAM`), as an `HttpStatusError` that keeps the status, so retries and the
 * submit's "may have started" follow the status exactly as on ESB.
 */

import { type AnswerContext, parseEnvelope, snippet, tryEnvelope, where } from '../envelope.js';
import { HttpStatusError } from '../errors.js';
import { maskText } from '../redact.js';
import type { EsbEnvelope } from '../types.js';

const NOT_JSON_HINT =
  'is the base URL the JOB API gateway stage URL (e.g. https://bkapi.example.com/api/bk-job/prod)? A login page or proxy answered instead';

/** Gateway codes are 16xxxxx (`1640001` bad arguments, `1640301` no permission, `1642902` rate limit, `1650200` bad gateway…). */
const isGatewayCode = (code: unknown): boolean => {
  const n = Number(code);
  return Number.isInteger(n) && n >= 1_600_000 && n <= 1_699_999;
};

interface GatewayAnswer {
  code?: number | string;
  message: string;
}

/** One v3 answer as an envelope; throws `HttpStatusError` (with a `CORE_*` code) for the gateway's refusals. */
export function parseGatewayAnswer(ctx: AnswerContext, status: number, text: string): EsbEnvelope<unknown> {
  const env = tryEnvelope(text);
  if (status === 200) return parseEnvelope(ctx, status, text, NOT_JSON_HINT);
  // JOB itself answers some parameter errors with 400 and its own envelope: a definite refusal.
  if (status >= 400 && status < 500 && env?.result === false && !isGatewayCode(env.code)) return env;
  const answer: GatewayAnswer =
    env && isGatewayCode(env.code)
      ? { code: env.code, message: maskText(String(env.message ?? ''), ctx.secrets) }
      : { message: snippet(text, ctx.secrets) };
  const mapped = mapGateway(ctx, status, answer);
  const from = answer.code === undefined ? '' : ` (gateway code ${answer.code})`;
  return fail(ctx, status, mapped, answer, from);
}

function fail(
  ctx: AnswerContext,
  status: number,
  mapped: { code: string; hint: string },
  answer: GatewayAnswer,
  from: string,
): never {
  throw new HttpStatusError(
    mapped.code,
    `${where(ctx)}: HTTP ${status}${answer.message ? `: ${answer.message}` : ''}${from}. ${mapped.hint}`,
    {
      call: ctx.call,
      endpoint: ctx.endpoint,
      status,
      hint: mapped.hint,
      ...(answer.code === undefined ? {} : { esbCode: answer.code, serverMessage: answer.message }),
    },
  );
}

const AUTH_WORDS = /authenticat|verify app|incorrect|bk_app_secret|bk_app_code|app code|app secret/i;

function authHint(message: string): string {
  if (/secret|app code|app_code|verify app/i.test(message)) {
    return 'the API gateway did not accept the app code and secret: check BK_APP_CODE and BK_APP_SECRET (开发者中心 → 基本信息)';
  }
  if (/user|bk_token|bk_username|access_token/i.test(message)) {
    return 'the API gateway did not accept the user: set a fresh BK_TOKEN, or BK_USERNAME if the app is exempt from user authentication on the bk-job gateway';
  }
  return 'the API gateway refused the credentials: check BK_APP_CODE, BK_APP_SECRET and BK_USERNAME or BK_TOKEN';
}

/** The `CORE_*` code and hint of a gateway refusal, by HTTP status (and the gateway's code and words). */
function mapGateway(
  ctx: AnswerContext,
  status: number,
  answer: GatewayAnswer,
): { code: string; hint: string } {
  const { message } = answer;
  const fromGateway = answer.code !== undefined;
  // The gateway refuses bad credentials with 401, or with 400 1640001 saying so.
  if (status === 401 || (status === 400 && fromGateway && AUTH_WORDS.test(message))) {
    return { code: 'CORE_AUTH', hint: authHint(message) };
  }
  if (status === 400 && fromGateway) {
    return { code: 'CORE_BAD_REQUEST', hint: 'the API gateway refused the request; its message says why' };
  }
  if (status === 403) {
    return Number(answer.code) === 1_640_302 || /\bip\b/i.test(message)
      ? {
          code: 'CORE_PERMISSION',
          hint: "the API gateway's IP protection refused this machine: ask the bk-job gateway's managers to allow its address",
        }
      : {
          code: 'CORE_PERMISSION',
          hint: `the app may not call ${ctx.call} on the bk-job gateway: apply for its API permission (开发者中心 → 云 API 权限)`,
        };
  }
  if (status === 404) {
    return ctx.call === 'operate_job_instance'
      ? {
          code: 'CORE_NOT_SUPPORTED',
          hint: 'the gateway has no operate_job_instance resource: stop the job in the JOB web UI',
        }
      : {
          code: 'CORE_NOT_SUPPORTED',
          hint: `the gateway has no ${ctx.call} resource: the base URL must be the JOB gateway stage URL, e.g. https://bkapi.example.com/api/bk-job/prod`,
        };
  }
  if (status === 429) {
    return {
      code: 'CORE_RATE_LIMITED',
      hint: "the API gateway's rate limit: run fewer things at once or poll less often, or ask the bk-job gateway's managers to raise the limit",
    };
  }
  if (status >= 500 && fromGateway) {
    return {
      code: 'CORE_UPSTREAM',
      hint: 'the API gateway could not reach JOB (or JOB did not answer in time); try again later or tell the BlueKing admins',
    };
  }
  return {
    code: 'CORE_HTTP_STATUS',
    hint:
      status >= 500
        ? 'the API gateway or something in front of it failed'
        : 'something between the client and the API gateway refused the request: check the base URL and any proxy',
  };
}
