/**
 * `fast_execute_script` over either transport: sent at most once more, and only when the first
 * attempt provably never reached a socket; any doubt after sending is `MayHaveStartedError`.
 */

import { LATE_FAILURE_CODES } from '../codes.js';
import { esbFailure, inconsistentEnvelope, isSuccess } from '../envelope.js';
import { ConnectionError, type CoreError, MayHaveStartedError, TimeoutError } from '../errors.js';
import { causeCode, PRE_SEND_CODES } from '../http.js';
import { type Scope, scopeText } from '../scope.js';
import { leavesFateUnknown, mayHaveStarted, type SubmitContext } from '../started.js';
import type { FastExecuteScriptResult } from '../types.js';
import type { Caller, CallOptions } from './caller.js';

export const SUBMIT_CALL = 'fast_execute_script';

const GATEWAY = { v2: 'ESB', v3: 'the API gateway' } as const;

/** A code that names a failure: a non-zero number (ESB and JOB send numbers, sometimes as text). */
const isFailureCode = (code: unknown): boolean =>
  (typeof code === 'number' || (typeof code === 'string' && code.trim() !== '')) &&
  Number.isFinite(Number(code)) &&
  Number(code) !== 0;

/** Sends one `fast_execute_script` with `fields` (the transport's body, without credentials). */
export function submitScript(
  caller: Caller,
  fields: Record<string, unknown>,
  scope: Scope,
  taskName: string | undefined,
  opts: CallOptions,
): Promise<FastExecuteScriptResult> {
  const sctx: SubmitContext = {
    endpoint: caller.wire.endpoint(SUBMIT_CALL),
    bizId: scope.bk_biz_id,
    scope: scopeText(scope),
    taskName,
    username: caller.options.username,
    secrets: caller.secrets(fields),
  };
  return caller.run<FastExecuteScriptResult>({
    call: SUBMIT_CALL,
    method: 'POST',
    fields,
    about: { scope },
    opts,
    submit: true,
    maxRetries: caller.options.retry.submitOnConnectError ? 1 : 0,
    retryable: (err) =>
      (err instanceof ConnectionError || err instanceof TimeoutError) &&
      PRE_SEND_CODES.has(causeCode(err.cause) ?? ''),
    decode: (env, ctx, _n, sentAt) => {
      if (!env.result) {
        const err = esbFailure(ctx, env);
        if (err.code === 'CORE_UPSTREAM')
          throw mayHaveStarted(sctx, sentAt, `${GATEWAY[caller.wire.name]} answered: ${err.message}`, err);
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
