import { inspect } from 'node:util';
import { LATE_FAILURE_CODES } from './codes.js';
import { type ClientOptions, type ResolvedOptions, resolveOptions } from './config.js';
import {
  type AnswerContext,
  badData,
  esbFailure,
  inconsistentEnvelope,
  isSuccess,
  parseAnswer,
  parseRetryAfter,
} from './envelope.js';
import { AbortedError, ConnectionError, CoreError, MayHaveStartedError, TimeoutError } from './errors.js';
import {
  type AttemptState,
  attempt,
  causeCode,
  createDispatchers,
  type Dispatchers,
  PRE_SEND_CODES,
} from './http.js';
import { isJob3, normalizeLog, normalizeStatus } from './normalize.js';
import { maskText, redactBody, secretsOf } from './redact.js';
import { isTransient, withRetry } from './retry.js';
import { resolveScope, type Scope, scopeText } from './scope.js';
import { leavesFateUnknown, mayHaveStarted, type SubmitContext } from './started.js';
import { terminateJob } from './terminate.js';
import type {
  DebugEvent,
  EsbEnvelope,
  FastExecuteScriptRequest,
  FastExecuteScriptResult,
  JobInstanceStatus,
  JobRef,
  OperateJobInstanceRequest,
  OperateJobInstanceResult,
  StepLog,
} from './types.js';
import { assertValid, checkFastExecuteScript, checkJobRef, checkOperate } from './validate.js';

export type { ClientOptions } from './config.js';

export interface CallOptions {
  /** Stops the call (and its retries). A submit stopped after sending throws `MayHaveStartedError`. */
  signal?: AbortSignal;
  /** Limit of each attempt of this call, instead of `timeouts.requestMs`. */
  timeoutMs?: number;
}

const API_PREFIX = '/api/c/compapi/v2/job/';
const AUTH_FIELDS = new Set(['bk_app_code', 'bk_app_secret', 'bk_username', 'bk_token']);
/**
 * JOB 3.x writes the v2 API's time strings in this header's zone (else Asia/Shanghai): asking for UTC
 * makes them readable whatever zone the server or the runner is in.
 */
export const TIMEZONE_HEADER = 'x-bk-job-user-timezone';

interface CallSpec<T> {
  call: string;
  fields: Record<string, unknown>;
  opts: CallOptions;
  submit: boolean;
  maxRetries: number;
  retryable: (err: unknown) => boolean;
  /** Turns a parsed envelope into the result; throws for failures. */
  decode: (env: EsbEnvelope<unknown>, ctx: AnswerContext, attempt: number, sentAt: Date) => T;
  /** Turns an attempt's error into the one to throw (the submit's "may have started"). */
  mapError?: (err: unknown, state: AttemptState, sentAt: Date) => unknown;
  scope: Scope;
  jobInstanceId?: number;
}

/** A code that names a failure: a non-zero number (ESB and JOB send numbers, sometimes as text). */
const isFailureCode = (code: unknown): boolean =>
  (typeof code === 'number' || (typeof code === 'string' && code.trim() !== '')) &&
  Number.isFinite(Number(code)) &&
  Number(code) !== 0;

/** Typed client of the JOB v2 script API through ESB. Create it with {@link createClient}. */
export class JobClient {
  readonly #o: ResolvedOptions;
  readonly #d: Dispatchers;
  #closed = false;

  constructor(options: ClientOptions) {
    this.#o = resolveOptions(options);
    this.#d = createDispatchers(this.#o);
  }

  get baseUrl(): string {
    return this.#o.baseUrl;
  }

  /** The full URL of a call, e.g. `…/api/c/compapi/v2/job/fast_execute_script/`. */
  endpoint(call: string): string {
    return `${this.#o.baseUrl.replace(/\/+$/, '')}${API_PREFIX}${call}/`;
  }

  /**
   * Starts a script on hosts. Checked before sending; resent only when its connection provably
   * failed before anything was sent. Any doubt afterwards throws `MayHaveStartedError`.
   */
  async fastExecuteScript(
    req: FastExecuteScriptRequest,
    opts: CallOptions = {},
  ): Promise<FastExecuteScriptResult> {
    const call = 'fast_execute_script';
    assertValid(call, checkFastExecuteScript(req));
    const scope = resolveScope(req);
    const fields = { ...req, ...scope } as Record<string, unknown>;
    const sctx: SubmitContext = {
      endpoint: this.endpoint(call),
      bizId: scope.bk_biz_id,
      scope: scopeText(scope),
      taskName: req.task_name,
      username: this.#o.username,
      secrets: this.#secrets(fields),
    };
    return this.#run<FastExecuteScriptResult>({
      call,
      fields,
      opts,
      scope,
      submit: true,
      maxRetries: this.#o.retry.submitOnConnectError ? 1 : 0,
      retryable: (err) =>
        (err instanceof ConnectionError || err instanceof TimeoutError) &&
        PRE_SEND_CODES.has(causeCode(err.cause) ?? ''),
      decode: (env, ctx, _n, sentAt) => {
        if (!env.result) {
          const err = esbFailure(ctx, env);
          if (err.code === 'CORE_UPSTREAM')
            throw mayHaveStarted(sctx, sentAt, `ESB answered: ${err.message}`, err);
          // JOB saves the job before starting it: a failure it reports after the save is no refusal.
          if (LATE_FAILURE_CODES.has(Number(env.code)))
            throw mayHaveStarted(sctx, sentAt, `JOB answered: ${err.message}`, err);
          // `result: false` without a failure code contradicts itself: nothing says the job did not start.
          if (!isFailureCode(env.code)) {
            throw mayHaveStarted(sctx, sentAt, inconsistentEnvelope(ctx, env).message, err);
          }
          throw err;
        }
        if (!isSuccess(env)) {
          const err = inconsistentEnvelope(ctx, env);
          throw mayHaveStarted(sctx, sentAt, err.message, err);
        }
        const data = env.data as Partial<FastExecuteScriptResult> | null;
        if (!data || typeof data.job_instance_id !== 'number') {
          throw mayHaveStarted(sctx, sentAt, 'the answer says success but holds no job_instance_id');
        }
        const out = { ...data } as FastExecuteScriptResult;
        if (env.request_id !== undefined) out.request_id = env.request_id;
        if (env.job_request_id !== undefined) out.job_request_id = env.job_request_id;
        return out;
      },
      mapError: (err, state, sentAt) => {
        if (err instanceof MayHaveStartedError || !state.sent || !leavesFateUnknown(err)) return err;
        const cause = err as CoreError;
        return mayHaveStarted(sctx, sentAt, `its answer was lost: ${cause.message}`, cause);
      },
    });
  }

  /** A job's progress. Retried after transient failures. */
  async getJobInstanceStatus(ref: JobRef, opts: CallOptions = {}): Promise<JobInstanceStatus> {
    const call = 'get_job_instance_status';
    assertValid(call, checkJobRef(ref));
    return this.#read(call, ref, {}, opts, (env, ctx) => {
      const data = env.data as JobInstanceStatus | null;
      if (
        !data ||
        typeof data.job_instance !== 'object' ||
        data.job_instance === null ||
        !Array.isArray(data.blocks)
      ) {
        throw badData(ctx, 'job_instance and blocks');
      }
      return normalizeStatus(data);
    });
  }

  /** Every host's output, one element per step. Logs are plain text (JOB 3.x HTML escaping undone). */
  async getJobInstanceLog(ref: JobRef, opts: CallOptions = {}): Promise<StepLog[]> {
    const call = 'get_job_instance_log';
    assertValid(call, checkJobRef(ref));
    return this.#read(call, ref, {}, opts, (env, ctx) => {
      if (!Array.isArray(env.data)) throw badData(ctx, 'an array of steps');
      const steps = env.data as StepLog[];
      const mode = this.#o.unescapeLogs;
      return normalizeLog(steps, mode === 'auto' ? isJob3(env, steps) : mode);
    });
  }

  /**
   * Terminates a job (`operation_code` 1); asynchronous on JOB: poll the status. JOB terminates only
   * running (2) or waiting (7) jobs and answers 1241003 for any other status (a retry whose first
   * answer was lost included): the job's status is then read, and a job being terminated (10) or over
   * is success (`outcome`); one not started yet is asked again, a bounded number of times. On a
   * server without this component the error has code `CORE_NOT_SUPPORTED`.
   */
  async operateJobInstance(
    req: OperateJobInstanceRequest,
    opts: CallOptions = {},
  ): Promise<OperateJobInstanceResult> {
    const call = 'operate_job_instance';
    assertValid(call, checkOperate(req));
    const ref = { ...resolveScope(req), job_instance_id: req.job_instance_id };
    return terminateJob({
      ref,
      policy: this.#o.retry,
      signal: opts.signal,
      request: () =>
        this.#read(call, ref, { operation_code: 1 }, opts, (env) => {
          const data = env.data as Partial<OperateJobInstanceResult> | null;
          return typeof data?.job_instance_id === 'number' ? data.job_instance_id : req.job_instance_id;
        }),
      status: () => this.getJobInstanceStatus(ref, opts),
    });
  }

  /** Closes the client's connection pools. Calls after this fail with `CORE_CLOSED`. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all(this.#d.owned.map((d) => d.close()));
  }

  /** Plain-object view without credentials, so `JSON.stringify(client)` leaks nothing. */
  toJSON(): Record<string, unknown> {
    return {
      baseUrl: this.#o.baseUrl,
      appCode: this.#o.appCode,
      username: this.#o.username,
      token: this.#o.token ? '***' : undefined,
      appSecret: '***',
      authIn: this.#o.authIn,
    };
  }

  toString(): string {
    return `JobClient(${this.#o.baseUrl}, app ${this.#o.appCode})`;
  }

  [inspect.custom](): string {
    return `JobClient ${inspect(this.toJSON())}`;
  }

  #secrets(fields: Record<string, unknown>): string[] {
    return secretsOf(fields, [this.#o.appSecret, this.#o.token ?? ''].filter(Boolean));
  }

  /** A read call (or terminate) about one job: its scope fields, the job id and `extra` are sent. */
  #read<T>(
    call: string,
    ref: JobRef,
    extra: Record<string, unknown>,
    opts: CallOptions,
    decodeData: (env: EsbEnvelope<unknown>, ctx: AnswerContext, attempt: number) => T,
  ): Promise<T> {
    const scope = resolveScope(ref);
    return this.#run<T>({
      call,
      fields: { ...scope, job_instance_id: ref.job_instance_id, ...extra },
      opts,
      scope,
      jobInstanceId: ref.job_instance_id,
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

  async #run<T>(spec: CallSpec<T>): Promise<T> {
    const url = this.endpoint(spec.call);
    if (this.#closed)
      throw new ConnectionError('CORE_CLOSED', `[POST] "${url}": the client was closed`, { call: spec.call });
    const { headers, body } = this.#encode(spec.fields);
    const secrets = this.#secrets(spec.fields);
    const ctx: AnswerContext = {
      call: spec.call,
      endpoint: url,
      secrets,
      bizId: spec.scope.bk_biz_id,
      scope: scopeText(spec.scope),
      jobInstanceId: spec.jobInstanceId,
    };
    const events = new WeakMap<object, DebugEvent>();
    const retryAfter = new WeakMap<object, number>();
    const emit = (event: DebugEvent | undefined, retryInMs?: number) => {
      if (!event || !this.#o.onDebug) return;
      try {
        this.#o.onDebug(retryInMs === undefined ? event : { ...event, retryInMs });
      } catch {
        // A failing debug hook must not change what a call does (or make a submit look lost).
      }
    };
    const timeoutMs = spec.opts.timeoutMs ?? this.#o.timeouts.requestMs;
    try {
      return await withRetry<T>({
        policy: this.#o.retry,
        maxRetries: spec.maxRetries,
        signal: spec.opts.signal,
        retryable: spec.retryable,
        onRetry: (err, _n, delay) => emit(events.get(err as object), delay),
        suggestedDelay: (err) => retryAfter.get(err as object),
        attempt: async (n) => {
          const state: AttemptState = { sent: false };
          const sentAt = new Date();
          const t0 = performance.now();
          const event: DebugEvent = {
            call: spec.call,
            attempt: n,
            method: 'POST',
            url,
            body: redactBody(spec.fields),
            authIn: this.#o.authIn,
            startedAt: sentAt.toISOString(),
            sent: false,
            durationMs: 0,
          };
          try {
            const dispatcher = spec.submit ? this.#d.submit : this.#d.read;
            const answer = await attempt(
              { url, headers, body, dispatcher, timeoutMs, reset: spec.submit, signal: spec.opts.signal },
              state,
              spec.call,
            );
            event.status = answer.status;
            const delay = parseRetryAfter(answer.headers['retry-after']);
            try {
              const env = parseAnswer(ctx, answer.status, answer.text);
              event.code = env.code;
              if (env.request_id !== undefined) event.requestId = env.request_id;
              const value = spec.decode(env, ctx, n, sentAt);
              event.sent = true;
              event.durationMs = performance.now() - t0;
              emit(event);
              return value;
            } catch (err) {
              if (delay !== undefined && typeof err === 'object' && err !== null) retryAfter.set(err, delay);
              throw err;
            }
          } catch (raw) {
            const err = spec.mapError ? spec.mapError(raw, state, sentAt) : raw;
            event.sent = state.sent;
            event.durationMs = performance.now() - t0;
            event.error = maskText(err instanceof Error ? err.message : String(err), secrets);
            if (err instanceof CoreError) event.errorCode = err.code;
            if (typeof err === 'object' && err !== null) {
              events.set(err, event);
              const d = retryAfter.get(raw as object);
              if (d !== undefined) retryAfter.set(err, d);
            }
            throw err;
          }
        },
      });
    } catch (err) {
      if (err instanceof CoreError) {
        emit(events.get(err));
        throw err;
      }
      if (spec.opts.signal?.aborted) {
        throw new AbortedError('CORE_ABORTED', `[POST] "${url}": aborted by the caller`, {
          call: spec.call,
          endpoint: url,
        });
      }
      throw err;
    }
  }

  #encode(fields: Record<string, unknown>): { headers: Record<string, string>; body: string } {
    const auth: Record<string, string> = { bk_app_code: this.#o.appCode, bk_app_secret: this.#o.appSecret };
    if (this.#o.username) auth.bk_username = this.#o.username;
    if (this.#o.token) auth.bk_token = this.#o.token;
    const business = Object.fromEntries(Object.entries(fields).filter(([k]) => !AUTH_FIELDS.has(k)));
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: 'application/json',
      [TIMEZONE_HEADER]: 'UTC',
    };
    if (this.#o.authIn === 'header') {
      headers['x-bkapi-authorization'] = JSON.stringify(auth);
      return { headers, body: JSON.stringify(business) };
    }
    return { headers, body: JSON.stringify({ ...auth, ...business }) };
  }
}

/** Creates a client; throws `ConfigError` (`CORE_CONFIG`) listing every missing or invalid option. */
export function createClient(options: ClientOptions): JobClient {
  return new JobClient(options);
}
