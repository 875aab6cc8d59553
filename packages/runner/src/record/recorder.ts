import type { RunEvent } from '../engine/events.js';
import type { Plan } from '../plan/types.js';
import type { Transport } from '../transport.js';
import { createRunDir, invalidLogPath, logPath, writeLogs, writeRecord } from './store.js';
import { RECORD_VERSION, type RunRecord, type StepRecord } from './types.js';

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
        break;
      }
      case 'step.submitting': {
        const s = step(e.step);
        if (!s) return;
        // A new attempt (a first submit, or one after the step ended) starts its time; a submit
        // again after a quota wait is the same attempt.
        if (s.startedAt === undefined || (s.finishedAt !== undefined && s.finishedAt >= s.startedAt))
          s.startedAt = e.ts;
        s.state = 'submitting';
        delete s.error;
        delete s.note;
        break;
      }
      case 'step.submitted': {
        const s = step(e.step);
        if (!s) return;
        s.state = 'running';
        s.jobInstanceId = e.jobInstanceId;
        s.jobInstanceName = e.jobInstanceName;
        s.submittedAt ??= e.ts;
        break;
      }
      case 'step.progress': {
        const s = step(e.step);
        if (!s) return;
        // Progress alone does not need a write: the job id is what a resume needs.
        s.status = e.status;
        s.counts = e.counts;
        return;
      }
      case 'step.finished': {
        const s = step(e.step);
        if (!s) return;
        s.state = e.ok ? 'succeeded' : 'failed';
        s.status = e.status;
        s.counts = e.counts;
        s.finishedAt = e.ts;
        s.hosts = e.hosts.map((h, i) => ({
          ip: h.ip,
          cloud: h.cloud,
          status: h.status,
          exitCode: h.exitCode,
          tag: h.tag,
          // A host JOB named unusably is never named by what JOB sent: its log gets a number.
          log: h.invalid ? invalidLogPath(e.step, i) : logPath(e.step, h.cloud, h.ip),
          ...(h.invalid ? { invalid: h.invalid } : {}),
        }));
        writeLogs(
          dir,
          e.hosts.map((h, i) => ({ path: s.hosts![i]!.log, text: h.log })),
        );
        break;
      }
      case 'step.error': {
        const s = step(e.step);
        if (!s) return;
        s.error = e.error;
        if (e.jobInstanceId !== undefined) s.jobInstanceId = e.jobInstanceId;
        if (e.mayHaveStarted) {
          s.state = 'may-have-started';
          s.note = e.error.hint ?? 'check JOB for a job with this task name before running it again';
        } else if (s.jobInstanceId === undefined) s.state = 'error';
        else s.state = 'detached';
        break;
      }
      case 'run.interrupted':
        for (const s of record.steps) if (s.state === 'running') s.state = 'detached';
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
          if (s.state === 'running') s.state = 'detached';
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
