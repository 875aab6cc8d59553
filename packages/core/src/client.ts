import { Agent, type Dispatcher, request } from 'undici';
import { ConnectionError, CoreError, EsbError, HttpStatusError, ProtocolError } from './errors.js';
import type {
  DebugEvent,
  EsbEnvelope,
  FastExecuteScriptRequest,
  FastExecuteScriptResult,
  JobInstanceStatus,
  JobRef,
  StepLog,
} from './types.js';

export interface ClientOptions {
  /** ESB base URL, e.g. `https://paas.example.com`. */
  baseUrl: string;
  appCode: string;
  appSecret: string;
  username?: string;
  token?: string;
  /** Called for every HTTP attempt, with credentials redacted. */
  onDebug?: (event: DebugEvent) => void;
  dispatcher?: Dispatcher;
}

export interface CallOptions {
  signal?: AbortSignal;
}

const API_PREFIX = '/api/c/compapi/v2/job/';

export class JobClient {
  readonly #options: ClientOptions;
  readonly #dispatcher: Dispatcher;
  readonly #ownsDispatcher: boolean;

  constructor(options: ClientOptions) {
    this.#options = options;
    this.#ownsDispatcher = options.dispatcher === undefined;
    this.#dispatcher = options.dispatcher ?? new Agent({ keepAliveTimeout: 10_000 });
  }

  get baseUrl(): string {
    return this.#options.baseUrl;
  }

  fastExecuteScript(req: FastExecuteScriptRequest, opts: CallOptions = {}): Promise<FastExecuteScriptResult> {
    return this.#call<FastExecuteScriptResult>('fast_execute_script', { ...req }, opts);
  }

  getJobInstanceStatus(ref: JobRef, opts: CallOptions = {}): Promise<JobInstanceStatus> {
    return this.#call<JobInstanceStatus>('get_job_instance_status', { ...ref }, opts);
  }

  getJobInstanceLog(ref: JobRef, opts: CallOptions = {}): Promise<StepLog[]> {
    return this.#call<StepLog[]>('get_job_instance_log', { ...ref }, opts);
  }

  async close(): Promise<void> {
    if (this.#ownsDispatcher) await this.#dispatcher.close();
  }

  /** Plain-object view without credentials, so `console.log(client)` leaks nothing. */
  toJSON(): Record<string, unknown> {
    return { baseUrl: this.#options.baseUrl, appCode: this.#options.appCode };
  }

  async #call<T>(call: string, fields: Record<string, unknown>, opts: CallOptions): Promise<T> {
    const url = new URL(`${API_PREFIX}${call}/`, this.#options.baseUrl).toString();
    const auth: Record<string, unknown> = {
      bk_app_code: this.#options.appCode,
      bk_app_secret: this.#options.appSecret,
    };
    if (this.#options.token) auth.bk_token = this.#options.token;
    if (this.#options.username) auth.bk_username = this.#options.username;
    const started = performance.now();
    let status: number;
    let text: string;
    try {
      const res = await request(url, {
        method: 'POST',
        dispatcher: this.#dispatcher,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...auth, ...fields }),
        signal: opts.signal,
      });
      status = res.statusCode;
      text = await res.body.text();
    } catch (err) {
      throw new ConnectionError('CORE_CONNECTION', `[POST] "${url}": ${(err as Error).message}`, {
        call,
        cause: err,
      });
    }
    this.#options.onDebug?.({
      call,
      attempt: 1,
      method: 'POST',
      url,
      body: fields,
      status,
      durationMs: performance.now() - started,
    });
    if (status !== 200) {
      throw new HttpStatusError('CORE_HTTP_STATUS', `[POST] "${url}": HTTP ${status}`, { call });
    }
    let envelope: EsbEnvelope<T>;
    try {
      envelope = JSON.parse(text) as EsbEnvelope<T>;
    } catch (err) {
      throw new ProtocolError('CORE_NOT_JSON', `[POST] "${url}": the answer is not JSON`, {
        call,
        cause: err,
      });
    }
    if (envelope.result === true && Number(envelope.code) === 0) return envelope.data;
    throw new EsbError(
      'CORE_ESB',
      `${call} failed: ${envelope.message} (code ${envelope.code}, request_id ${envelope.request_id ?? '-'})`,
      { call, esbCode: envelope.code, serverMessage: envelope.message, requestId: envelope.request_id },
    );
  }
}

export function createClient(options: ClientOptions): JobClient {
  if (!options.baseUrl) throw new CoreError('CORE_CONFIG', 'no ESB base URL given');
  return new JobClient(options);
}
