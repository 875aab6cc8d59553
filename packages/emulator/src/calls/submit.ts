import { splitParams } from '../exec/split.js';
import { HOST, type HostRun, JOB, type Job, type JobScript } from '../state/jobs.js';
import { compactTime } from '../time.js';
import type { Transport } from '../types.js';
import type { CallContext } from './context.js';
import type { Scope } from './scope.js';
import type { Target } from './targets.js';

/** A checked `fast_execute_script` request. */
export interface Submit {
  scope: Scope;
  script: JobScript;
  /** Decoded parameter string (JOB 3.x: newlines already spaces). */
  params: string;
  sensitive: boolean;
  timeout: number;
  callbackUrl: string | null;
  account: string;
  targets: Target[];
  /** `task_name` when given and not blank. */
  name: string | undefined;
}

const HIDDEN_FIELDS = new Set(['bk_app_secret', 'bk_token']);

/** The name JOB gives a job sent without `task_name`. */
export function defaultJobName(gen: 2 | 3, now: number): string {
  if (gen === 2) return `API Quick execution script${now}`;
  return `快速执行脚本_${compactTime(now)}`;
}

function hostRun(t: Target, account: string): HostRun {
  return {
    ip: t.ip,
    cloud: t.cloud,
    hostId: t.hostId,
    status: HOST.waiting,
    exitCode: null,
    errorCode: 115,
    tag: '',
    startMs: null,
    endMs: null,
    log: '',
    agent: t.host?.agent ?? 'ok',
    hasAccount: !t.host?.accounts || t.host.accounts.includes(account),
    ...(t.host?.status !== undefined ? { forcedStatus: t.host.status } : {}),
  };
}

/** Saves a job for a checked request (not started yet). */
export function saveJob(
  body: Record<string, unknown>,
  s: Submit,
  operator: string,
  ctx: CallContext,
  transport: Transport = 'v2',
): Job {
  const now = Date.now();
  const { id, stepInstanceId } = ctx.store.allocateIds();
  const request: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) if (!HIDDEN_FIELDS.has(k)) request[k] = v;
  if (s.sensitive && 'script_param' in request) request.script_param = '******';
  const job: Job = {
    id,
    stepInstanceId,
    bizId: s.scope.id,
    scopeType: s.scope.type,
    transport,
    name: s.name ?? defaultJobName(transport === 'v3' ? 3 : ctx.gen, now),
    operator,
    status: JOB.notStarted,
    started: false,
    createMs: now,
    startMs: null,
    endMs: null,
    hosts: s.targets.map((t) => hostRun(t, s.account)),
    request,
    script: s.script,
    params: s.params,
    args: splitParams(s.params),
    sensitive: s.sensitive,
    account: s.account,
    timeoutSeconds: s.timeout,
    callbackUrl: s.callbackUrl,
    version: 0,
    cache: null,
  };
  ctx.store.add(job);
  return job;
}
