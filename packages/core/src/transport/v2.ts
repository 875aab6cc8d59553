/** ESB v2: `<baseUrl>/api/c/compapi/v2/job/<call>/`, every call a JSON POST, credentials in the body or header. */

import type { ResolvedOptions } from '../config.js';
import { badData, parseAnswer } from '../envelope.js';
import type { Dispatchers } from '../http.js';
import { isJob3, normalizeLog, normalizeStatus } from '../normalize.js';
import type { Scope } from '../scope.js';
import type {
  FastExecuteScriptRequest,
  FastExecuteScriptResult,
  JobInstanceStatus,
  OperateJobInstanceResult,
  StepLog,
} from '../types.js';
import { checkV2Targets } from '../validate.js';
import { Caller, type CallOptions, type DecodeData, type Wire } from './caller.js';
import { submitScript } from './submit.js';
import type { ScopedRef, Transport } from './types.js';

const API_PREFIX = '/api/c/compapi/v2/job/';

function esbWire(o: ResolvedOptions): Wire {
  const endpoint = (call: string) => `${o.baseUrl.replace(/\/+$/, '')}${API_PREFIX}${call}/`;
  return {
    name: 'v2',
    authIn: o.authIn,
    endpoint,
    encode: (call, _method, fields) => ({ url: endpoint(call), body: JSON.stringify(fields) }),
    parse: parseAnswer,
  };
}

export class EsbV2Transport implements Transport {
  readonly name = 'v2' as const;
  readonly #c: Caller;

  constructor(o: ResolvedOptions, d: Dispatchers, closed: () => boolean) {
    this.#c = new Caller(o, d, esbWire(o), closed);
  }

  endpoint(call: string): string {
    return this.#c.wire.endpoint(call);
  }

  check(req: FastExecuteScriptRequest): string[] {
    return checkV2Targets(req);
  }

  fastExecuteScript(
    req: FastExecuteScriptRequest,
    scope: Scope,
    opts: CallOptions,
  ): Promise<FastExecuteScriptResult> {
    const fields = { ...req, ...scope } as Record<string, unknown>;
    return submitScript(this.#c, fields, scope, req.task_name, opts);
  }

  getJobInstanceStatus(ref: ScopedRef, opts: CallOptions): Promise<JobInstanceStatus> {
    return this.#read('get_job_instance_status', ref, {}, opts, (env, ctx) => {
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

  getJobInstanceLog(ref: ScopedRef, opts: CallOptions): Promise<StepLog[]> {
    return this.#read('get_job_instance_log', ref, {}, opts, (env, ctx) => {
      if (!Array.isArray(env.data)) throw badData(ctx, 'an array of steps');
      const steps = env.data as StepLog[];
      const mode = this.#c.options.unescapeLogs;
      return normalizeLog(steps, mode === 'auto' ? isJob3(env, steps) : mode);
    });
  }

  terminate(ref: ScopedRef, opts: CallOptions): Promise<number> {
    return this.#read('operate_job_instance', ref, { operation_code: 1 }, opts, (env) => {
      const data = env.data as Partial<OperateJobInstanceResult> | null;
      return typeof data?.job_instance_id === 'number' ? data.job_instance_id : ref.job_instance_id;
    });
  }

  /** A call about one job: its scope fields (all three), the job id and `extra`, POSTed. */
  #read<T>(
    call: string,
    ref: ScopedRef,
    extra: Record<string, unknown>,
    opts: CallOptions,
    decode: DecodeData<T>,
  ): Promise<T> {
    const { job_instance_id, ...scope } = ref;
    return this.#c.read<T>(
      call,
      'POST',
      { ...scope, job_instance_id, ...extra },
      { scope, jobInstanceId: job_instance_id },
      opts,
      decode,
    );
  }
}
