import { parseRollingExpr } from '@runbook/schema';

/**
 * Cuts a step's hosts into batches as JOB's server does with a rolling expression: the hosts are taken
 * in order; `N` is N hosts, `N%` is that percent of `totalForPercent` rounded up, `+N` the previous
 * batch plus N, `*N` the previous batch times N; the last part repeats until no host is left, and a
 * batch never holds more hosts than are left. Pure: every key lands in exactly one batch, in order, no
 * batch is empty, and there are never more batches than keys.
 *
 * `totalForPercent`: the host count percentages are taken of, the step's own by default (a resume
 * gives the step's full host count to cut the hosts left into batches of the same sizes).
 * Throws on an expression the schema refuses.
 */
export function rollingBatches(expr: string, keys: string[], totalForPercent = keys.length): string[][] {
  const parsed = parseRollingExpr(expr);
  if (!parsed.ok) throw new Error(parsed.message);
  const { parts } = parsed;
  const batches: string[][] = [];
  let at = 0;
  let previous = 0;
  while (at < keys.length) {
    const part = parts[Math.min(batches.length, parts.length - 1)]!;
    let size: number;
    if (part.kind === 'count') size = part.n;
    else if (part.kind === 'percent') size = Math.ceil((totalForPercent * part.n) / 100);
    else if (previous === 0) size = part.n;
    else size = part.kind === 'plus' ? previous + part.n : previous * part.n;
    size = Math.min(Math.max(1, size), keys.length - at);
    batches.push(keys.slice(at, at + size));
    at += size;
    previous = size;
  }
  return batches;
}
