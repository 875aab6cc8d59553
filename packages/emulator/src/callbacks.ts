import { request as httpRequest } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Faults } from './faults.js';
import type { Job } from './state/jobs.js';
import type { CallbackAttempt } from './types.js';

/** JOB's callback client: 15 s to connect, 15 s of silence while waiting for the answer. */
export const CALLBACK_TIMEOUT_MS = 15_000;

function post(
  url: string,
  contentType: string,
  body: string,
  signal: AbortSignal,
  timeoutMs: number,
): Promise<{ status: number }> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    // node:https (and TLS) is loaded only for an https callback: a few ms off every start.
    const send = u.protocol === 'https:' ? process.getBuiltinModule('node:https').request : httpRequest;
    const req = send(
      u,
      {
        method: 'POST',
        agent: false,
        timeout: timeoutMs,
        signal,
        headers: { 'content-type': contentType, 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.once('end', () => resolve({ status: res.statusCode ?? 0 }));
        res.once('error', reject);
      },
    );
    req.once('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.once('error', reject);
    req.end(body);
  });
}

/**
 * Callbacks as JOB sends them: on a final status, at once, one POST of the JSON body; when an answer
 * came and it is not HTTP 200, the same JSON text once more as application/x-www-form-urlencoded;
 * then it gives up. A connection error or a timeout is not retried. Fault rules of the pseudo-call
 * `callback` lose, delay or duplicate them.
 */
export class Callbacks {
  readonly attempts: CallbackAttempt[] = [];
  private readonly pending = new Set<Promise<void>>();
  private readonly closing = new AbortController();
  constructor(
    private readonly timeoutMs = CALLBACK_TIMEOUT_MS,
    private readonly faults?: Faults,
  ) {}

  send(job: Job): void {
    const url = job.callbackUrl;
    if (!url || this.closing.signal.aborted) return;
    const body = JSON.stringify({
      job_instance_id: job.id,
      status: job.status,
      step_instances: [{ step_instance_id: job.stepInstanceId, status: job.status }],
    });
    const fault = this.faults?.decide('callback', job.transport);
    if (fault?.rule?.kind === 'callback_lost') {
      this.faults!.settle(fault.rule, true);
      return;
    }
    const times = fault?.rule?.kind === 'callback_duplicate' ? 2 : 1;
    if (fault?.rule) this.faults!.settle(fault.rule, times === 2);
    const p = (async () => {
      if (fault?.delayMs) await sleep(fault.delayMs, undefined, { signal: this.closing.signal });
      for (let i = 0; i < times; i++) {
        const first = await this.attempt(job.id, url, 1, 'application/json', body);
        if (first === 200 || first === null || this.closing.signal.aborted) continue;
        await this.attempt(job.id, url, 2, 'application/x-www-form-urlencoded', body);
      }
    })().catch(() => {});
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }

  private async attempt(
    jobInstanceId: number,
    url: string,
    attempt: 1 | 2,
    contentType: string,
    body: string,
  ): Promise<number | null> {
    const record: CallbackAttempt = {
      jobInstanceId,
      url,
      attempt,
      contentType,
      body,
      status: null,
      error: null,
      at: new Date().toISOString(),
    };
    this.attempts.push(record);
    try {
      record.status = (await post(url, contentType, body, this.closing.signal, this.timeoutMs)).status;
    } catch (err) {
      record.error = (err as Error).message;
    }
    return record.status;
  }

  /** Aborts callbacks in flight (recorded with their error) and waits for them to settle. */
  async close(): Promise<void> {
    this.closing.abort();
    await Promise.allSettled([...this.pending]);
  }
}
