import { success } from '../http/envelope.js';
import { type HostRun, isJobFinished, type Job } from '../state/jobs.js';
import { jobTime, totalTime } from '../time.js';
import type { JobGeneration } from '../types.js';
import type { CallHandler } from './context.js';
import { findJob } from './validate.js';

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function ipLog(job: Job, h: HostRun, gen: JobGeneration): Record<string, unknown> {
  const raw = job.logOf ? job.logOf(h) : h.log;
  return {
    [gen === 3 ? 'execute_count' : 'retry_count']: 0,
    total_time: totalTime(h.startMs, h.endMs),
    start_time: jobTime(h.startMs, gen),
    end_time: jobTime(h.endMs, gen),
    ip: h.ip,
    bk_cloud_id: h.cloud,
    error_code: h.errorCode,
    exit_code: h.exitCode ?? 0,
    log_content: gen === 3 ? escapeHtml(raw) : raw,
  };
}

/** The per-step log `data`: hosts grouped by (ip_status, tag), in order of first appearance. */
export function logData(job: Job, gen: JobGeneration): unknown[] {
  const groups = new Map<string, { ip_status: number; tag: string; ip_logs: unknown[] }>();
  for (const h of job.hosts) {
    const key = `${h.status}\u0000${h.tag}`;
    let g = groups.get(key);
    if (!g) {
      g = { ip_status: h.status, tag: h.tag, ip_logs: [] };
      groups.set(key, g);
    }
    g.ip_logs.push(ipLog(job, h, gen));
  }
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

export const getJobInstanceLog: CallHandler = (body, _who, ctx) => {
  const found = findJob(body, ctx);
  if (!found.ok) return found.result;
  const job = found.value;
  return success(logData(job, ctx.gen), ctx.gen === 3 ? 'success' : '');
};
