/** How the report says times, durations and states. */

export type Tone = 'ok' | 'failed' | 'partial' | 'ignored' | 'running' | 'unknown' | 'skipped' | 'pending';

/** `2026-12-01 10:40:03 UTC`; text that is not a time is shown as it is. */
export function timeText(iso: string | undefined): string {
  if (iso === undefined) return '';
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso : `${new Date(t).toISOString().replace('T', ' ').slice(0, 19)} UTC`;
}

/** `10:40:03`: the time of day alone, for the timeline. */
export function clockText(ms: number): string {
  return new Date(ms).toISOString().slice(11, 19);
}

/** `850 ms`, `42 s`, `3 min 05 s`, `2 h 04 min`, `3 d 2 h`. */
export function durationText(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms) || ms < 0) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const pad = (n: number) => String(n).padStart(2, '0');
  if (s < 3600) return `${Math.floor(s / 60)} min ${pad(s % 60)} s`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ${pad(Math.floor((s % 3600) / 60))} min`;
  return `${Math.floor(s / 86400)} d ${Math.floor((s % 86400) / 3600)} h`;
}

/** Milliseconds from `from` to `to`; undefined when either is missing or not a time, or the end is before the start. */
export function between(from: string | undefined, to: string | undefined): number | undefined {
  if (from === undefined || to === undefined) return undefined;
  const d = Date.parse(to) - Date.parse(from);
  return Number.isNaN(d) || d < 0 ? undefined : d;
}

const RUN_WORDS: Record<string, [string, Tone]> = {
  succeeded: ['succeeded', 'ok'],
  failed: ['failed', 'failed'],
  interrupted: ['interrupted', 'unknown'],
  declined: ['declined: not confirmed, nothing more was sent', 'skipped'],
  error: ['stopped: JOB could not be used, or a local problem', 'failed'],
  running: ['running, or its process ended without finishing the record', 'running'],
};

export function runWords(state: string): { words: string; tone: Tone } {
  const [words, tone] = RUN_WORDS[state] ?? [state, 'unknown'];
  return { words, tone };
}

const STEP_WORDS: Record<string, [string, Tone]> = {
  succeeded: ['succeeded', 'ok'],
  failed: ['failed', 'failed'],
  partial: ['partly failed, within the failures allowed', 'partial'],
  skipped: ['skipped', 'skipped'],
  pending: ['not run', 'pending'],
  submitting: ['being submitted when the record was last saved', 'unknown'],
  running: ['running when the record was last saved', 'running'],
  detached: ['left running in JOB, not followed to its end', 'unknown'],
  'may-have-started': ["may have started: the submit's answer was lost", 'unknown'],
  error: ['could not be run', 'failed'],
};

/** A step's (or a batch's) state in words, and the colour it gets. */
export function stepWords(state: string, ignored = false): { words: string; tone: Tone } {
  if (ignored && (state === 'failed' || state === 'partial')) {
    return {
      words: `${state === 'partial' ? 'partly failed' : 'failed'}, ignored (on_failure: ignore)`,
      tone: 'ignored',
    };
  }
  const [words, tone] = STEP_WORDS[state] ?? [state, 'unknown'];
  return { words, tone };
}

export function batchWords(state: string): { words: string; tone: Tone } {
  return state === 'pending' ? { words: 'not started', tone: 'pending' } : stepWords(state);
}

/** `50,000`: a count as people read it. */
export const num = (n: number) => n.toLocaleString('en-US');

export const plural = (n: number, one: string, many = `${one}s`) => `${num(n)} ${n === 1 ? one : many}`;

/** `Hosts: 6 in all, 5 ok, 1 failed, 0 not run.` */
export const hostsSentence = (h: { total: number; ok: number; failed: number; notRun: number }) =>
  `Hosts: ${num(h.total)} in all, ${num(h.ok)} ok, ${num(h.failed)} failed, ${num(h.notRun)} not run.`;

/**
 * `Attempt 1: failed, started 16:02:11, job 10000: 2 ok, 2 failed; run again on 10.0.0.[2,4] (2 hosts).`
 * Laid out by the caller's escapes: `jobs` is already the job link text.
 */
export function attemptText(
  a: { n: number; words: string; startedAt?: string; counts?: string; rerun?: string; rerunCount: number },
  jobs: string,
  hosts: (folded: string) => string,
  text: (plain: string) => string,
  words: (w: string) => string = text,
): string {
  const parts = [`Attempt ${a.n}: ${words(a.words)}`];
  if (a.startedAt) parts.push(text(`, started ${timeText(a.startedAt)}`));
  if (jobs) parts.push(`, ${text('JOB job')} ${jobs}`);
  if (a.counts) parts.push(text(`: ${a.counts}`));
  if (a.rerun)
    parts.push(`${text('; run again on')} ${hosts(a.rerun)} ${text(`(${plural(a.rerunCount, 'host')})`)}`);
  return `${parts.join('')}.`;
}
