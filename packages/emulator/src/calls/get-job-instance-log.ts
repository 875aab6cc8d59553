import { success } from '../http/envelope.js';
import { type HostRun, isJobFinished, type Job } from '../state/jobs.js';
import { jobTime, totalTime, type Zone } from '../time.js';
import type { JobGeneration } from '../types.js';
import type { CallHandler } from './context.js';
import { type HostileValue, hostileHosts } from './hostile.js';
import { findJob } from './scope.js';

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function ipLog(job: Job, h: HostRun, gen: JobGeneration, zone: Zone, bad?: HostileValue) {
  const raw = job.logOf ? job.logOf(h) : h.log;
  return {
    [gen === 3 ? 'execute_count' : 'retry_count']: 0,
    total_time: totalTime(h.startMs, h.endMs),
    start_time: jobTime(h.startMs, gen, zone),
    end_time: jobTime(h.endMs, gen, zone),
    ip: bad ? bad.ip : h.ip,
    bk_cloud_id: bad ? bad.cloud : h.cloud,
    error_code: h.errorCode,
    // JOB 3.x: null for a host that never ran; JOB 2.x (as read before) 0.
    exit_code: gen === 3 ? h.exitCode : (h.exitCode ?? 0),
    log_content: gen === 3 ? escapeHtml(raw) : raw,
  };
}

/** The per-step log `data`: hosts grouped by (ip_status, tag), in order of first appearance. */
export function logData(
  job: Job,
  gen: JobGeneration,
  zone: Zone,
  hostile?: (i: number) => HostileValue | undefined,
): unknown[] {
  const groups = new Map<string, { ip_status: number; tag: string; ip_logs: unknown[] }>();
  job.hosts.forEach((h, i) => {
    const key = `${h.status}\u0000${h.tag}`;
    let g = groups.get(key);
    if (!g) {
      g = { ip_status: h.status, tag: h.tag, ip_logs: [] };
      groups.set(key, g);
    }
    g.ip_logs.push(ipLog(job, h, gen, zone, hostile?.(i)));
  });
  return [
    {
      is_finished: isJobFinished(job.status),
      step_instance_id: job.stepInstanceId,
      name: job.name,
      status: job.status,
      step_results: [...groups.values()],
    },
  ];
}

export const getJobInstanceLog: CallHandler = (body, _who, ctx, meta) => {
  const found = findJob(body, ctx, meta);
  if (!found.ok) return found.result;
  const hostile = meta.fault?.kind === 'hostile_hosts' ? hostileHosts(ctx.seed, meta.injection) : undefined;
  return {
    ...success(logData(found.value, ctx.gen, meta.zone, hostile), ctx.gen === 3 ? 'success' : ''),
    faultApplied: hostile !== undefined,
  };
};
