import { jobTime } from '../time.js';
import type { EmulatedJobView, JobGeneration, ScopeType, ScriptType, Transport } from '../types.js';

/** Per-host status values used here (see docs/job-api.md). */
export const HOST = {
  agentError: 1,
  waiting: 5,
  running: 7,
  success: 9,
  dispatchFailed: 12,
  agentNotInstalled: 18,
  timeout: 102,
  nonZero: 104,
  /** File task error, unclassified (JOB 3.x). */
  fileError: 301,
  /** File task timed out (JOB 3.x). */
  fileTimeout: 303,
  accountMissing: 311,
  terminated: 403,
} as const;

/** Job and step status values. */
export const JOB = {
  notStarted: 1,
  running: 2,
  success: 3,
  failed: 4,
  terminating: 10,
  terminated: 11,
} as const;

export const isHostDone = (s: number) => s !== HOST.waiting && s !== HOST.running;
export const isJobFinished = (s: number) => s !== 1 && s !== 2 && s !== 7 && s !== 10 && s !== 15;

export interface HostRun {
  ip: string;
  cloud: number;
  /** CMDB host id (`bk_host_id`). */
  hostId: number;
  status: number;
  exitCode: number | null;
  /** 0 done, 115 running, 126 terminated, -1 other. */
  errorCode: number;
  tag: string;
  startMs: number | null;
  endMs: number | null;
  log: string;
  agent: 'ok' | 'offline' | 'not_installed';
  /** False when the host does not have the requested account. */
  hasAccount: boolean;
  /** A configured outcome: the host does not run and ends with this status. */
  forcedStatus?: number;
}

export interface JobScript {
  type: ScriptType;
  content: string;
  /** The stored script: an integer on ESB v2, the configuration's key on v3. */
  scriptId: number | string | null;
  /** v3 `script_version_id` that named it. */
  versionId?: number;
}

export interface Job {
  id: number;
  stepInstanceId: number;
  /** The scope's id (`bk_biz_id` on JOB 2.x). */
  bizId: number;
  scopeType: ScopeType;
  /** The transport it was submitted on. */
  transport: Transport;
  name: string;
  operator: string;
  status: number;
  /** False while a job is saved but was never started (fault `late_failure`). */
  started: boolean;
  createMs: number;
  startMs: number | null;
  endMs: number | null;
  hosts: HostRun[];
  request: Record<string, unknown>;
  script: JobScript;
  params: string;
  args: string[];
  sensitive: boolean;
  account: string;
  timeoutSeconds: number;
  callbackUrl: string | null;
  /** Bumped on every visible change; answers are cached per version. */
  version: number;
  /** Serialized status answers of the current version, by answer kind (transport, zone, options). */
  cache: { version: number; answers: Map<string, string> } | null;
  /** Brings lazily computed state (simulate) up to date. */
  refresh?: (now: number) => void;
  /** Produces a host's log when it is not kept in `log` (simulate). */
  logOf?: (host: HostRun) => string;
}

/** The JOB a job runs on: a job submitted on v3 runs as on JOB 3.x whatever the emulator's generation. */
export const runsAs = (job: Job, gen: JobGeneration): JobGeneration => (job.transport === 'v3' ? 3 : gen);

/** A status answer serialized for the job's current version, if any. */
export function cachedAnswer(job: Job, key: string): string | undefined {
  return job.cache?.version === job.version ? job.cache.answers.get(key) : undefined;
}

/** Keeps a status answer for the job's current version (answers of older versions are dropped). */
export function cacheAnswer(job: Job, key: string, json: string): void {
  if (job.cache?.version !== job.version) job.cache = { version: job.version, answers: new Map() };
  job.cache.answers.set(key, json);
}

/** The jobs of one emulator, with the rules for job status transitions. */
export class JobStore {
  private readonly byId = new Map<number, Job>();
  private nextId = 10000;
  constructor(private readonly onFinished: (job: Job) => void) {}

  allocateIds(): { id: number; stepInstanceId: number } {
    const id = this.nextId;
    this.nextId += 2;
    return { id, stepInstanceId: id + 1 };
  }

  add(job: Job): void {
    this.byId.set(job.id, job);
  }

  /** The job, brought up to date; undefined if unknown or of another business (or business set). */
  get(id: number, scope?: { type: ScopeType; id: number }): Job | undefined {
    const job = this.byId.get(id);
    if (!job || (scope && (job.bizId !== scope.id || job.scopeType !== scope.type))) return undefined;
    job.refresh?.(Date.now());
    return job;
  }

  list(): Job[] {
    const now = Date.now();
    return [...this.byId.values()].map((j) => {
      j.refresh?.(now);
      return j;
    });
  }

  /** Call after hosts changed: bumps the version, starts or finishes the job as its hosts say. */
  touch(job: Job, now = Date.now()): void {
    job.version++;
    if (isJobFinished(job.status)) return;
    if (job.status === JOB.notStarted && job.hosts.some((h) => h.status !== HOST.waiting)) {
      job.status = JOB.running;
      let first = now;
      for (const h of job.hosts) if (h.startMs !== null && h.startMs < first) first = h.startMs;
      job.startMs ??= first;
    }
    if (!job.hosts.every((h) => isHostDone(h.status))) return;
    job.startMs ??= now;
    let end = 0;
    for (const h of job.hosts) if (h.endMs !== null && h.endMs > end) end = h.endMs;
    job.endMs = end || now;
    if (job.status === JOB.terminating) job.status = JOB.terminated;
    else
      job.status = job.hosts.every((h) => h.status === HOST.success || h.status === 3)
        ? JOB.success
        : JOB.failed;
    this.onFinished(job);
  }
}

/** What tests see of a job (introspection). */
export function viewJob(job: Job, gen: JobGeneration): EmulatedJobView {
  return {
    jobInstanceId: job.id,
    stepInstanceId: job.stepInstanceId,
    bizId: job.bizId,
    scopeType: job.scopeType,
    transport: job.transport,
    name: job.name,
    status: job.status,
    started: job.started,
    createTime: jobTime(job.createMs, gen) ?? '',
    request: job.request,
    script: { ...job.script },
    params: job.sensitive ? '******' : job.params,
    args: job.sensitive ? [] : [...job.args],
    account: job.account,
    timeoutSeconds: job.timeoutSeconds,
    callbackUrl: job.callbackUrl,
    hosts: job.hosts.map((h) => ({
      ip: h.ip,
      bk_cloud_id: h.cloud,
      bk_host_id: h.hostId,
      status: h.status,
      exitCode: h.exitCode,
      tag: h.tag,
    })),
  };
}
