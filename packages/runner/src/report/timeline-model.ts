import type { StepModel } from './model.js';
import type { ReportRecord } from './record-view.js';
import { plural, type Tone } from './words.js';

/** One bar: a step's attempt, or one of its batches (a run of merged batches on a large step). */
export interface Bar {
  step: string;
  stepIndex: number;
  batch?: string;
  state: string;
  tone: Tone;
  words: string;
  /** Milliseconds from the timeline's start. */
  from: number;
  to: number;
  /** No end recorded: the bar runs to the end of the timeline. */
  open: boolean;
  startedAt: string;
  finishedAt?: string;
  counts?: string;
}

export interface Timeline {
  /** Epoch milliseconds of the run's start, and the span shown (at least 1 ms). */
  start: number;
  span: number;
  rows: Array<{ step: string; index: number; words: string; bars: Bar[] }>;
  /** Resumes, as marks on the axis. */
  marks: Array<{ at: number; label: string }>;
}

const ms = (iso: string | undefined) => (iso === undefined ? Number.NaN : Date.parse(iso));

export function buildTimeline(record: ReportRecord, steps: StepModel[]): Timeline {
  const start = ms(record.createdAt);
  const ends = [ms(record.finishedAt), ms(record.updatedAt)];
  for (const s of steps) {
    ends.push(ms(s.startedAt), ms(s.finishedAt));
    for (const b of s.batches.rows) ends.push(ms(b.startedAt), ms(b.finishedAt));
  }
  const end = Math.max(start, ...ends.filter((t) => !Number.isNaN(t)));
  const span = Math.max(1, end - start);
  const bar = (
    s: StepModel,
    b: {
      label?: string;
      state: string;
      tone: Tone;
      words: string;
      startedAt?: string;
      finishedAt?: string;
      counts?: string;
    },
  ): Bar | undefined => {
    const from = ms(b.startedAt);
    if (Number.isNaN(from)) return undefined;
    const to = ms(b.finishedAt);
    const open = Number.isNaN(to) || to < from;
    return {
      step: s.name,
      stepIndex: s.index,
      ...(b.label !== undefined ? { batch: b.label } : {}),
      state: b.state,
      tone: b.tone,
      words: b.words,
      from: Math.max(0, from - start),
      to: (open ? end : to) - start,
      open,
      startedAt: b.startedAt!,
      ...(open ? {} : { finishedAt: b.finishedAt! }),
      ...(b.counts ? { counts: b.counts } : {}),
    };
  };
  const rows = steps.map((s) => {
    const bars =
      s.batches.total > 0
        ? s.batches.rows.map((b) =>
            bar(s, {
              label: b.label,
              state: b.state,
              tone: b.tone,
              words: b.words,
              ...(b.startedAt !== undefined ? { startedAt: b.startedAt } : {}),
              ...(b.finishedAt !== undefined ? { finishedAt: b.finishedAt } : {}),
              counts: countsText(b.hostCount, b.ok, b.failed),
            }),
          )
        : [
            bar(s, {
              state: s.state,
              tone: s.tone,
              words: s.words,
              ...(s.startedAt !== undefined ? { startedAt: s.startedAt } : {}),
              ...(s.finishedAt !== undefined ? { finishedAt: s.finishedAt } : {}),
              counts: countsText(s.hosts.total, s.hosts.ok, s.hosts.failed),
            }),
          ];
    return {
      step: s.name,
      index: s.index,
      words: s.words,
      bars: bars.filter((b): b is Bar => b !== undefined),
    };
  });
  const marks = (record.resumes?.length ? record.resumes.map((r) => r.at) : (record.resumedAt ?? []))
    .map((at, i) => ({ at: ms(at) - start, label: `resume ${i + 1}` }))
    .filter((m) => !Number.isNaN(m.at));
  return { start, span, rows, marks };
}

function countsText(total: number, ok?: number, failed?: number): string {
  return `${plural(total, 'host')}${ok !== undefined ? `, ${ok} ok` : ''}${failed ? `, ${failed} failed` : ''}`;
}
