/** Reads the ESB envelope: decides success from `result` + `code`, and maps failures to errors with hints. */

import { mapCode } from './codes.js';
import { EsbError, HttpStatusError, ProtocolError } from './errors.js';
import type { HttpMethod } from './http.js';
import { maskDeep, maskText } from './redact.js';
import type { EsbEnvelope } from './types.js';

export interface AnswerContext {
  call: string;
  endpoint: string;
  /** The call's HTTP method; POST when absent. */
  method?: HttpMethod;
  /** Values to mask in anything taken from the answer. */
  secrets: readonly string[];
  /** The business and job of the call, for hints. */
  bizId?: number;
  /** The scope as words (`business 2`, `business set 9000001`). */
  scope?: string;
  jobInstanceId?: number;
}

const SNIPPET = 200;

/** How messages name the call: `[POST] "https://…/fast_execute_script/"`. */
export function where(ctx: Pick<AnswerContext, 'method' | 'endpoint'>): string {
  return `[${ctx.method ?? 'POST'}] "${ctx.endpoint}"`;
}

/** A short, masked, one-line piece of an answer for messages. */
export function snippet(text: string, secrets: readonly string[]): string {
  const flat = maskText(text, secrets).replace(/\s+/g, ' ').trim();
  return flat.length > SNIPPET ? `${flat.slice(0, SNIPPET)}…` : flat;
}

const ESB_NOT_JSON_HINT =
  'is the base URL the ESB gateway (e.g. https://paas.example.com)? A login page or proxy answered instead';

/** Parses one ESB answer into an envelope; throws for non-200 statuses, non-JSON and non-envelopes. */
export function parseAnswer(ctx: AnswerContext, status: number, text: string): EsbEnvelope<unknown> {
  if (status >= 400 && status < 500) {
    // JOB 3.x answers some parameter errors with 400 and a normal failure envelope: a definite refusal.
    const env = tryEnvelope(text);
    if (env && env.result === false) return env;
  }
  if (status !== 200) {
    throw new HttpStatusError(
      'CORE_HTTP_STATUS',
      `${where(ctx)}: HTTP ${status}${text ? `: ${snippet(text, ctx.secrets)}` : ''}`,
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
  return parseEnvelope(ctx, status, text, ESB_NOT_JSON_HINT);
}

/** An HTTP 200 answer as an envelope; `notJsonHint` says what a non-JSON answer probably means. */
export function parseEnvelope(
  ctx: AnswerContext,
  status: number,
  text: string,
  notJsonHint: string,
): EsbEnvelope<unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new ProtocolError(
      'CORE_NOT_JSON',
      `${where(ctx)}: the answer is not JSON: ${snippet(text, ctx.secrets)}`,
      { call: ctx.call, endpoint: ctx.endpoint, status, hint: notJsonHint, cause: err },
    );
  }
  const env = parsed as Partial<EsbEnvelope<unknown>> | null;
  if (typeof env !== 'object' || env === null || typeof env.result !== 'boolean') {
    throw new ProtocolError('CORE_BAD_ANSWER', `${where(ctx)}: the answer is JSON but not an ESB envelope`, {
      call: ctx.call,
      endpoint: ctx.endpoint,
      status,
    });
  }
  return env as EsbEnvelope<unknown>;
}

/** The answer as an envelope (`result` a boolean), or undefined when it is not one. */
export function tryEnvelope(text: string): EsbEnvelope<unknown> | undefined {
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
    `${where(ctx)}: result ${env.result} with code ${JSON.stringify(env.code)}`,
    { call: ctx.call, endpoint: ctx.endpoint, esbCode: env.code, requestId: env.request_id },
  );
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
  return new ProtocolError('CORE_BAD_ANSWER', `${where(ctx)}: success without ${expected} in data`, {
    call: ctx.call,
    endpoint: ctx.endpoint,
  });
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
