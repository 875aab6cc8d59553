import { type CallResult, success } from '../../http/envelope.js';
import type { HostRun, Job } from '../../state/jobs.js';
import type { CallContext, CallHandler, RequestMeta } from '../context.js';
import { type HostileValue, hostileHosts } from '../hostile.js';
import { resolveScope } from '../scope.js';
import { ipEntry } from '../targets.js';
import {
  bareBadRequest,
  type Check,
  isAbsent,
  jobNotFound,
  missingOrInvalid,
  pass,
  reject,
  toInt,
  validationFailure,
} from '../validate.js';

/** Hosts one `batch_get_job_instance_ip_log` may ask for (`EsbBatchGetJobInstanceIpLogV3ResourceImpl`). */
export const MAX_LOG_HOSTS = 500;

const rawLog = (job: Job, h: HostRun) => (job.logOf ? job.logOf(h) : h.log);

/**
 * The job and step a log call names: the scope, then `job_instance_id` and `step_instance_id`
 * (bean validation: missing or < 1 is 1240003 with JOB's message; not a number, or missing from
 * a GET query where they are required parameters, a bare 1240003), then the job of that scope
 * with that step (else 1244006).
 */
function findStep(body: Record<string, unknown>, ctx: CallContext, meta: RequestMeta): Check<Job> {
  for (const k of ['job_instance_id', 'step_instance_id'])
    if ((!isAbsent(body[k]) && toInt(body[k]) === undefined) || (meta.method === 'GET' && isAbsent(body[k])))
      return reject(bareBadRequest());
  const scope = resolveScope(body, ctx);
  if (!scope.ok) return scope;
  const jobId = toInt(body.job_instance_id) ?? 0;
  const stepId = toInt(body.step_instance_id) ?? 0;
  if (jobId < 1) return reject(validationFailure('任务实例ID必须为正整数'));
  if (stepId < 1) return reject(validationFailure('步骤实例ID必须为正整数'));
  const job = ctx.store.get(jobId, scope.value);
  return job && job.stepInstanceId === stepId ? pass(job) : reject(jobNotFound());
}

/** The hosts asked for, in the order asked, each once: by `host_id_list`, else by `ip_list`. */
function askedHosts(body: Record<string, unknown>): Check<{ ids: number[] } | { addresses: string[] }> {
  const ids = body.host_id_list;
  const ips = body.ip_list;
  if ((!isAbsent(ids) && !Array.isArray(ids)) || (!isAbsent(ips) && !Array.isArray(ips)))
    return reject(bareBadRequest());
  const idList = (ids as unknown[] | undefined) ?? [];
  const ipList = (ips as unknown[] | undefined) ?? [];
  const refused = missingOrInvalid('host_id_list/ip_list');
  if (idList.length === 0 && ipList.length === 0) return reject(refused);
  if ((idList.length > 0 ? idList.length : ipList.length) > MAX_LOG_HOSTS) return reject(refused);
  if (idList.length > 0) {
    const out = idList.map((v) => toInt(v));
    return out.some((v) => v === undefined) ? reject(bareBadRequest()) : pass({ ids: out as number[] });
  }
  const out = ipList.map((e) => ipEntry(e));
  if (out.some((v) => v === undefined)) return reject(bareBadRequest());
  return pass({ addresses: out.map((a) => `${a!.cloud}:${a!.ip}`) });
}

function scriptTaskLog(job: Job, h: HostRun, bad: HostileValue | undefined) {
  return {
    host_id: bad ? bad.cloud : h.hostId,
    bk_host_id: bad ? bad.cloud : h.hostId,
    bk_cloud_id: bad ? bad.cloud : h.cloud,
    ip: bad ? bad.ip : h.ip,
    ipv6: null,
    log_content: rawLog(job, h),
  };
}

/**
 * v3 `batch_get_job_instance_ip_log` (POST): at most 500 hosts a call, by `host_id_list` (which
 * wins) or `ip_list`; more, or none, is 1241007 `请求参数[host_id_list/ip_list]缺失或不合法`.
 * `script_task_logs` holds the asked hosts of the job that have a log, logs not HTML-escaped; a
 * host without any log line is left out, as JOB's log store has no record of it.
 */
export const batchGetJobInstanceIpLog: CallHandler = (body, _who, ctx, meta) => {
  const found = findStep(body, ctx, meta);
  if (!found.ok) return found.result;
  const asked = askedHosts(body);
  if (!asked.ok) return asked.result;
  const job = found.value;
  const index = new Map<string, number>();
  job.hosts.forEach((h, i) => {
    index.set(`id:${h.hostId}`, i);
    index.set(`${h.cloud}:${h.ip}`, i);
  });
  const keys = 'ids' in asked.value ? asked.value.ids.map((id) => `id:${id}`) : asked.value.addresses;
  const hostile = meta.fault?.kind === 'hostile_hosts' ? hostileHosts(ctx.seed, meta.injection) : undefined;
  const logs: unknown[] = [];
  for (const i of new Set(keys.map((k) => index.get(k)))) {
    if (i === undefined) continue;
    const h = job.hosts[i]!;
    if (rawLog(job, h) === '') continue;
    logs.push(scriptTaskLog(job, h, hostile?.(logs.length)));
  }
  const data = {
    job_instance_id: job.id,
    step_instance_id: job.stepInstanceId,
    log_type: 1,
    script_task_logs: logs,
    file_task_logs: null,
  };
  return { ...success(data), faultApplied: hostile !== undefined && logs.length > 0 };
};

/** v3 `get_job_instance_ip_log` (GET): one host, by `host_id` (or `bk_host_id`) or `bk_cloud_id` + `ip`. */
export const getJobInstanceIpLog: CallHandler = (query, _who, ctx, meta: RequestMeta): CallResult => {
  const found = findStep(query, ctx, meta);
  if (!found.ok) return found.result;
  const idText = isAbsent(query.host_id) ? query.bk_host_id : query.host_id;
  for (const v of [idText, query.bk_cloud_id])
    if (!isAbsent(v) && toInt(v) === undefined) return bareBadRequest();
  const hostId = toInt(idText);
  const cloud = toInt(query.bk_cloud_id);
  const ip = isAbsent(query.ip) ? undefined : String(query.ip);
  if (hostId === undefined && (cloud === undefined || ip === undefined))
    return missingOrInvalid('host_id/(bk_cloud_id+ip)');
  const job = found.value;
  const h = job.hosts.find((x) =>
    hostId !== undefined ? x.hostId === hostId : x.cloud === cloud && x.ip === ip,
  );
  const log = h ? rawLog(job, h) : '';
  const bad =
    meta.fault?.kind === 'hostile_hosts' && h ? hostileHosts(ctx.seed, meta.injection)(0) : undefined;
  const data = {
    log_type: 1,
    bk_host_id: bad ? bad.cloud : (hostId ?? h?.hostId ?? null),
    bk_cloud_id: bad ? bad.cloud : (cloud ?? null),
    ip: bad ? bad.ip : (ip ?? null),
    log_content: log.trim() === '' ? null : log,
    file_logs: null,
  };
  return { ...success(data), faultApplied: bad !== undefined };
};
