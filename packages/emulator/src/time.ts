import type { JobGeneration } from './types.js';

const p = (n: number) => String(n).padStart(2, '0');

/**
 * JOB time text in the server's local zone: `2018-03-15 12:56:35 +0800` for JOB 2.x,
 * `2018-03-15 12:56:35` (no offset) for JOB 3.x.
 */
export function jobTime(ms: number | null | undefined, gen: JobGeneration = 2): string | null {
  if (ms === null || ms === undefined) return null;
  const d = new Date(ms);
  const text = `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
  if (gen === 3) return text;
  const off = -d.getTimezoneOffset();
  const a = Math.abs(off);
  return `${text} ${off >= 0 ? '+' : '-'}${p(Math.floor(a / 60))}${p(a % 60)}`;
}

/** Seconds between two instants with millisecond precision, as JOB's `total_time`. */
export function totalTime(start: number | null, end: number | null): number | null {
  if (start === null || end === null) return null;
  return Math.max(0, end - start) / 1000;
}
