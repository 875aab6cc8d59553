import {
  type HostStatus,
  type JobInstanceStatus,
  type JobRef,
  parseJobTime,
  type StepLog,
} from '@runbook/core';
import { RunnerError } from '../errors.js';
import type { PlannedStep } from '../plan/types.js';
import type { ErrorInfo, HostResult } from './events.js';

/**
 * Per-host statuses of the last status answer, in its order: the answer's own list when it has one
 * step (no copy of 50,000 hosts; not to be changed), else the lists joined.
 */
export function hostsOfStatus(st: JobInstanceStatus): HostStatus[] {
  const only = st.blocks.length === 1 ? st.blocks[0]!.step_instances : undefined;
  if (only?.length === 1) return only[0]!.step_ip_status;
  const out: HostStatus[] = [];
  for (const b of st.blocks) for (const s of b.step_instances) for (const h of s.step_ip_status) out.push(h);
  return out;
}

type Identity = { bk_cloud_id: number; ip: string; invalid?: string };

/**
 * The key of an unusably named host within one answer. Such a host is shown, not identified, so
 * hosts shown alike are told apart by their order: the n-th shown as X in the status answer is the
 * n-th shown as X in the log answer, and no two of one answer are ever merged.
 */
function unusableKeys(): (h: Identity) => string {
  const seen = new Map<string, number>();
  return (h) => {
    const key = `${h.bk_cloud_id}:${h.ip}`;
    const n = seen.get(key) ?? 0;
    seen.set(key, n + 1);
    return `unusable #${n} ${key}`;
  };
}

/** One host of the answers: its status answer entry and its result from the log answer. */
interface Slot {
  cloud: number;
  status?: HostStatus;
  logged?: HostResult;
  /** Another host with the same ip (another cloud). */
  sameIp?: Slot;
}

/**
 * The hosts of both answers in the order first seen; a usable host found by its ip, then its cloud
 * (no key text made per host), an unusably named one by its `unusableKeys` key.
 */
function hostTable() {
  const slots: Slot[] = [];
  const byIp = new Map<string, Slot>();
  const unusable = new Map<string, Slot>();
  const slot = (h: Identity, unusableKey: string | undefined): Slot => {
    if (unusableKey !== undefined) {
      let s = unusable.get(unusableKey);
      if (!s) {
        s = { cloud: h.bk_cloud_id };
        unusable.set(unusableKey, s);
        slots.push(s);
      }
      return s;
    }
    const first = byIp.get(h.ip);
    for (let s = first; s; s = s.sameIp) if (s.cloud === h.bk_cloud_id) return s;
    const s: Slot = { cloud: h.bk_cloud_id };
    if (first) s.sameIp = first;
    byIp.set(h.ip, s);
    slots.push(s);
    return s;
  };
  return { slots, slot };
}

/**
 * Per-host results from the log answer; hosts the log omits keep their status, an empty log and no
 * exit code (`null`: JOB never said one). Hosts whose identity core found unusable keep `invalid`.
 */
export function hostResults(
  st: JobInstanceStatus,
  logs: StepLog[] | undefined,
  logError?: string,
): HostResult[] {
  // Each host's status answer entry, in the order first seen; its result is made once, from the
  // log answer when that has it, else from the status (50,000 hosts: not made twice).
  const { slots, slot } = hostTable();
  const statusKey = unusableKeys();
  for (const h of hostsOfStatus(st)) slot(h, h.invalid ? statusKey(h) : undefined).status = h;
  const logKey = unusableKeys();
  for (const step of logs ?? []) {
    for (const r of step.step_results) {
      for (const l of r.ip_logs) {
        const s = slot(l, l.invalid ? logKey(l) : undefined);
        const hostId = l.bk_host_id ?? (s.logged ? s.logged.hostId : s.status?.bk_host_id);
        const result: HostResult = {
          ip: l.ip,
          cloud: l.bk_cloud_id,
          status: r.ip_status,
          exitCode: l.exit_code,
          tag: typeof r.tag === 'string' ? r.tag : '',
          log: l.log_content ?? '',
        };
        // Set after, not spread in: the same fields in the same order, without a slow copy per host.
        if (l.invalid) result.invalid = l.invalid;
        if (hostId !== undefined) result.hostId = hostId;
        s.logged = result;
      }
    }
  }
  const out: HostResult[] = [];
  for (const { logged, status: h } of slots) {
    if (logged) out.push(logged);
    else if (h) {
      const result: HostResult = {
        ip: h.ip,
        cloud: h.bk_cloud_id,
        status: h.status,
        exitCode: null,
        tag: '',
        log: logError ? `(log unavailable: ${logError})\n` : '',
      };
      if (h.invalid) result.invalid = h.invalid;
      if (h.bk_host_id !== undefined) result.hostId = h.bk_host_id;
      out.push(result);
    }
  }
  return out;
}

/** The event form of any error: its stable code, one clear message, and a hint when there is one. */
export function errorInfo(err: unknown): ErrorInfo {
  if (
    err &&
    typeof err === 'object' &&
    'code' in err &&
    typeof (err as { code: unknown }).code === 'string'
  ) {
    const e = err as { code: string; message: string; hint?: string };
    return { code: e.code, message: e.message, ...(e.hint ? { hint: e.hint } : {}) };
  }
  return { code: 'RUNNER_UNEXPECTED', message: (err as Error)?.message ?? String(err) };
}

/** Exit code for an error met while talking to JOB. */
export function exitCodeOf(err: unknown): number {
  if (err instanceof RunnerError) return err.exitCode;
  return 3;
}

/** Whether `err` is core's "the submit was sent but its answer was lost". */
export function isMayHaveStarted(err: unknown): boolean {
  return (
    !!err &&
    typeof err === 'object' &&
    ((err as { code?: unknown }).code === 'CORE_MAY_HAVE_STARTED' ||
      (err as { name?: unknown }).name === 'MayHaveStartedError')
  );
}

/** The reference of a step's job: the scope the step was submitted with, and the job id. */
export function jobRefOf(step: PlannedStep, biz: number, jobInstanceId: number): JobRef {
  const { bk_biz_id, bk_scope_type, bk_scope_id } = step.request;
  return {
    ...(bk_biz_id === undefined && bk_scope_id === undefined ? { bk_biz_id: biz } : {}),
    ...(bk_biz_id !== undefined ? { bk_biz_id } : {}),
    ...(bk_scope_type !== undefined ? { bk_scope_type } : {}),
    ...(bk_scope_id !== undefined ? { bk_scope_id } : {}),
    job_instance_id: jobInstanceId,
  };
}

const MONTH_MS = 31 * 24 * 3600_000;

/**
 * How long the job has run by JOB's own times (read as UTC, as the client asks JOB to write them),
 * until its end or `now`; undefined when JOB gave no usable times. For a re-attached job, whose start
 * the runner did not see.
 */
export function jobElapsedMs(st: JobInstanceStatus, now = Date.now()): number | undefined {
  const job = st.job_instance;
  const start = parseJobTime(job.start_time ?? job.create_time ?? null)?.getTime();
  if (start === undefined) return undefined;
  const end = (st.is_finished ? parseJobTime(job.end_time ?? null)?.getTime() : undefined) ?? now;
  const ms = end - start;
  return ms >= 0 && ms < MONTH_MS ? ms : undefined;
}
