import { countHosts } from '../engine/counts.js';
import type { HostResult, RunEvent } from '../engine/events.js';
import type { Plan } from '../plan/types.js';
import type { Transport } from '../transport.js';
import { createRunDir, keepEarlierLog, saveHostLogs } from './store.js';
import {
  type AttemptRecord,
  type BatchRecord,
  type HostRecord,
  RECORD_VERSION,
  type RunRecord,
  type StepRecord,
} from './types.js';
import { writeRecord } from './write-record.js';

export interface Recorder {
  dir: string;
  record: RunRecord;
  /** Takes every event, its free text already masked (`maskEventText`), and saves what changed. */
  onEvent(event: RunEvent): void;
}

/** The record of a new run, steps pending. */
export function newRecord(
  plan: Plan,
  endpoint: { url: string; local: boolean; transport?: Transport },
  absPath: string,
): RunRecord {
  const now = new Date().toISOString();
  return {
    version: RECORD_VERSION,
    runId: plan.runId,
    state: 'running',
    createdAt: now,
    updatedAt: now,
    runbook: {
      path: absPath,
      name: plan.name,
      ...(plan.git.sha !== undefined ? { gitSha: plan.git.sha, dirty: plan.git.dirty ?? false } : {}),
      contentHash: plan.contentHash,
      files: plan.files,
    },
    vars: plan.vars,
    endpoint: { url: endpoint.url, local: endpoint.local, transport: endpoint.transport ?? plan.transport },
    biz: plan.biz,
    scope: { type: plan.scope.type, id: plan.scope.id },
    ...(plan.limit ? { limit: plan.limit } : {}),
    steps: plan.steps.map(
      (s): StepRecord => ({
        name: s.name,
        state: 'pending',
        request: {
          taskName: s.taskName,
          hosts: s.hostCount,
          customQueries: s.customQueries,
          ...(s.topoNodes.length ? { topoNodes: s.topoNodes } : {}),
          account: s.account,
          timeoutSec: s.timeoutSec,
          ...(s.scriptType ? { type: s.scriptType } : {}),
          ...(s.scriptSha256 ? { scriptSha256: s.scriptSha256 } : {}),
          ...(s.source.kind === 'stored' ? { scriptId: s.source.scriptId } : {}),
          ...(s.paramsDisplay !== undefined ? { params: s.paramsDisplay } : {}),
          sensitive: s.sensitive,
        },
        fingerprint: s.fingerprint,
        ...(s.rolling ? { rolling: s.rolling } : {}),
      }),
    ),
  };
}

/** Keeps `record.json` in step with the events: written atomically after every change. */
export function createRecorder(root: string, record: RunRecord): Recorder {
  const dir = createRunDir(root, record.runId);
  const save = () => {
    record.updatedAt = new Date().toISOString();
    writeRecord(dir, record);
  };
  save();
  const step = (name: string) => record.steps.find((s) => s.name === name);
  const batchOf = (s: StepRecord | undefined, index: number | undefined): BatchRecord | undefined =>
    index === undefined ? undefined : s?.batches?.find((b) => b.index === index);
  /**
   * Saves host results and their logs. A resumed step's results replace the same hosts' earlier ones,
   * which move to the attempt they came from, their log files renamed before the new logs are written.
   */
  const keepHosts = (s: StepRecord, name: string, hosts: HostResult[]): void => {
    if (s.hosts?.length && s.attempts?.length) moveReplaced(dir, s, hosts);
    const all = [...(s.hosts ?? []), ...(s.attempts ?? []).flatMap((a) => a.hosts ?? [])];
    // Logs of hosts JOB named unusably are numbered; numbers never used before, so none is overwritten.
    // A loop, not Math.max(...): a step and its attempts can hold more hosts than a call takes arguments.
    let base = 0;
    for (const h of all)
      if (h.invalid) base = Math.max(base, Number(/invalid-(\d+)\.log$/.exec(h.log)?.[1] ?? -1) + 1);
    // A shared log file (a batch of many hosts) is never overwritten by a later batch or resume either.
    const shared = new Set(all.filter((h) => h.logRange !== undefined).map((h) => h.log)).size;
    const logs = saveHostLogs(dir, name, hosts, { invalidBase: base, sharedIndex: shared });
    const fresh: HostRecord[] = hosts.map((h, i) => ({
      ip: h.ip,
      cloud: h.cloud,
      ...(h.hostId !== undefined ? { hostId: h.hostId } : {}),
      status: h.status,
      exitCode: h.exitCode,
      tag: h.tag,
      ...logs[i]!,
      ...(h.invalid ? { invalid: h.invalid } : {}),
      ...(h.batch !== undefined ? { batch: h.batch } : {}),
      ...(h.outputs && Object.keys(h.outputs).length ? { outputs: h.outputs } : {}),
    }));
    // The step's first results: nothing to replace (no key made per host of a 50,000-host step).
    if (!s.hosts?.length) {
      s.hosts = frozen(fresh);
      return;
    }
    // Earlier results of the same hosts are replaced (a resumed step); an unusably named host cannot
    // be matched, so it stays while it comes from another batch than these.
    const key = (h: HostRecord) => (h.invalid ? undefined : `${h.cloud}:${h.ip}`);
    const replaced = new Set(fresh.map(key).filter((k) => k !== undefined));
    const batches = new Set(fresh.map((h) => h.batch));
    const kept = (s.hosts ?? []).filter((h) => {
      const k = key(h);
      return k === undefined ? h.batch !== undefined && !batches.has(h.batch) : !replaced.has(k);
    });
    s.hosts = frozen([...kept, ...fresh]);
  };
  const onEvent = (e: RunEvent): void => {
    switch (e.type) {
      case 'step.skipped': {
        const s = step(e.step);
        if (s && s.state !== 'succeeded') {
          s.state = 'skipped';
          s.note = e.reason;
        }
        break;
      }
      case 'step.waiting': {
        // The refused submit created nothing: the step is pending again until the next submit.
        const s = step(e.step);
        if (!s) return;
        s.state = 'pending';
        s.note = `waiting for JOB's running-job quota (code ${e.code}): ${e.message}`;
        const b = batchOf(s, e.batch);
        if (b) b.state = 'pending';
        break;
      }
      case 'step.submitting': {
        const s = step(e.step);
        if (!s) return;
        // A new attempt (a first submit, or one after the step ended) starts its time; a submit
        // again after a quota wait is the same attempt.
        if (s.startedAt === undefined || (s.finishedAt !== undefined && s.finishedAt >= s.startedAt)) {
          if (s.finishedAt !== undefined) endAttempt(s);
          s.startedAt = e.ts;
        }
        s.state = 'submitting';
        delete s.error;
        delete s.note;
        const b = batchOf(s, e.batch);
        if (b) b.state = 'submitting';
        break;
      }
      case 'step.submitted': {
        const s = step(e.step);
        if (!s) return;
        s.state = 'running';
        s.jobInstanceId = e.jobInstanceId;
        s.jobInstanceName = e.jobInstanceName;
        s.submittedAt ??= e.ts;
        const b = batchOf(s, e.batch);
        if (b) {
          b.state = 'running';
          b.jobInstanceId = e.jobInstanceId;
          b.jobInstanceName = e.jobInstanceName;
          b.submittedAt ??= e.ts;
        }
        break;
      }
      case 'step.progress': {
        const s = step(e.step);
        if (!s) return;
        // Progress alone does not need a write: the job id is what a resume needs.
        s.status = e.status;
        s.counts = e.counts;
        const b = batchOf(s, e.batch);
        if (b) {
          b.status = e.status;
          b.counts = e.counts;
        }
        return;
      }
      case 'batch.started': {
        const s = step(e.step);
        if (!s) return;
        s.startedAt ??= e.ts;
        s.batches ??= [];
        const b = batchOf(s, e.batch);
        if (b) b.hosts = e.keys;
        else s.batches.push({ index: e.batch, hosts: e.keys, state: 'pending' });
        break;
      }
      case 'batch.finished': {
        const s = step(e.step);
        const b = batchOf(s, e.batch);
        if (!s || !b) return;
        b.state = e.ok ? 'succeeded' : 'failed';
        b.counts = e.counts;
        b.finishedAt = e.ts;
        if (e.jobInstanceId !== undefined) b.jobInstanceId = e.jobInstanceId;
        // Saved now: a run stopped between batches still knows which hosts succeeded.
        keepHosts(s, e.step, e.hosts);
        break;
      }
      case 'batch.waiting':
        return;
      case 'step.finished': {
        const s = step(e.step);
        if (!s) return;
        s.state = (e.result ?? (e.ok ? 'succeeded' : 'failed')) as StepRecord['state'];
        if (e.ignored) s.ignored = true;
        else delete s.ignored;
        s.status = e.status;
        s.finishedAt = e.ts;
        // A rolling step's hosts were saved batch by batch, as each batch finished.
        const saved = new Set(
          (s.batches ?? [])
            .filter((b) => b.state === 'succeeded' || b.state === 'failed')
            .map((b) => b.index),
        );
        const unsaved = e.hosts.filter((h) => h.batch === undefined || !saved.has(h.batch));
        if (unsaved.length > 0 || s.hosts === undefined) keepHosts(s, e.step, unsaved);
        s.counts = countHosts(s.hosts ?? []);
        break;
      }
      case 'step.error': {
        const s = step(e.step);
        if (!s) return;
        s.error = e.error;
        if (e.jobInstanceId !== undefined) s.jobInstanceId = e.jobInstanceId;
        const b = batchOf(s, e.batch);
        if (b) {
          if (e.jobInstanceId !== undefined) b.jobInstanceId = e.jobInstanceId;
          b.state = e.mayHaveStarted
            ? 'may-have-started'
            : b.jobInstanceId === undefined
              ? 'error'
              : 'detached';
        }
        if (e.mayHaveStarted) {
          s.state = 'may-have-started';
          s.note = e.error.hint ?? 'check JOB for a job with this task name before running it again';
        } else if (s.jobInstanceId === undefined) s.state = 'error';
        else s.state = 'detached';
        break;
      }
      case 'run.interrupted':
        for (const s of record.steps) if (s.state === 'running') leave(s);
        break;
      case 'run.finished':
        record.exitCode = e.exitCode;
        record.reason = e.reason;
        record.finishedAt = e.ts;
        record.state =
          e.exitCode === 0
            ? 'succeeded'
            : e.exitCode === 1
              ? 'failed'
              : e.exitCode === 130
                ? 'interrupted'
                : e.exitCode === 4
                  ? 'declined'
                  : 'error';
        for (const s of record.steps) {
          for (const b of s.batches ?? []) if (b.state === 'submitting') b.state = 'may-have-started';
          if (s.state === 'running') leave(s);
          else if (s.state === 'submitting') {
            // The submit's answer was never read: JOB may have started the job.
            s.state = 'may-have-started';
            s.note ??=
              'the run ended while this step was being submitted: check JOB for a job with its task name';
          }
        }
        break;
      default:
        return;
    }
    save();
  };
  return { dir, record, onEvent };
}

/**
 * Keeps the attempt that ended (a resume runs the step again): its job, times and result. Its host
 * results stay where they are until the new attempt's results replace them (`moveReplaced`).
 */
function endAttempt(s: StepRecord): void {
  const a: AttemptRecord = { state: s.state };
  if (s.startedAt !== undefined) a.startedAt = s.startedAt;
  if (s.submittedAt !== undefined) a.submittedAt = s.submittedAt;
  if (s.finishedAt !== undefined) a.finishedAt = s.finishedAt;
  if (s.jobInstanceId !== undefined) a.jobInstanceId = s.jobInstanceId;
  if (s.jobInstanceName !== undefined) a.jobInstanceName = s.jobInstanceName;
  if (s.status !== undefined) a.status = s.status;
  if (s.counts !== undefined) a.counts = s.counts;
  if (s.error !== undefined) a.error = s.error;
  if (s.note !== undefined) a.note = s.note;
  s.attempts = [...(s.attempts ?? []), a];
  // The new attempt's submit time is its own.
  delete s.submittedAt;
}

/**
 * Moves the results that `hosts` (the new attempt's) replace into the latest earlier attempt, their
 * own log files renamed `….attempt-N.log` first. A host JOB named unusably cannot be matched: it is
 * replaced when it comes from one of the same batches (or the step has none), as before.
 */
function moveReplaced(dir: string, s: StepRecord, hosts: readonly HostResult[]): void {
  const attempt = s.attempts!.at(-1)!;
  const n = s.attempts!.length;
  const keys = new Set(hosts.filter((h) => !h.invalid).map((h) => `${h.cloud}:${h.ip}`));
  const batches = new Set(hosts.map((h) => h.batch));
  const kept: HostRecord[] = [];
  const moved: HostRecord[] = [];
  for (const h of s.hosts ?? []) {
    const replaced = h.invalid
      ? h.batch === undefined || batches.has(h.batch)
      : keys.has(`${h.cloud}:${h.ip}`);
    if (!replaced) kept.push(h);
    // A log of its own is renamed; a shared file (a byte range) and a numbered one are never rewritten.
    else moved.push(h.logRange || h.invalid ? h : { ...h, log: keepEarlierLog(dir, h.log, n) });
  }
  if (moved.length === 0) return;
  attempt.hosts = [...(attempt.hosts ?? []), ...moved];
  s.hosts = kept;
}

/**
 * Host results as recorded: they never change afterwards, and frozen they say so to `writeRecord`,
 * which then copies their text from the previous save instead of making it again.
 */
function frozen(hosts: HostRecord[]): HostRecord[] {
  for (const h of hosts) {
    if (h.logRange) Object.freeze(h.logRange);
    if (h.outputs) Object.freeze(h.outputs);
    Object.freeze(h);
  }
  return Object.freeze(hosts) as HostRecord[];
}

/**
 * A step the run left while it ran: `detached` when a job of it may still run; a rolling step
 * stopped between two batches is `pending` again (the batches not started never ran).
 */
function leave(s: StepRecord): void {
  if (!s.batches) {
    s.state = 'detached';
    return;
  }
  let open = false;
  for (const b of s.batches) {
    if (b.state === 'running') b.state = 'detached';
    if (b.state === 'detached') open = true;
  }
  if (open) s.state = 'detached';
  else {
    s.state = 'pending';
    s.note = `stopped between batches: ${s.batches.length} started, the rest not`;
  }
}
