/**
 * What both transports share: one call over HTTP with its retries, debug events and error mapping,
 * the read-call and submit rules, and the credentials. A transport supplies a {@link Wire}: where a
 * call goes, how its fields travel, and how an answer is read.
 */

import type { ResolvedOptions, TransportName } from '../config.js';
import {
  type AnswerContext,
  esbFailure,
  inconsistentEnvelope,
  isSuccess,
  parseRetryAfter,
} from '../envelope.js';
import { AbortedError, ConnectionError, CoreError } from '../errors.js';
import { type AttemptState, attempt, type Dispatchers, type HttpMethod } from '../http.js';
import { maskText, redactBody, secretsOf } from '../redact.js';
import { isTransient, withRetry } from '../retry.js';
import { type Scope, scopeText } from '../scope.js';
import type { DebugEvent, EsbEnvelope } from '../types.js';

export interface CallOptions {
  /** Stops the call (and its retries). A submit stopped after sending throws `MayHaveStartedError`. */
  signal?: AbortSignal;
  /** Limit of each attempt of this call, instead of `timeouts.requestMs`. */
  timeoutMs?: number;
}

/**
 * JOB 3.x writes the v2 API's time strings in this header's zone (else Asia/Shanghai): asking for UTC
 * makes them readable whatever zone the server or the runner is in.
 */
export const TIMEZONE_HEADER = 'x-bk-job-user-timezone';

/** How one transport puts a call on the wire and reads its answer. */
export interface Wire {
  readonly name: TransportName;
  /** The call's URL, without any query. */
  endpoint(call: string): string;
  /** The call's full URL (a GET's fields in its query), and its body. Credentials are the caller's. */
  encode(call: string, method: HttpMethod, fields: Record<string, unknown>): { url: string; body?: string };
  /** Whether the credentials go in the body (ESB v2's default) or the `X-Bkapi-Authorization` header. */
  readonly authIn: 'body' | 'header';
  /** One HTTP answer as an envelope; throws for what is not one (HTTP errors, non-JSON). */
  parse(ctx: AnswerContext, status: number, text: string): EsbEnvelope<unknown>;
}

/** Turns a successful envelope into a read call's result; throws for unusable data. */
export type DecodeData<T> = (env: EsbEnvelope<unknown>, ctx: AnswerContext, attempt: number) => T;

/** What a call is about, for messages and hints. */
export interface About {
  scope: Scope;
  jobInstanceId?: number;
}

export interface Spec<T> {
  call: string;
  method: HttpMethod;
  fields: Record<string, unknown>;
  about: About;
  opts: CallOptions;
  submit: boolean;
  maxRetries: number;
  retryable: (err: unknown) => boolean;
  /** Turns a parsed envelope into the result; throws for failures. */
  decode: (env: EsbEnvelope<unknown>, ctx: AnswerContext, attempt: number, sentAt: Date) => T;
  /** Turns an attempt's error into the one to throw (the submit's "may have started"). */
  mapError?: (err: unknown, state: AttemptState, sentAt: Date) => unknown;
}

const AUTH_FIELDS = new Set(['bk_app_code', 'bk_app_secret', 'bk_username', 'bk_token']);

/** The four auth fields (those given). */
export function credentials(o: ResolvedOptions): Record<string, string> {
  const auth: Record<string, string> = { bk_app_code: o.appCode, bk_app_secret: o.appSecret };
  if (o.username) auth.bk_username = o.username;
  if (o.token) auth.bk_token = o.token;
  return auth;
}

/** A request's fields without any auth field a caller may have put in: the client sends its own. */
export function businessFields(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([k]) => !AUTH_FIELDS.has(k)));
}

export class Caller {
  readonly #o: ResolvedOptions;
  readonly #d: Dispatchers;
  readonly #closed: () => boolean;
  readonly wire: Wire;

  constructor(o: ResolvedOptions, d: Dispatchers, wire: Wire, closed: () => boolean) {
    this.#o = o;
    this.#d = d;
    this.wire = wire;
    this.#closed = closed;
  }

  get options(): ResolvedOptions {
    return this.#o;
  }

  /** The secret values of one request: credentials, and a sensitive parameter (base64 and decoded). */
  secrets(fields: Record<string, unknown>): string[] {
    return secretsOf(fields, [this.#o.appSecret, this.#o.token ?? ''].filter(Boolean));
  }

  /** A read call (or terminate): retried after transient failures; `result: false` throws its error. */
  read<T>(
    call: string,
    method: HttpMethod,
    fields: Record<string, unknown>,
    about: About,
    opts: CallOptions,
    decodeData: DecodeData<T>,
  ): Promise<T> {
    return this.run<T>({
      call,
      method,
      fields,
      about,
      opts,
      submit: false,
      maxRetries: this.#o.retry.retries,
      retryable: isTransient,
      decode: (env, ctx, n) => {
        if (!env.result) throw esbFailure(ctx, env);
        if (!isSuccess(env)) throw inconsistentEnvelope(ctx, env);
        return decodeData(env, ctx, n);
      },
    });
  }

  #headers(): Record<string, string> {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: 'application/json',
      [TIMEZONE_HEADER]: 'UTC',
    };
    if (this.wire.authIn === 'header')
      headers['x-bkapi-authorization'] = JSON.stringify(credentials(this.#o));
    return headers;
  }

  #request(spec: Spec<unknown>): { url: string; body?: string } {
    const business = businessFields(spec.fields);
    if (this.wire.authIn === 'header' || spec.method === 'GET') {
      return this.wire.encode(spec.call, spec.method, business);
    }
    return this.wire.encode(spec.call, spec.method, { ...credentials(this.#o), ...business });
  }

  /** One call: its attempts, retries, debug events and the error it ends with. */
  async run<T>(spec: Spec<T>): Promise<T> {
    const endpoint = this.wire.endpoint(spec.call);
    if (this.#closed()) {
      throw new ConnectionError('CORE_CLOSED', `[${spec.method}] "${endpoint}": the client was closed`, {
        call: spec.call,
      });
    }
    const round = this.#prepare(spec, endpoint);
    try {
      return await withRetry<T>({
        policy: this.#o.retry,
        maxRetries: spec.maxRetries,
        signal: spec.opts.signal,
        retryable: spec.retryable,
        onRetry: (err, _n, delay) => round.emit(round.events.get(err as object), delay),
        suggestedDelay: (err) => round.retryAfter.get(err as object),
        attempt: (n) => this.#attempt(spec, round, n),
      });
    } catch (err) {
      if (err instanceof CoreError) {
        round.emit(round.events.get(err));
        throw err;
      }
      if (spec.opts.signal?.aborted) {
        throw new AbortedError('CORE_ABORTED', `[${spec.method}] "${endpoint}": aborted by the caller`, {
          call: spec.call,
          endpoint,
        });
      }
      throw err;
    }
  }

  /** What every attempt of a call shares: the request, the answer context and the debug bookkeeping. */
  #prepare(spec: Spec<unknown>, endpoint: string): Round {
    const { url, body } = this.#request(spec);
    const secrets = this.secrets(spec.fields);
    const onDebug = this.#o.onDebug;
    return {
      url,
      body,
      headers: this.#headers(),
      timeoutMs: spec.opts.timeoutMs ?? this.#o.timeouts.requestMs,
      ctx: {
        call: spec.call,
        endpoint,
        method: spec.method,
        secrets,
        bizId: spec.about.scope.bk_biz_id,
        scope: scopeText(spec.about.scope),
        jobInstanceId: spec.about.jobInstanceId,
      },
      events: new WeakMap(),
      retryAfter: new WeakMap(),
      emit: (event, retryInMs) => {
        if (!event || !onDebug) return;
        try {
          onDebug(retryInMs === undefined ? event : { ...event, retryInMs });
        } catch {
          // A failing debug hook must not change what a call does (or make a submit look lost).
        }
      },
    };
  }

  /** Attempt number `n`: one HTTP exchange, its answer decoded, its debug event filled in. */
  async #attempt<T>(spec: Spec<T>, round: Round, n: number): Promise<T> {
    const state: AttemptState = { sent: false };
    const sentAt = new Date();
    const t0 = performance.now();
    const event: DebugEvent = {
      call: spec.call,
      attempt: n,
      method: spec.method,
      url: round.url,
      body: redactBody(businessFields(spec.fields)),
      authIn: this.wire.authIn,
      startedAt: sentAt.toISOString(),
      sent: false,
      durationMs: 0,
    };
    try {
      const answer = await attempt(
        {
          method: spec.method,
          url: round.url,
          headers: round.headers,
          ...(round.body === undefined ? {} : { body: round.body }),
          dispatcher: spec.submit ? this.#d.submit : this.#d.read,
          timeoutMs: round.timeoutMs,
          reset: spec.submit,
          signal: spec.opts.signal,
        },
        state,
        spec.call,
      );
      event.status = answer.status;
      const delay = parseRetryAfter(answer.headers['retry-after']);
      try {
        const env = this.wire.parse(round.ctx, answer.status, answer.text);
        event.code = env.code;
        if (env.request_id !== undefined) event.requestId = env.request_id;
        const value = spec.decode(env, round.ctx, n, sentAt);
        event.sent = true;
        event.durationMs = performance.now() - t0;
        round.emit(event);
        return value;
      } catch (err) {
        if (delay !== undefined && typeof err === 'object' && err !== null) round.retryAfter.set(err, delay);
        throw err;
      }
    } catch (raw) {
      const err = spec.mapError ? spec.mapError(raw, state, sentAt) : raw;
      event.sent = state.sent;
      event.durationMs = performance.now() - t0;
      event.error = maskText(err instanceof Error ? err.message : String(err), round.ctx.secrets);
      if (err instanceof CoreError) event.errorCode = err.code;
      if (typeof err === 'object' && err !== null) {
        round.events.set(err, event);
        const d = round.retryAfter.get(raw as object);
        if (d !== undefined) round.retryAfter.set(err, d);
      }
      throw err;
    }
  }
}

/** The parts of one call its attempts share. */
interface Round {
  url: string;
  body: string | undefined;
  headers: Record<string, string>;
  timeoutMs: number;
  ctx: AnswerContext;
  /** The debug event of the attempt that threw an error, to report it when the call retries or ends. */
  events: WeakMap<object, DebugEvent>;
  /** A server's Retry-After for the error it answered with. */
  retryAfter: WeakMap<object, number>;
  emit: (event: DebugEvent | undefined, retryInMs?: number) => void;
}
