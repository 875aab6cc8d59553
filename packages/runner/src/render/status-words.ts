/**
 * JOB's status numbers in words, for every UI (stream, terminal UI, logs): a person reads
 * `failed, exit 3` or `agent error`, never `status 104`. Numbers JOB invents later are shown as
 * `status N`, never hidden.
 */

import { jobStatusName } from '@runbook/core';

/** Per-host statuses (`step_ip_status[].status`, `ip_status`), as JOB names them. */
const HOST_STATUS: Readonly<Record<number, string>> = {
  0: 'unknown error',
  1: 'agent error',
  2: 'invalid host',
  3: 'ok earlier',
  5: 'waiting',
  7: 'running',
  9: 'ok',
  11: 'failed',
  12: 'dispatch failed',
  13: 'timed out',
  15: 'log error',
  16: 'GSE log timeout',
  17: 'GSE log timeout',
  18: 'agent not installed',
  101: 'script failed',
  102: 'timed out',
  103: 'terminated',
  104: 'failed',
  202: 'file transfer failed',
  203: 'source file missing',
  301: 'file error',
  303: 'file task timed out',
  310: 'agent error',
  311: 'account missing on host',
  312: 'wrong password',
  399: 'task error',
  403: 'terminated',
  404: 'termination failed',
  500: 'unknown status',
};

/** What a per-host status means alone: `agent error`, `timed out`; `status 42` for one JOB never listed. */
export function hostStatusName(status: number): string {
  if (status >= 320 && status <= 329) return 'file error';
  return HOST_STATUS[status] ?? `status ${status}`;
}

/** Statuses after which the script ran and its exit code says something. */
const RAN = new Set([9, 3, 11, 101, 102, 103, 104, 403]);

/**
 * A host's outcome in words, with its exit code when that adds to it: `ok`, `failed, exit 3`,
 * `timed out`, `agent error`, `ok, exit 1` (JOB said ok although the script did not exit 0).
 */
export function hostStatusWords(status: number, exitCode: number | null): string {
  const name = hostStatusName(status);
  return exitCode === null || exitCode === 0 || !RAN.has(status) ? name : `${name}, exit ${exitCode}`;
}

/** A job or step status in words (`running`, `terminated`); `status N` for one JOB never listed. */
export function jobStatusWords(status: number): string {
  return jobStatusName(status);
}
