import { success } from '../../http/envelope.js';
import { cacheAnswer, cachedAnswer, isJobFinished, type Job } from '../../state/jobs.js';
import type { CallHandler } from '../context.js';
import { type HostileHosts, hostileHosts } from '../hostile.js';
import { findJob } from '../scope.js';
import { bareBadRequest, isAbsent } from '../validate.js';

export interface StatusApigwOptions {
  /** `return_ip_result=true`: each step carries `step_ip_result_list`. */
  ipResult: boolean;
  /** Fault `contradict`: `finished` says the opposite of the job's status. */
  contradict?: boolean;
  /** Fault `hostile_hosts`: the hosts' `ip`, `bk_cloud_id` and `bk_host_id` replaced. */
  hostile?: HostileHosts;
}

/** Milliseconds between two instants, null while either is unknown (v3's `total_time`). */
const totalMs = (start: number | null, end: number | null) =>
  start === null || end === null ? null : Math.max(0, end - start);

/** The per-host results, written by hand: for 10,000 hosts this is the hot path. */
function ipResults(job: Job, hostile?: HostileHosts): string {
  const parts: string[] = new Array(job.hosts.length);
  for (let i = 0; i < job.hosts.length; i++) {
    const h = job.hosts[i]!;
    const bad = hostile?.(i);
    const who = bad
      ? `"bk_host_id":${JSON.stringify(bad.cloud)},"ip":${JSON.stringify(bad.ip)},"bk_cloud_id":${JSON.stringify(bad.cloud)}`
      : `"bk_host_id":${h.hostId},"ip":"${h.ip}","bk_cloud_id":${h.cloud}`;
    parts[i] =
      `{${who},"status":${h.status},"tag":${JSON.stringify(h.tag)},"exit_code":${h.exitCode},"error_code":${h.errorCode},` +
      `"start_time":${h.startMs},"end_time":${h.endMs},"total_time":${totalMs(h.startMs, h.endMs)}}`;
  }
  return `[${parts.join(',')}]`;
}

/**
 * The v3 status `data`: `finished`, `job_instance` and `step_instance_list`, times in epoch
 * milliseconds (`EA/model/esb/v3/EsbJobInstanceStatusV3DTO.java`). Cached per job version.
 */
export function statusJsonApigw(job: Job, opts: StatusApigwOptions): string {
  const key = `v3@${opts.ipResult}`;
  const faulted = opts.contradict || opts.hostile;
  const cached = faulted ? undefined : cachedAnswer(job, key);
  if (cached !== undefined) return cached;
  const total = totalMs(job.startMs, job.endMs);
  const times = {
    create_time: job.createMs,
    start_time: job.startMs,
    end_time: job.endMs,
    total_time: total,
  };
  const jobInstance = {
    job_instance_id: job.id,
    bk_biz_id: job.bizId,
    bk_scope_type: job.scopeType,
    bk_scope_id: String(job.bizId),
    name: job.name,
    status: job.status,
    ...times,
  };
  const step = {
    step_instance_id: job.stepInstanceId,
    name: job.name,
    status: job.status,
    type: 1,
    execute_count: 0,
    ...times,
  };
  const hosts = opts.ipResult ? ipResults(job, opts.hostile) : 'null';
  const stepJson = `${JSON.stringify(step).slice(0, -1)},"step_ip_result_list":${hosts}}`;
  const finished = isJobFinished(job.status) !== Boolean(opts.contradict);
  const json = `{"finished":${finished},"job_instance":${JSON.stringify(jobInstance)},"step_instance_list":[${stepJson}]}`;
  if (!faulted) cacheAnswer(job, key, json);
  return json;
}

/** Spring's reading of a boolean query parameter; undefined when it is none. */
function queryBoolean(v: unknown): boolean | undefined {
  if (isAbsent(v)) return false;
  if (typeof v === 'boolean') return v;
  const t = String(v).trim().toLowerCase();
  if (['true', 'on', 'yes', '1'].includes(t)) return true;
  if (['false', 'off', 'no', '0'].includes(t)) return false;
  return undefined;
}

/** v3 `get_job_instance_status` (GET): the scope, `job_instance_id`, `return_ip_result`. */
export const getJobInstanceStatusApigw: CallHandler = (query, _who, ctx, meta) => {
  const ipResult = queryBoolean(query.return_ip_result);
  if (ipResult === undefined) return bareBadRequest();
  const found = findJob(query, ctx, meta);
  if (!found.ok) return found.result;
  const kind = meta.fault?.kind;
  const opts: StatusApigwOptions = {
    ipResult,
    contradict: kind === 'contradict',
    ...(kind === 'hostile_hosts' && ipResult ? { hostile: hostileHosts(ctx.seed, meta.injection) } : {}),
  };
  return {
    ...success(null),
    dataJson: statusJsonApigw(found.value, opts),
    faultApplied: kind === 'contradict' || opts.hostile !== undefined,
  };
};
