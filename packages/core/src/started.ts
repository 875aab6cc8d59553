/** The "may have started" error of `fast_execute_script`, and when a failure after sending becomes one. */

import {
  AbortedError,
  ConnectionError,
  type CoreError,
  HttpStatusError,
  MayHaveStartedError,
  ProtocolError,
  TimeoutError,
} from './errors.js';
import { maskText } from './redact.js';

export interface SubmitContext {
  endpoint: string;
  bizId: number;
  /** The scope as words: `business 2`, `business set 9000001`. */
  scope: string;
  taskName: string | undefined;
  username: string | undefined;
  secrets: readonly string[];
}

/** Whether a failure of a submit that reached a socket leaves the job's fate unknown. */
export function leavesFateUnknown(err: unknown): boolean {
  // Only a 4xx (but 408, a timeout) says the request was refused; a 2xx other than 200, a 3xx or a 5xx do not.
  if (err instanceof HttpStatusError) {
    const status = err.status ?? 0;
    return status < 400 || status >= 500 || status === 408;
  }
  return (
    err instanceof ConnectionError ||
    err instanceof TimeoutError ||
    err instanceof AbortedError ||
    err instanceof ProtocolError
  );
}

export function mayHaveStarted(
  ctx: SubmitContext,
  sentAt: Date,
  reason: string,
  cause?: CoreError,
): MayHaveStartedError {
  const when = sentAt.toISOString();
  const who = ctx.username ? ` by ${ctx.username}` : '';
  const named = ctx.taskName ? `named "${ctx.taskName}"` : 'named "API Quick execution script…"';
  const check =
    `open JOB (作业平台) → 执行历史 (job history) of ${ctx.scope} and look for a job ${named}` +
    ` started${who} around ${when}; if it is there, follow or stop that job instead of submitting again`;
  const because = maskText(reason, ctx.secrets);
  const message =
    `fast_execute_script may have started: the request was sent to ${ctx.endpoint} at ${when} ` +
    `(${ctx.scope}, bk_biz_id ${ctx.bizId}${ctx.taskName ? `, task_name "${ctx.taskName}"` : ''}) but ${because}. ` +
    `It was NOT sent again. Before retrying, ${check}.`;
  return new MayHaveStartedError(message, {
    call: 'fast_execute_script',
    endpoint: ctx.endpoint,
    bizId: ctx.bizId,
    taskName: ctx.taskName,
    sentAt: when,
    check,
    esbCode: cause?.esbCode,
    serverMessage: cause?.serverMessage,
    requestId: cause?.requestId,
    status: cause?.status,
    hint: 'the script may be running on the hosts now: check JOB before doing anything else',
    cause,
  });
}
