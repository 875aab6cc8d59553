import { parseCommand } from '../cli/args.js';
import { EXIT } from '../exit.js';
import { listRecords, runsDir } from '../record/store.js';

export const RUNS_HELP = `Usage: runbook runs [options]

Lists the recorded runs, oldest first: id, state, runbook, steps done, endpoint and start time.

Options:
  --state-dir DIR   where the records are (default .runbook/runs in the working directory)
  --json            one JSON object per run
  -h, --help        this text
`;

export async function runs(argv: string[]): Promise<number> {
  const { values } = parseCommand('runs', argv, {
    'state-dir': { type: 'string' },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (values.help) {
    process.stdout.write(RUNS_HELP);
    return EXIT.ok;
  }
  const root = runsDir(values['state-dir']);
  const records = listRecords(root);
  if (values.json) {
    for (const r of records) process.stdout.write(`${JSON.stringify(r)}\n`);
    return EXIT.ok;
  }
  if (records.length === 0) {
    process.stdout.write(`no runs recorded in ${root}\n`);
    return EXIT.ok;
  }
  const rows = records.map((r) => {
    const done = r.steps.filter((s) => s.state === 'succeeded').length;
    return [
      r.runId,
      r.state,
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
  return EXIT.ok;
}
