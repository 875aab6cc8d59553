/**
 * The BlueKing API gateway v3: `<baseUrl>/api/v3/<call>`, credentials only in `X-Bkapi-Authorization`.
 * `fast_execute_script`, `batch_get_job_instance_ip_log` and `operate_job_instance` are JSON POSTs;
 * `get_job_instance_status` is a GET whose fields travel in the query (`return_ip_result=true`).
 */

import type { ResolvedOptions } from '../config.js';
import { type AnswerContext, badData } from '../envelope.js';
import type { Dispatchers } from '../http.js';
import { normalizeLog, normalizeStatus } from '../normalize.js';
import type { Scope } from '../scope.js';
import type {
  FastExecuteScriptRequest,
  FastExecuteScriptResult,
  JobInstanceStatus,
  OperateJobInstanceResult,
  StepLog,
} from '../types.js';
import { Caller, type CallOptions, type DecodeData, type Wire } from './caller.js';
import { parseGatewayAnswer } from './gateway.js';
import { submitScript } from './submit.js';
import type { ScopedRef, Transport } from './types.js';
import {
  isV3Status,
  logQueries,
  statusFromV3,
  stepLogFromV3,
  type V3LogEntry,
  type V3Status,
  type V3Step,
} from './v3-answers.js';
import { toV3FastExecuteBody } from './v3-body.js';

const API_PREFIX = '/api/v3/';

function gatewayWire(o: ResolvedOptions): Wire {
  const endpoint = (call: string) => `${o.baseUrl.replace(/\/+$/, '')}${API_PREFIX}${call}`;
  return {
    name: 'v3',
    authIn: 'header',
    endpoint,
    encode: (call, method, fields) => {
      if (method === 'POST') return { url: endpoint(call), body: JSON.stringify(fields) };
      const query = new URLSearchParams(
        Object.entries(fields).map(([k, v]): [string, string] => [k, String(v)]),
      );
      return { url: `${endpoint(call)}?${query}` };
    },
    parse: parseGatewayAnswer,
  };
}

export class GatewayV3Transport implements Transport {
  readonly name = 'v3' as const;
  readonly #c: Caller;

  constructor(o: ResolvedOptions, d: Dispatchers, closed: () => boolean) {
    this.#c = new Caller(o, d, gatewayWire(o), closed);
  }

  endpoint(call: string): string {
    return this.#c.wire.endpoint(call);
  }

  check(): string[] {
    return [];
  }

  fastExecuteScript(
    req: FastExecuteScriptRequest,
    scope: Scope,
    opts: CallOptions,
  ): Promise<FastExecuteScriptResult> {
    const fields = toV3FastExecuteBody(req);
    return submitScript(this.#c, fields, scope, req.task_name, opts);
  }

  async getJobInstanceStatus(ref: ScopedRef, opts: CallOptions): Promise<JobInstanceStatus> {
    return normalizeStatus(statusFromV3(await this.#status(ref, opts), ref.bk_biz_id));
  }

  /**
   * Every host's output, one element per step: the job's status (hosts, their status, tag and exit
   * code), then each step's logs by `batch_get_job_instance_ip_log`, at most 500 hosts a call.
   */
  async getJobInstanceLog(ref: ScopedRef, opts: CallOptions): Promise<StepLog[]> {
    const status = await this.#status(ref, opts);
    const steps: StepLog[] = [];
    for (const step of status.step_instance_list) {
      const logs: V3LogEntry[] = [];
      for (const targets of logQueries(step)) logs.push(...(await this.#logs(ref, step, targets, opts)));
      steps.push(stepLogFromV3(step, logs));
    }
    const mode = this.#c.options.unescapeLogs;
    // Logs through the gateway are not HTML-escaped: un-escape only when asked to.
    return normalizeLog(steps, mode === 'auto' ? false : mode);
  }

  terminate(ref: ScopedRef, opts: CallOptions): Promise<number> {
    return this.#post('operate_job_instance', ref, { operation_code: 1 }, opts, (env) => {
      const data = env.data as Partial<OperateJobInstanceResult> | null;
      return typeof data?.job_instance_id === 'number' ? data.job_instance_id : ref.job_instance_id;
    });
  }

  #status(ref: ScopedRef, opts: CallOptions): Promise<V3Status> {
    const fields = {
      bk_scope_type: ref.bk_scope_type,
      bk_scope_id: ref.bk_scope_id,
      job_instance_id: ref.job_instance_id,
      return_ip_result: true,
    };
    return this.#c.read('get_job_instance_status', 'GET', fields, about(ref), opts, (env, ctx) => {
      if (!isV3Status(env.data)) throw badData(ctx, 'job_instance and step_instance_list');
      const data = env.data;
      if (!data.step_instance_list.every((s) => typeof s === 'object' && s !== null)) {
        throw badData(ctx, 'step instances that are objects');
      }
      return data;
    });
  }

  #logs(ref: ScopedRef, step: V3Step, targets: object, opts: CallOptions): Promise<V3LogEntry[]> {
    const extra = { step_instance_id: step.step_instance_id, ...targets };
    return this.#post('batch_get_job_instance_ip_log', ref, extra, opts, (env, ctx) =>
      scriptLogs(env.data, ctx),
    );
  }

  /** A POST about one job: `bk_scope_type`, `bk_scope_id`, the job id and `extra`. */
  #post<T>(
    call: string,
    ref: ScopedRef,
    extra: Record<string, unknown>,
    opts: CallOptions,
    decode: DecodeData<T>,
  ): Promise<T> {
    const fields = {
      bk_scope_type: ref.bk_scope_type,
      bk_scope_id: ref.bk_scope_id,
      job_instance_id: ref.job_instance_id,
      ...extra,
    };
    return this.#c.read<T>(call, 'POST', fields, about(ref), opts, decode);
  }
}

const about = (ref: ScopedRef) => {
  const { job_instance_id, ...scope } = ref;
  return { scope, jobInstanceId: job_instance_id };
};

/** A log answer's `script_task_logs` (none for a step that is not a script). */
function scriptLogs(data: unknown, ctx: AnswerContext): V3LogEntry[] {
  if (typeof data !== 'object' || data === null) throw badData(ctx, 'an object');
  const logs = (data as { script_task_logs?: unknown }).script_task_logs;
  if (logs === undefined || logs === null) return [];
  if (!Array.isArray(logs)) throw badData(ctx, 'a script_task_logs array');
  return logs.filter((l): l is V3LogEntry => typeof l === 'object' && l !== null);
}
