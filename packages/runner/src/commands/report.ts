import { writeFileSync } from 'node:fs';
import { onePositional, parseCommand } from '../cli/args.js';
import { RunnerError } from '../errors.js';
import { CliError, EXIT } from '../exit.js';
import { localReason } from '../record/local.js';
import { runDir, runsDir } from '../record/store.js';
import { renderHtml } from '../report/html.js';
import { logReader } from '../report/logs.js';
import { renderMarkdown } from '../report/md.js';
import { buildModel } from '../report/model.js';
import { pickRun } from '../report/run-arg.js';

export const REPORT_HELP = `Usage: runbook report RUN [options]

Writes a report of a run for the postmortem, from its record alone (JOB is not called; it works
after JOB or the emulator is gone): runbook and commit, operator, endpoint, start, end, duration
and result; each step's status, batches, hosts ok / failed / not run, JOB job ids (linked when
BK_JOB_WEB_URL was set), failed hosts gathered by identical output (first lines), outputs set;
who resumed the run and what changed; the command to run it again.

RUN is a run id (see runbook runs) or last (the newest run).

Options:
  --format md|html  Markdown (default) to paste into an incident document, or one HTML file
                    (no network, prints well) with a timeline of the steps and batches
  -o, --output FILE write the report to FILE instead of standard output (the format follows
                    a .html or .md name when --format is not given)
  --state-dir DIR   where the records are (default .runbook/runs in the working directory)
  -h, --help        this text

Examples:
  runbook report last
  runbook report last --format html -o incident-4711.html
  runbook report 20261201-104000-3fa9c1 > incident.md
`;

export async function report(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand('report', argv, {
    format: { type: 'string' },
    output: { type: 'string', short: 'o' },
    'state-dir': { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (values.help) {
    process.stdout.write(REPORT_HELP);
    return EXIT.ok;
  }
  const arg = onePositional('report', positionals, 'a run id (see runbook runs) or last', 'RUN');
  const format = formatOf(values.format, values.output);
  const root = runsDir(values['state-dir']);
  const record = pickRun(root, arg);
  const model = buildModel(record, {
    readLog: logReader(runDir(root, record.runId)),
    ...(process.env.BK_JOB_WEB_URL ? { jobWebUrl: process.env.BK_JOB_WEB_URL.trim() } : {}),
  });
  const text = format === 'html' ? renderHtml(model) : renderMarkdown(model);
  if (values.output === undefined) {
    process.stdout.write(text);
    return EXIT.ok;
  }
  try {
    writeFileSync(values.output, text);
  } catch (err) {
    throw new RunnerError(
      'RUNNER_REPORT_WRITE',
      `cannot write the report to ${values.output}: ${localReason(err)}`,
      EXIT.local,
      {
        cause: err,
        hint: 'choose a writable place with -o, or leave -o out to print the report',
      },
    );
  }
  process.stderr.write(`runbook: report of run ${record.runId} written to ${values.output}\n`);
  return EXIT.ok;
}

function formatOf(format: string | undefined, output: string | undefined): 'md' | 'html' {
  if (format === undefined) return output !== undefined && /\.html?$/i.test(output) ? 'html' : 'md';
  if (format === 'md' || format === 'markdown') return 'md';
  if (format === 'html') return 'html';
  throw new CliError(`report: --format ${format}: give md or html`, EXIT.usage);
}
