import type { JobInstanceStatus, StepLog } from '@runbook/core';
import { RunnerError } from '../errors.js';
import type { ErrorInfo, HostResult } from './events.js';

/** Per-host statuses of the last status answer. */
export function hostsOfStatus(
  st: JobInstanceStatus,
): Array<{ ip: string; bk_cloud_id: number; status: number }> {
  return st.blocks.flatMap((b) => b.step_instances.flatMap((s) => s.step_ip_status));
}

/** Per-host results from the log answer; hosts the log omits keep their status with an empty log. */
export function hostResults(
  st: JobInstanceStatus,
  logs: StepLog[] | undefined,
  logError?: string,
): HostResult[] {
  const out = new Map<string, HostResult>();
  for (const h of hostsOfStatus(st)) {
    out.set(`${h.bk_cloud_id}:${h.ip}`, {
      ip: h.ip,
      cloud: h.bk_cloud_id,
      status: h.status,
      exitCode: -1,
      tag: '',
      log: logError ? `(log unavailable: ${logError})\n` : '',
    });
  }
  for (const step of logs ?? []) {
    for (const r of step.step_results) {
      for (const l of r.ip_logs) {
        out.set(`${l.bk_cloud_id}:${l.ip}`, {
          ip: l.ip,
          cloud: l.bk_cloud_id,
          status: r.ip_status,
          exitCode: l.exit_code,
          tag: r.tag,
          log: l.log_content ?? '',
        });
      }
    }
  }
  return [...out.values()];
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
