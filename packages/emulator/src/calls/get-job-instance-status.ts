import { success } from '../http/envelope.js';
import { cacheAnswer, cachedAnswer, isJobFinished, type Job } from '../state/jobs.js';
import { jobTime, totalTime, type Zone, zoneKey } from '../time.js';
import type { JobGeneration } from '../types.js';
import type { CallHandler } from './context.js';
import { type HostileHosts, hostileHosts } from './hostile.js';
import { findJob } from './scope.js';

export interface StatusOptions {
  /** Zone of the time strings (JOB 3.x). */
  zone: Zone;
  /** Fault `contradict`: `is_finished` says the opposite of the job's status. */
  contradict?: boolean;
  /** Fault `hostile_hosts`: the hosts' `ip` and `bk_cloud_id` replaced. */
  hostile?: HostileHosts;
}

/** Serializes the status `data` of a job; cached per job version and zone so big jobs answer fast. */
export function statusJson(job: Job, gen: JobGeneration, opts: StatusOptions): string {
  const key = `v2@${gen}@${zoneKey(opts.zone)}`;
  const faulted = opts.contradict || opts.hostile;
  const cached = faulted ? undefined : cachedAnswer(job, key);
  if (cached !== undefined) return cached;
  const t = (ms: number | null) => jobTime(ms, gen, opts.zone);
  const total = totalTime(job.startMs, job.endMs);
  const times = { create_time: t(job.createMs), start_time: t(job.startMs), end_time: t(job.endMs) };
  const jobInstance: Record<string, unknown> = {
    job_instance_id: job.id,
    bk_biz_id: job.bizId,
    ...(gen === 3 ? { bk_scope_type: job.scopeType, bk_scope_id: String(job.bizId) } : {}),
    name: job.name,
    start_way: 2,
    operator: job.operator,
    bk_job_id: -1,
    status: job.status,
    ...times,
    total_time: total,
    current_step_instance_id: job.stepInstanceId,
  };
  const step: Record<string, unknown> = {
    status: job.status,
    total_time: total,
    name: job.name,
    step_instance_id: job.stepInstanceId,
    operator: job.operator,
    [gen === 3 ? 'execute_count' : 'retry_count']: 0,
    ...times,
    step_id: -1,
    type: 1,
  };
  // step_ip_status is written by hand: for 10,000 hosts this is the hot path.
  const parts: string[] = new Array(job.hosts.length);
  for (let i = 0; i < job.hosts.length; i++) {
    const h = job.hosts[i]!;
    const bad = opts.hostile?.(i);
    if (bad) {
      parts[i] =
        `{"ip":${JSON.stringify(bad.ip)},"bk_cloud_id":${JSON.stringify(bad.cloud)},"status":${h.status}}`;
    } else parts[i] = `{"ip":"${h.ip}","bk_cloud_id":${h.cloud},"status":${h.status}}`;
  }
  const stepJson = `${JSON.stringify(step).slice(0, -1)},"step_ip_status":[${parts.join(',')}]}`;
  const block =
    gen === 3
      ? `{"step_instances":[${stepJson}]}`
      : `{"type":1,"block_order":1,"block_name":${JSON.stringify(job.name)},"step_instances":[${stepJson}]}`;
  const finished = isJobFinished(job.status) !== Boolean(opts.contradict);
  const json = `{"is_finished":${finished},"job_instance":${JSON.stringify(jobInstance)},"blocks":[${block}]}`;
  if (!faulted) cacheAnswer(job, key, json);
  return json;
}

export const getJobInstanceStatus: CallHandler = (body, _who, ctx, meta) => {
  const found = findJob(body, ctx, meta);
  if (!found.ok) return found.result;
  const job = found.value;
  const kind = meta.fault?.kind;
  const opts: StatusOptions = {
    zone: meta.zone,
    contradict: kind === 'contradict',
    ...(kind === 'hostile_hosts' ? { hostile: hostileHosts(ctx.seed, meta.injection) } : {}),
  };
  return {
    ...success(null, ctx.gen === 3 ? 'success' : ''),
    dataJson: statusJson(job, ctx.gen, opts),
    faultApplied: kind === 'contradict' || kind === 'hostile_hosts',
  };
};
