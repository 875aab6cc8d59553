import { setTimeout as sleep } from 'node:timers/promises';
import type { RunEvent } from '../engine/events.js';
import { isLocalProblem, localError, localReason } from './local.js';
import { createRecorder, type Recorder } from './recorder.js';
import type { RunRecord } from './types.js';
import { writeRecord } from './write-record.js';

/**
 * The recorder of a live run, which never throws into the run: a write that fails (full disk,
 * read-only folder) is noted and tried again with every later event and at the end, while the
 * record in memory stays complete, so every job id a run obtained can still be printed.
 */
export interface DurableRecorder {
  dir: string;
  record: RunRecord;
  onEvent(event: RunEvent): void;
  /** Why the record on disk is behind the run, or undefined when it is current. */
  problem(): unknown;
  /** Steps whose host logs could not be saved, with the error. */
  logsLost(): Array<{ step: string; error: unknown }>;
  /** Saves now if the record on disk is behind; true when it is current. Synchronous (exit handlers). */
  trySave(): boolean;
  /** `trySave`, up to `attempts` times `delayMs` apart. */
  flush(attempts?: number, delayMs?: number): Promise<boolean>;
}

/**
 * Creates the run's folder and writes its first record. A state folder that cannot take it is a
 * local problem (exit 5) found before anything is sent.
 */
export function openRecorder(root: string, record: RunRecord): DurableRecorder {
  let inner: Recorder;
  try {
    inner = createRecorder(root, record);
  } catch (err) {
    if (isLocalProblem(err))
      throw localError(err, `cannot save the record of run ${record.runId} in ${root}`);
    throw err;
  }
  let problem: unknown;
  const lost = new Map<string, unknown>();
  const trySave = (): boolean => {
    if (problem === undefined) return true;
    try {
      record.updatedAt = new Date().toISOString();
      writeRecord(inner.dir, record);
      problem = undefined;
      return true;
    } catch (err) {
      problem = err;
      return false;
    }
  };
  return {
    dir: inner.dir,
    record,
    onEvent(event) {
      try {
        inner.onEvent(event);
        // A progress event writes nothing; a record that is behind is tried again with it.
        trySave();
      } catch (err) {
        // The record in memory took the event; only a write failed (the logs, or the record itself).
        // A finished step's logs are written before the record: on a full or read-only disk they are lost.
        if (event.type === 'step.finished') lost.set(event.step, err);
        problem = err;
        trySave();
      }
    },
    problem: () => problem,
    logsLost: () => [...lost].map(([step, error]) => ({ step, error })),
    trySave,
    async flush(attempts = 5, delayMs = 200) {
      for (let i = 0; i < attempts; i++) {
        if (trySave()) return true;
        if (i + 1 < attempts) await sleep(delayMs);
      }
      return false;
    },
  };
}

/**
 * What a person needs when the record could not be saved: every step that was submitted, with its
 * JOB job id, so that nothing that ran is unknown. Empty when no step was submitted.
 */
export function submittedSteps(record: RunRecord): string[] {
  const lines: string[] = [];
  const unanswered = (name: string, taskName: string) =>
    `  ${name}: may have started a job "${taskName}" (no answer from JOB)`;
  for (const s of record.steps) {
    // A rolling step is one job per batch: each of them, not only the newest.
    if (s.batches?.length) {
      for (const b of s.batches) {
        if (b.jobInstanceId !== undefined)
          lines.push(`  ${s.name}: job ${b.jobInstanceId} (batch ${b.index}, ${b.state})`);
        else if (b.state === 'submitting' || b.state === 'may-have-started')
          lines.push(`${unanswered(s.name, s.request.taskName)}, batch ${b.index}`);
      }
      continue;
    }
    if (s.jobInstanceId !== undefined) lines.push(`  ${s.name}: job ${s.jobInstanceId} (${s.state})`);
    else if (s.state === 'submitting' || s.state === 'may-have-started')
      lines.push(unanswered(s.name, s.request.taskName));
  }
  return lines;
}

/** The message printed when the record stays behind: the reason, and the job of every submitted step. */
export function unsavedReport(recorder: DurableRecorder, root: string): string {
  const { record } = recorder;
  const steps = submittedSteps(record);
  let out = `runbook: the record of run ${record.runId} could not be saved in ${root}: ${localReason(recorder.problem())}\n`;
  out += steps.length
    ? `runbook: the steps submitted to JOB (the record on disk may not know them):\n${steps.join('\n')}\n`
    : 'runbook: no step was submitted to JOB\n';
  out += 'hint: free the space or fix the folder; check these jobs in JOB before running the steps again\n';
  return out;
}
