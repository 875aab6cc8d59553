/**
 * API gateway v3 answers in the shapes the client hands out (the v2 ones): `get_job_instance_status`
 * (epoch-millisecond times, `step_instance_list[].step_ip_result_list[]`) becomes `JobInstanceStatus`,
 * and `batch_get_job_instance_ip_log`'s `script_task_logs` joined with the status's per-host results
 * become `StepLog[]`. The results still go through normalize.ts (host identities, exit codes).
 */

import { isCloudId, isHostIp } from '../hosts.js';
import { isFinalJobStatus } from '../normalize.js';
import type {
  HostLog,
  HostStatus,
  IpTarget,
  JobInstanceStatus,
  StepInstance,
  StepLog,
  StepResult,
} from '../types.js';

/** At most this many hosts in one `batch_get_job_instance_ip_log` (JOB's limit). */
export const LOG_BATCH_HOSTS = 500;

export interface V3Host {
  bk_host_id?: unknown;
  ip?: unknown;
  ipv6?: unknown;
  bk_cloud_id?: unknown;
  status?: unknown;
  tag?: unknown;
  exit_code?: unknown;
  error_code?: unknown;
  start_time?: unknown;
  end_time?: unknown;
  total_time?: unknown;
}

export interface V3Step {
  step_instance_id: number;
  name?: unknown;
  status?: unknown;
  type?: unknown;
  execute_count?: unknown;
  create_time?: unknown;
  start_time?: unknown;
  end_time?: unknown;
  total_time?: unknown;
  step_ip_result_list?: unknown;
}

export interface V3Status {
  finished?: unknown;
  job_instance: Record<string, unknown>;
  step_instance_list: V3Step[];
}

export interface V3LogEntry {
  bk_host_id?: unknown;
  ip?: unknown;
  bk_cloud_id?: unknown;
  log_content?: unknown;
}

/** Whether `data` has what a v3 status answer must have. */
export function isV3Status(data: unknown): data is V3Status {
  const d = data as Partial<V3Status> | null;
  return (
    typeof d === 'object' &&
    d !== null &&
    typeof d.job_instance === 'object' &&
    d.job_instance !== null &&
    Array.isArray(d.step_instance_list)
  );
}

/**
 * An epoch-millisecond time as the text the v2 API sends under `X-Bk-Job-User-Timezone: UTC`
 * (`2020-11-11 03:11:11`, with `.123` when the milliseconds are not 0), which `parseJobTime` reads as
 * UTC. 0, negatives and non-numbers are "unknown" (null); text is kept as sent.
 */
export function jobTimeFromEpochMs(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) return null;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return null;
  const iso = date.toISOString();
  const ms = iso.slice(20, 23);
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${ms === '000' ? '' : `.${ms}`}`;
}

/** v3's milliseconds as v2's seconds; null while unknown. */
const seconds = (value: unknown): number | null =>
  typeof value === 'number' && Number.isFinite(value) ? value / 1000 : null;

const hostId = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? value : undefined;

/** The host's address: `ip`, or `ipv6` for a host JOB knows by its IPv6 address only. */
const addressOf = (h: V3Host): unknown =>
  (h.ip === undefined || h.ip === null || h.ip === '') && typeof h.ipv6 === 'string' && h.ipv6 !== ''
    ? h.ipv6
    : h.ip;

const hostsOf = (step: V3Step): V3Host[] =>
  Array.isArray(step.step_ip_result_list)
    ? step.step_ip_result_list.map((h) => (typeof h === 'object' && h !== null ? (h as V3Host) : {}))
    : [];

function identity(h: V3Host): { ip: unknown; bk_cloud_id: unknown; bk_host_id?: number } {
  const id = hostId(h.bk_host_id);
  return { ip: addressOf(h), bk_cloud_id: h.bk_cloud_id, ...(id === undefined ? {} : { bk_host_id: id }) };
}

function stepOf(s: V3Step): StepInstance {
  return {
    step_instance_id: s.step_instance_id,
    name: s.name as string,
    status: s.status as number,
    ...(s.type === undefined ? {} : { type: s.type as number }),
    ...(typeof s.execute_count === 'number' ? { execute_count: s.execute_count } : {}),
    total_time: seconds(s.total_time),
    create_time: jobTimeFromEpochMs(s.create_time),
    start_time: jobTimeFromEpochMs(s.start_time),
    end_time: jobTimeFromEpochMs(s.end_time),
    step_ip_status: hostsOf(s).map((h) => ({ ...identity(h), status: h.status }) as HostStatus),
  };
}

/** A v3 status answer in the v2 shape (one block per step), before normalisation. */
export function statusFromV3(data: V3Status, bizId: number): JobInstanceStatus {
  const job = data.job_instance;
  return {
    is_finished: data.finished as boolean,
    job_instance: {
      ...(job.bk_scope_type === undefined ? {} : { bk_scope_type: job.bk_scope_type }),
      ...(job.bk_scope_id === undefined ? {} : { bk_scope_id: job.bk_scope_id }),
      job_instance_id: job.job_instance_id as number,
      bk_biz_id: bizId,
      name: job.name as string,
      status: job.status as number,
      create_time: jobTimeFromEpochMs(job.create_time),
      start_time: jobTimeFromEpochMs(job.start_time),
      end_time: jobTimeFromEpochMs(job.end_time),
      total_time: seconds(job.total_time),
    },
    blocks: data.step_instance_list.map((s) => ({ step_instances: [stepOf(s)] })),
  };
}

export type LogTargets = { host_id_list: number[] } | { ip_list: IpTarget[] };

/**
 * The hosts of a step to ask logs for, in chunks of at most {@link LOG_BATCH_HOSTS}: by `host_id_list`
 * when the status gave every host an id, else by `ip_list` (hosts with an unusable identity left out).
 */
export function logQueries(step: V3Step): LogTargets[] {
  const hosts = hostsOf(step);
  const ids = hosts.map((h) => hostId(h.bk_host_id));
  if (hosts.length > 0 && ids.every((id) => id !== undefined)) {
    return chunks([...new Set(ids as number[])]).map((host_id_list) => ({ host_id_list }));
  }
  const ips = hosts
    .filter((h) => isHostIp(h.ip) && isCloudId(h.bk_cloud_id))
    .map((h) => ({ bk_cloud_id: h.bk_cloud_id as number, ip: h.ip as string }));
  return chunks(ips).map((ip_list) => ({ ip_list }));
}

function chunks<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += LOG_BATCH_HOSTS) out.push(items.slice(i, i + LOG_BATCH_HOSTS));
  return out;
}

/**
 * One step's `StepLog`: its hosts from the status answer (status, tag, exit code, times) grouped by
 * (status, tag) as v2 does, each with its log from `logs` (matched by host id, else cloud id + ip).
 */
export function stepLogFromV3(step: V3Step, logs: readonly V3LogEntry[]): StepLog {
  const byId = new Map<number, V3LogEntry>();
  const byAddress = new Map<string, V3LogEntry>();
  for (const l of logs) {
    const id = hostId(l.bk_host_id);
    if (id !== undefined) byId.set(id, l);
    byAddress.set(`${String(l.bk_cloud_id)}:${String(l.ip)}`, l);
  }
  const groups = new Map<string, StepResult>();
  for (const h of hostsOf(step)) {
    const who = identity(h);
    const log =
      (who.bk_host_id === undefined ? undefined : byId.get(who.bk_host_id)) ??
      byAddress.get(`${String(h.bk_cloud_id)}:${String(h.ip)}`);
    const tag = typeof h.tag === 'string' ? h.tag : '';
    const key = `${String(h.status)}\u0000${tag}`;
    let group = groups.get(key);
    if (!group) {
      group = { ip_status: h.status as number, tag, ip_logs: [] };
      groups.set(key, group);
    }
    group.ip_logs.push({
      ...who,
      exit_code: h.exit_code,
      error_code: h.error_code,
      ...(typeof step.execute_count === 'number' ? { execute_count: step.execute_count } : {}),
      total_time: seconds(h.total_time),
      start_time: jobTimeFromEpochMs(h.start_time),
      end_time: jobTimeFromEpochMs(h.end_time),
      log_content: log?.log_content ?? '',
    } as HostLog);
  }
  return {
    is_finished: isFinalJobStatus(Number(step.status)),
    step_instance_id: step.step_instance_id,
    name: step.name as string,
    status: step.status as number,
    step_results: [...groups.values()],
  };
}
