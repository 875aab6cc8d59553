/** Reads the ESB envelope: decides success from `result` + `code`, and maps failures to errors with hints. */

import { EsbError, HttpStatusError, ProtocolError } from './errors.js';
import { maskDeep, maskText } from './redact.js';
import type { EsbEnvelope, PermissionInfo } from './types.js';

export interface AnswerContext {
  call: string;
  endpoint: string;
  /** Values to mask in anything taken from the answer. */
  secrets: readonly string[];
  /** The business and job of the call, for hints. */
  bizId?: number;
  jobInstanceId?: number;
}

const SNIPPET = 200;

function snippet(text: string, secrets: readonly string[]): string {
  const flat = maskText(text, secrets).replace(/\s+/g, ' ').trim();
  return flat.length > SNIPPET ? `${flat.slice(0, SNIPPET)}…` : flat;
}

/** Parses one HTTP answer into an envelope; throws for non-200 statuses, non-JSON and non-envelopes. */
export function parseAnswer(ctx: AnswerContext, status: number, text: string): EsbEnvelope<unknown> {
  const where = `[POST] "${ctx.endpoint}"`;
  if (status >= 400 && status < 500) {
    // JOB 3.x answers some parameter errors with 400 and a normal failure envelope: a definite refusal.
    const env = tryEnvelope(text);
    if (env && env.result === false) return env;
  }
  if (status !== 200) {
    throw new HttpStatusError(
      'CORE_HTTP_STATUS',
      `${where}: HTTP ${status}${text ? `: ${snippet(text, ctx.secrets)}` : ''}`,
      {
        call: ctx.call,
        endpoint: ctx.endpoint,
        status,
        hint:
          status >= 500
            ? 'a gateway or the server failed; ESB itself answers 200 even for errors'
            : 'something between the client and ESB refused the request: check the base URL and any proxy',
      },
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new ProtocolError(
      'CORE_NOT_JSON',
      `${where}: the answer is not JSON: ${snippet(text, ctx.secrets)}`,
      {
        call: ctx.call,
        endpoint: ctx.endpoint,
        status,
        hint: 'is the base URL the ESB gateway (e.g. https://paas.example.com)? A login page or proxy answered instead',
        cause: err,
      },
    );
  }
  const env = parsed as Partial<EsbEnvelope<unknown>> | null;
  if (typeof env !== 'object' || env === null || typeof env.result !== 'boolean') {
    throw new ProtocolError('CORE_BAD_ANSWER', `${where}: the answer is JSON but not an ESB envelope`, {
      call: ctx.call,
      endpoint: ctx.endpoint,
      status,
    });
  }
  return env as EsbEnvelope<unknown>;
}

function tryEnvelope(text: string): EsbEnvelope<unknown> | undefined {
  try {
    const env = JSON.parse(text) as Partial<EsbEnvelope<unknown>> | null;
    return env && typeof env === 'object' && typeof env.result === 'boolean'
      ? (env as EsbEnvelope<unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

export function isSuccess(env: EsbEnvelope<unknown>): boolean {
  return env.result === true && env.code !== null && env.code !== '' && Number(env.code) === 0;
}

/** A `result: true` envelope whose code is not 0 (or the other way round) cannot be trusted. */
export function inconsistentEnvelope(ctx: AnswerContext, env: EsbEnvelope<unknown>): ProtocolError {
  return new ProtocolError(
    'CORE_BAD_ANSWER',
    `[POST] "${ctx.endpoint}": result ${env.result} with code ${JSON.stringify(env.code)}`,
    { call: ctx.call, endpoint: ctx.endpoint, esbCode: env.code, requestId: env.request_id },
  );
}

interface Mapped {
  code: string;
  hint?: string;
}

function permissionHint(permission: PermissionInfo | undefined): string {
  const actions = (permission?.actions ?? []).map((a) => (a.name ? `${a.id} (${a.name})` : a.id));
  const system = permission?.system_name ?? permission?.system_id ?? 'JOB';
  return actions.length > 0
    ? `the user lacks these permissions of ${system} in BlueKing IAM (权限中心): ${actions.join(', ')}; apply for them and retry`
    : 'the user lacks a permission in BlueKing IAM (权限中心); open JOB in a browser as that user to see which';
}

function mapCode(ctx: AnswerContext, env: EsbEnvelope<unknown>): Mapped {
  const code = Number(env.code);
  const message = String(env.message ?? '');
  switch (code) {
    case 1306000:
      if (/secret|app code|bk_app_code/i.test(message)) {
        return {
          code: 'CORE_AUTH',
          hint: 'ESB did not accept the app code and secret: check BK_APP_CODE and BK_APP_SECRET (开发者中心 → 基本信息)',
        };
      }
      if (/user authentication|bk_token|bk_username/i.test(message)) {
        return {
          code: 'CORE_AUTH',
          hint: 'ESB did not accept the user: set BK_USERNAME (the app must be on the login-exempt whitelist) or a fresh BK_TOKEN',
        };
      }
      return { code: 'CORE_ESB' };
    case 1306401:
      return { code: 'CORE_AUTH', hint: 'an operator is required: set BK_USERNAME or BK_TOKEN' };
    case 1306403:
      return {
        code: 'CORE_PERMISSION',
        hint: `the app may not call ${ctx.call}: grant it the JOB component's API permission in ESB (开发者中心 → 云 API 权限)`,
      };
    case 9900403:
      return { code: 'CORE_PERMISSION', hint: permissionHint(env.permission) };
    case 1306429:
      return {
        code: 'CORE_RATE_LIMITED',
        hint: 'ESB rate limit: run fewer things at once or poll less often, or ask the ESB admin to raise the limit',
      };
    case 1306404:
      return ctx.call === 'operate_job_instance'
        ? {
            code: 'CORE_NOT_SUPPORTED',
            hint: 'this server cannot terminate jobs (its ESB has no operate_job_instance, as on JOB 2.x): stop the job in the JOB web UI',
          }
        : { code: 'CORE_NOT_SUPPORTED', hint: `ESB has no ${ctx.call} component: check the base URL` };
    case 1306201:
    case 1306203:
      return {
        code: 'CORE_UPSTREAM',
        hint: 'ESB could not reach JOB; try again later or tell the BlueKing admins',
      };
    case 1244006:
      return {
        code: 'CORE_JOB_NOT_FOUND',
        hint: `no job instance ${ctx.jobInstanceId ?? '?'} in business ${ctx.bizId ?? '?'}: check both ids (a job belongs to the business it was started in)`,
      };
    case 1244015:
      return { code: 'CORE_ALREADY_TERMINATING', hint: 'the job is already being terminated' };
    case 1241008:
      return {
        code: 'CORE_BAD_REQUEST',
        hint: `business ${ctx.bizId ?? '?'} does not exist or the user cannot see it`,
      };
    case 1244003:
      return {
        code: 'CORE_BAD_REQUEST',
        hint: 'the execution account does not exist in JOB for this business',
      };
    case 1244002:
      return { code: 'CORE_BAD_REQUEST', hint: 'some hosts are not in this business in CMDB' };
    case 1243001:
      return { code: 'CORE_BAD_REQUEST', hint: 'no such script_id in this business' };
    case 1241003:
      return {
        code: 'CORE_BAD_REQUEST',
        hint: 'JOB does not support this operation now (e.g. terminating a job that has already finished)',
      };
    case 1244001:
      return { code: 'CORE_BAD_REQUEST', hint: 'JOB found no hosts for the targets given' };
    case 1306406:
    case 1240003:
    case 1241004:
    case 1241005:
    case 1241007:
      return {
        code: 'CORE_BAD_REQUEST',
        hint: 'the server rejected a request field named in its message (JOB 3.x also requires account)',
      };
    default:
      return { code: 'CORE_ESB' };
  }
}

/** The error for a `result: false` envelope. */
export function esbFailure(ctx: AnswerContext, env: EsbEnvelope<unknown>): EsbError {
  const permission = maskDeep(env.permission, ctx.secrets);
  const mapped = mapCode(ctx, { ...env, permission });
  const serverMessage = maskText(String(env.message ?? ''), ctx.secrets);
  const reqId = env.request_id ? `, request_id ${env.request_id}` : '';
  const message = `${ctx.call} failed: ${serverMessage} (code ${env.code}${reqId})${mapped.hint ? `. ${mapped.hint}` : ''}`;
  return new EsbError(mapped.code, message, {
    call: ctx.call,
    endpoint: ctx.endpoint,
    esbCode: env.code,
    serverMessage,
    requestId: env.request_id,
    jobRequestId: env.job_request_id,
    hint: mapped.hint,
    permission,
  });
}

export function badData(ctx: AnswerContext, expected: string): ProtocolError {
  return new ProtocolError(
    'CORE_BAD_ANSWER',
    `[POST] "${ctx.endpoint}": success without ${expected} in data`,
    {
      call: ctx.call,
      endpoint: ctx.endpoint,
    },
  );
}

/** `Retry-After` in seconds or as an HTTP date, in ms; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return undefined;
  const seconds = Number(v);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(v);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}
