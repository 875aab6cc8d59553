import { COMMON_OPTIONS, parseCommand } from '../cli/args.js';
import { EXIT } from '../exit.js';
import { liveHolder } from '../record/lock.js';
import { runLockPath } from '../record/run-locks.js';
import { listRecords, type RunListing, runsDir } from '../record/store.js';
import type { RunRecord } from '../record/types.js';

export const RUNS_HELP = `Usage: runbook runs [options]

Lists the recorded runs, oldest first: id, state, runbook, steps done, endpoint and start time.
A run recorded as running whose process is gone (killed, machine restarted) shows as interrupted;
a record that cannot be used is listed with what is wrong with it.

Options:
  --state-dir DIR   where the records are (default .runbook/runs in the working directory)
  --json            one JSON object per run (a broken one as {"runId", "problem"})
  --no-color        accepted for every command; runs prints no colour
  -h, --help        this text
`;

export async function runs(argv: string[]): Promise<number> {
  const { values } = parseCommand('runs', argv, {
    'state-dir': { type: 'string' },
    json: { type: 'boolean', default: false },
    ...COMMON_OPTIONS,
  });
  if (values.help) {
    process.stdout.write(RUNS_HELP);
    return EXIT.ok;
  }
  const root = runsDir(values['state-dir']);
  const listed = listRecords(root).map((r) => ('record' in r ? { ...r, record: asSeen(root, r.record) } : r));
  if (values.json) {
    for (const r of listed) {
      process.stdout.write(
        `${JSON.stringify('record' in r ? r.record : { runId: r.runId, problem: r.problem, code: 'RUNNER_BAD_RECORD' })}\n`,
      );
    }
    return EXIT.ok;
  }
  if (listed.length === 0) {
    process.stdout.write(`no runs recorded in ${root}\n`);
    return EXIT.ok;
  }
  printTable(listed);
  const bad = listed.filter((r): r is Extract<RunListing, { problem: string }> => 'problem' in r);
  if (bad.length > 0) {
    process.stdout.write(`\n${bad.length} record${bad.length === 1 ? '' : 's'} cannot be used:\n`);
    for (const r of bad) process.stdout.write(`  ${r.runId}: ${r.problem}\n`);
  }
  return EXIT.ok;
}

/**
 * A run recorded as `running` whose process is gone (no live holder of its lock) shows as
 * `interrupted`, with `processGone: true`; the record itself is fixed by the next `--resume`.
 */
function asSeen(root: string, record: RunRecord): RunRecord & { processGone?: true } {
  if (record.state !== 'running') return record;
  let live: boolean;
  try {
    live = liveHolder(runLockPath(root, record.runId)) !== undefined;
  } catch {
    live = true; // the lock cannot be read: say what the record says
  }
  return live ? record : { ...record, state: 'interrupted', processGone: true };
}

function printTable(listed: RunListing[]): void {
  const rows = listed.map((l) => {
    if ('problem' in l) return [l.runId, 'unusable', '?', '?', '?', '?'];
    const r = l.record as RunRecord & { processGone?: true };
    const done = r.steps.filter((s) => s.state === 'succeeded').length;
    return [
      r.runId,
      r.processGone ? 'interrupted (process gone)' : r.state,
      r.runbook.name,
      `${done}/${r.steps.length}`,
      `${r.endpoint.local ? 'local' : r.endpoint.url}${r.endpoint.transport === 'v3' ? ' (v3)' : ''}`,
      r.createdAt.replace('T', ' ').slice(0, 19),
    ];
  });
  const head = ['RUN', 'STATE', 'RUNBOOK', 'OK', 'ENDPOINT', 'STARTED (UTC)'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  for (const row of [head, ...rows]) {
    process.stdout.write(
      `${row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')}\n`,
    );
  }
}
