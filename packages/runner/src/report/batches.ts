import { hostList } from './host-list.js';
import type { BatchView, ReportStep } from './record-view.js';
import { batchWords, between, type Tone } from './words.js';

/** Batch rows (and timeline bars) a step shows one by one; more are merged by runs of one state. */
export const MAX_BATCH_ROWS = 40;

export interface BatchRow {
  /** `3`, or `4-40` for batches merged because the step had many. */
  label: string;
  first: number;
  last: number;
  hosts: string;
  hostCount: number;
  state: string;
  words: string;
  tone: Tone;
  jobs: number[];
  startedAt?: string;
  finishedAt?: string;
  durationMs?: number;
  ok?: number;
  failed?: number;
}

/**
 * A step's batches as rows: one per batch, or, past MAX_BATCH_ROWS, consecutive batches of the same
 * state merged into one row; `left` counts batches in rows beyond the bound.
 */
export function batchRows(step: ReportStep): { rows: BatchRow[]; total: number; left: number } {
  const batches = [...(step.batches ?? [])].sort((a, b) => a.index - b.index);
  const runs: BatchView[][] = [];
  for (const b of batches) {
    const last = runs[runs.length - 1];
    if (batches.length > MAX_BATCH_ROWS && last && last[0]!.state === b.state) last.push(b);
    else runs.push([b]);
  }
  const rows = runs.slice(0, MAX_BATCH_ROWS).map(row);
  const left = runs.slice(MAX_BATCH_ROWS).reduce((n, r) => n + r.length, 0);
  return { rows, total: batches.length, left };
}

function row(run: BatchView[]): BatchRow {
  const first = run[0]!;
  const last = run[run.length - 1]!;
  const keys = run.flatMap((b) => b.hosts);
  const starts = run.map((b) => b.submittedAt).filter((t): t is string => t !== undefined);
  const ends = run.map((b) => b.finishedAt).filter((t): t is string => t !== undefined);
  const startedAt = starts.sort()[0];
  const finishedAt = ends.length === run.length ? ends.sort()[ends.length - 1] : undefined;
  const counted = run.filter((b) => b.counts);
  const { words, tone } = batchWords(first.state);
  return {
    label: run.length === 1 ? String(first.index) : `${first.index}-${last.index}`,
    first: first.index,
    last: last.index,
    hosts: hostList(keys),
    hostCount: keys.length,
    state: first.state,
    words,
    tone,
    jobs: run.map((b) => b.jobInstanceId).filter((j): j is number => j !== undefined),
    ...(startedAt !== undefined ? { startedAt } : {}),
    ...(finishedAt !== undefined ? { finishedAt } : {}),
    ...(between(startedAt, finishedAt) !== undefined ? { durationMs: between(startedAt, finishedAt) } : {}),
    ...(counted.length > 0
      ? {
          ok: counted.reduce((n, b) => n + b.counts!.succeeded, 0),
          failed: counted.reduce((n, b) => n + b.counts!.failed + b.counts!.agentError, 0),
        }
      : {}),
  };
}
