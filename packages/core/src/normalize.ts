/**
 * Smooths over the differences between JOB 2.x and JOB 3.x answers of the v2 API: `execute_count`
 * becomes `retry_count`, HTML-escaped logs are un-escaped, unknown status numbers are kept as they are.
 * Every host identity is checked (see hosts.ts) and an exit code that is not an integer becomes null.
 */

import { checkHostIdentity } from './hosts.js';
import type { EsbEnvelope, HostLog, HostStatus, JobInstanceStatus, StepInstance, StepLog } from './types.js';

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

/** Un-escapes the HTML entities JOB 3.x puts into `log_content` (named, decimal and hex). */
export function unescapeHtml(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-z]+);/g, (whole, body: string) => {
    if (body.startsWith('#x')) return safeCodePoint(Number.parseInt(body.slice(2), 16)) ?? whole;
    if (body.startsWith('#')) return safeCodePoint(Number.parseInt(body.slice(1), 10)) ?? whole;
    return ENTITIES[body] ?? whole;
  });
}

function safeCodePoint(n: number): string | undefined {
  return Number.isInteger(n) && n >= 0 && n <= 0x10ffff ? String.fromCodePoint(n) : undefined;
}

function retryCount(item: { retry_count?: number; execute_count?: number }): number {
  return item.retry_count ?? item.execute_count ?? 0;
}

/**
 * A host of a parsed answer as an object the client may complete in place: the object itself (the
 * answer is the client's own, freshly parsed: 50,000 hosts are not copied), or a copy of anything
 * else (`null`, a number, a text), as before.
 */
function ownObject<T>(h: T): T {
  return h !== null && typeof h === 'object' && !Array.isArray(h) ? h : ({ ...(h ?? {}) } as T);
}

function normalizeStep(step: StepInstance): StepInstance {
  const hosts: HostStatus[] = Array.isArray(step.step_ip_status) ? step.step_ip_status : [];
  return {
    ...step,
    retry_count: retryCount(step),
    step_ip_status: hosts.map((h) => checkHostIdentity(ownObject(h)) as HostStatus),
  };
}

/**
 * `is_finished` as sent (a boolean, or 0/1); when it is missing or of another type, whether the job's
 * status is final, so a garbled flag can neither end a running job early nor keep a finished one polled.
 */
function finished(data: JobInstanceStatus): boolean {
  const flag: unknown = data.is_finished;
  if (typeof flag === 'boolean') return flag;
  if (flag === 0 || flag === 1) return flag === 1;
  return isFinalJobStatus(Number(data.job_instance?.status));
}

export function normalizeStatus(data: JobInstanceStatus): JobInstanceStatus {
  return {
    ...data,
    is_finished: finished(data),
    blocks: (data.blocks ?? []).map((b) => ({
      ...b,
      step_instances: (b.step_instances ?? []).map(normalizeStep),
    })),
  };
}

/** Whether an answer comes from a JOB 3.x server (which HTML-escapes logs). */
export function isJob3(envelope: Pick<EsbEnvelope<unknown>, 'job_request_id'>, steps: StepLog[]): boolean {
  if (envelope.job_request_id !== undefined) return true;
  return steps.some((s) =>
    s.step_results?.some((r) => r.ip_logs?.some((l) => l.execute_count !== undefined)),
  );
}

/** A host's log as text: a server that sends a number or an object still gets its answer shown. */
function logText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) return '';
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

/** An exit code as JOB means it: an integer, or null for a host that never ran (or a garbled value). */
function exitCode(v: unknown): number | null {
  return typeof v === 'number' && Number.isSafeInteger(v) ? v : null;
}

export function normalizeLog(steps: StepLog[], unescapeHtmlLogs: boolean): StepLog[] {
  const host = (l: HostLog): HostLog => {
    const h = ownObject(l) as HostLog;
    h.retry_count = retryCount(h);
    h.exit_code = exitCode(h.exit_code);
    h.log_content = unescapeHtmlLogs ? unescapeHtml(logText(h.log_content)) : logText(h.log_content);
    return checkHostIdentity(h) as HostLog;
  };
  const list = <T>(v: T[] | undefined): T[] => (Array.isArray(v) ? v : []);
  return steps.map((s) => ({
    ...s,
    step_results: list(s?.step_results).map((r) => ({ ...r, ip_logs: list(r?.ip_logs).map(host) })),
  }));
}

/**
 * Parses a JOB time: `"2018-03-15 12:56:35 +0800"` (JOB 2.x, with offset) or `"2026-11-27 10:10:10"`
 * (JOB 3.x: written in the zone of the `X-Bk-Job-User-Timezone` header, which the client sends as
 * `UTC`; so UTC unless `defaultOffset`, such as `"+0800"`, says otherwise). Never the runner's own zone.
 * Returns undefined for null, empty or unreadable values.
 */
export function parseJobTime(value: string | null | undefined, defaultOffset?: string): Date | undefined {
  if (!value) return undefined;
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2}(?:\.\d+)?)\s*(Z|[+-]\d{2}:?\d{2})?$/.exec(
    value.trim(),
  );
  if (!m) return undefined;
  const offset = m[3] ?? defaultOffset ?? 'Z';
  const iso = `${m[1]}T${m[2]}${offset ? (offset === 'Z' ? 'Z' : offset.replace(/^([+-]\d{2})(\d{2})$/, '$1:$2')) : ''}`;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** Job and step status names from the spec; numbers a server invents are shown as they are. */
export const JOB_STATUS: Readonly<Record<number, string>> = {
  1: 'not started',
  2: 'running',
  3: 'succeeded',
  4: 'failed',
  5: 'skipped',
  6: 'error ignored',
  7: 'waiting for a person',
  8: 'ended by hand',
  9: 'abnormal',
  10: 'terminating',
  11: 'terminated',
  12: 'termination failed',
  13: 'confirmation ended',
  14: 'abandoned',
  15: 'rolling, waiting',
};

/** A job/step status as words: `"running"`, or `"status 42"` for a value the spec does not list. */
export function jobStatusName(status: number): string {
  return JOB_STATUS[status] ?? `status ${status}`;
}

/** Statuses after which a job does not change any more (everything but 1, 2, 7, 10, 15 and unknowns). */
export function isFinalJobStatus(status: number): boolean {
  return status in JOB_STATUS && ![1, 2, 7, 10, 15].includes(status);
}
