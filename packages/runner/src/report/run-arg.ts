import { closest } from '@runbook/schema';
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

/** Run ids that contain what was typed (`3fa9c1`), else the one a few edits away from it. */
export function suggestions(arg: string, ids: string[]): string[] {
  const typed = arg.trim().toLowerCase();
  if (typed.length >= 3) {
    const containing = ids.filter((id) => id.toLowerCase().includes(typed));
    if (containing.length > 0) return containing.slice(-3);
  }
  const near = typed ? closest(typed, ids) : undefined;
  return near === undefined ? [] : [near];
}
