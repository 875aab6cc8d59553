import { inspect } from 'node:util';
import { type ClientOptions, type ResolvedOptions, resolveOptions, type TransportName } from './config.js';
import { createDispatchers, type Dispatchers } from './http.js';
import { resolveScope } from './scope.js';
import { terminateJob } from './terminate.js';
import type { CallOptions } from './transport/caller.js';
import type { ScopedRef, Transport } from './transport/types.js';
import { EsbV2Transport } from './transport/v2.js';
import { GatewayV3Transport } from './transport/v3.js';
import type {
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
export { type CallOptions, TIMEZONE_HEADER } from './transport/caller.js';

/**
 * Typed client of the JOB script API, through ESB v2 or the BlueKing API gateway v3 (`transport`).
 * Both give the same calls and the same answer shapes. Create it with {@link createClient}.
 */
export class JobClient {
  readonly #o: ResolvedOptions;
  readonly #d: Dispatchers;
  readonly #t: Transport;
  #closed = false;

  constructor(options: ClientOptions) {
    this.#o = resolveOptions(options);
    this.#d = createDispatchers(this.#o);
    const closed = () => this.#closed;
    this.#t =
      this.#o.transport === 'v3'
        ? new GatewayV3Transport(this.#o, this.#d, closed)
        : new EsbV2Transport(this.#o, this.#d, closed);
  }

  get baseUrl(): string {
    return this.#o.baseUrl;
  }

  /** `'v2'`: ESB; `'v3'`: the BlueKing API gateway. */
  get transport(): TransportName {
    return this.#t.name;
  }

  /** The full URL of a call, e.g. `…/api/c/compapi/v2/job/fast_execute_script/` or `…/api/v3/fast_execute_script`. */
  endpoint(call: string): string {
    return this.#t.endpoint(call);
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
    assertValid(call, [...checkFastExecuteScript(req), ...this.#t.check(req)]);
    return this.#t.fastExecuteScript(req, resolveScope(req), opts);
  }

  /** A job's progress. Retried after transient failures. */
  async getJobInstanceStatus(ref: JobRef, opts: CallOptions = {}): Promise<JobInstanceStatus> {
    return this.#t.getJobInstanceStatus(scoped('get_job_instance_status', ref), opts);
  }

  /**
   * Every host's output, one element per step, hosts grouped by (status, tag). Logs are plain text
   * (JOB 3.x's v2 HTML escaping undone). On v3: a status call, then the logs 500 hosts at a time.
   */
  async getJobInstanceLog(ref: JobRef, opts: CallOptions = {}): Promise<StepLog[]> {
    return this.#t.getJobInstanceLog(scoped('get_job_instance_log', ref), opts);
  }

  /**
   * Terminates a job (`operation_code` 1); asynchronous on JOB: poll the status. JOB terminates only
   * running (2) or waiting (7) jobs and answers 1241003 for any other status (a retry whose first
   * answer was lost included): the job's status is then read, and a job being terminated (10) or over
   * is success (`outcome`); one not started yet is asked again, a bounded number of times. On a
   * server without this call the error has code `CORE_NOT_SUPPORTED`.
   */
  async operateJobInstance(
    req: OperateJobInstanceRequest,
    opts: CallOptions = {},
  ): Promise<OperateJobInstanceResult> {
    assertValid('operate_job_instance', checkOperate(req));
    const ref: ScopedRef = { ...resolveScope(req), job_instance_id: req.job_instance_id };
    return terminateJob({
      ref,
      policy: this.#o.retry,
      signal: opts.signal,
      request: () => this.#t.terminate(ref, opts),
      status: () => this.#t.getJobInstanceStatus(ref, opts),
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
      transport: this.#t.name,
      baseUrl: this.#o.baseUrl,
      appCode: this.#o.appCode,
      username: this.#o.username,
      token: this.#o.token ? '***' : undefined,
      appSecret: '***',
      authIn: this.#o.authIn,
    };
  }

  toString(): string {
    return `JobClient(${this.#t.name} ${this.#o.baseUrl}, app ${this.#o.appCode})`;
  }

  [inspect.custom](): string {
    return `JobClient ${inspect(this.toJSON())}`;
  }
}

/** A checked job reference with its whole scope; throws `RequestValidationError` otherwise. */
function scoped(call: string, ref: JobRef): ScopedRef {
  assertValid(call, checkJobRef(ref));
  return { ...resolveScope(ref), job_instance_id: ref.job_instance_id };
}

/** Creates a client; throws `ConfigError` (`CORE_CONFIG`) listing every missing or invalid option. */
export function createClient(options: ClientOptions): JobClient {
  return new JobClient(options);
}
