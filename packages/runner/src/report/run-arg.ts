import { CliError, EXIT } from '../exit.js';
import { listRecords, readRecord } from '../record/store.js';
import type { RunRecord } from '../record/types.js';

/**
 * The record `RUN` names: a run id, or `last` (the newest run whose record can be used). A run that
 * is not there is a usage error (exit 2) naming the runs that are, the likeliest first.
 */
export function pickRun(root: string, arg: string): RunRecord {
  const listed = listRecords(root);
  if (arg === 'last') {
    const usable = listed.filter((l) => 'record' in l);
    const newest = usable[usable.length - 1];
    if (!newest) throw new CliError(`no run recorded in ${root} yet; runbook runs lists them`, EXIT.usage);
    return readRecord(root, newest.runId);
  }
  if (listed.some((l) => l.runId === arg)) return readRecord(root, arg);
  const ids = listed.map((l) => l.runId);
  const shown = arg.length > 80 ? `${arg.slice(0, 80)}…` : arg;
  if (ids.length === 0) throw new CliError(`no run "${shown}": no run is recorded in ${root}`, EXIT.usage);
  const likely = suggestions(arg, ids);
  const recent = ids.slice(-5).reverse();
  throw new CliError(
    `no run "${shown}" in ${root}${likely.length ? `; did you mean ${likely.join(' or ')}?` : ''}\n` +
      `recent runs: ${recent.join(', ')}${ids.length > recent.length ? ` (and ${ids.length - recent.length} older; runbook runs lists them all)` : ''}; or give last`,
    EXIT.usage,
  );
}

/** Run ids that contain what was typed (`3fa9c1`), else those a few edits away from it. */
export function suggestions(arg: string, ids: string[]): string[] {
  const typed = arg.trim().toLowerCase();
  if (typed.length >= 3) {
    const containing = ids.filter((id) => id.toLowerCase().includes(typed));
    if (containing.length > 0) return containing.slice(-3);
  }
  const scored = ids
    .map((id) => ({ id, d: distance(typed, id.toLowerCase()) }))
    .filter((x) => x.d <= Math.max(2, Math.floor(x.id.length / 6)))
    .sort((a, b) => a.d - b.d);
  return scored.slice(0, 3).map((x) => x.id);
}

/** Levenshtein distance, bounded work: both strings are run ids or what a person typed (cut at 100). */
function distance(a: string, b: string): number {
  const s = a.slice(0, 100);
  const t = b.slice(0, 100);
  let prev = Array.from({ length: t.length + 1 }, (_, j) => j);
  for (let i = 1; i <= s.length; i++) {
    const cur = [i];
    for (let j = 1; j <= t.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (s[i - 1] === t[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[t.length]!;
}
