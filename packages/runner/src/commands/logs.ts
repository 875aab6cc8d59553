import { readFileSync } from 'node:fs';
import { COMMON_OPTIONS, onePositional, parseCommand } from '../cli/args.js';
import { didYouMean, shortWord } from '../cli/suggest.js';
import { CliError, EXIT } from '../exit.js';
import { insideDir, readRecord, runDir, runsDir } from '../record/store.js';
import { escapeControls } from '../render/controls.js';

export const LOGS_HELP = `Usage: runbook logs RUN [options]

Prints the logs a run saved (secrets already masked), step by step and host by host.
Control characters other than newline and tab are shown escaped (\x1b, \u009b) so a host's
output cannot drive the terminal; --raw prints the saved bytes as they are.

Options:
  --step NAME       only this step
  --host IP         only this host (IP or CLOUD:IP)
  --raw             the saved bytes, control characters included
  --state-dir DIR   where the records are (default .runbook/runs in the working directory)
  --no-color        accepted for every command; logs prints no colour
  -h, --help        this text
`;

export async function logs(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand('logs', argv, {
    step: { type: 'string' },
    host: { type: 'string' },
    raw: { type: 'boolean', default: false },
    'state-dir': { type: 'string' },
    ...COMMON_OPTIONS,
  });
  if (values.help) {
    process.stdout.write(LOGS_HELP);
    return EXIT.ok;
  }
  const runId = onePositional('logs', positionals, 'a run id (see runbook runs)', 'RUN');
  const root = runsDir(values['state-dir']);
  const record = readRecord(root, runId);
  const dir = runDir(root, runId);
  const steps = record.steps.filter((s) => values.step === undefined || s.name === values.step);
  if (values.step !== undefined && steps.length === 0) {
    const names = record.steps.map((s) => s.name);
    const near = didYouMean(values.step, names, (n) => `--step ${n}`);
    throw new CliError(
      `run ${runId} has no step "${shortWord(values.step)}"${near ? `${near} Its` : '; its'} steps are ${names.join(', ')}`,
      EXIT.usage,
    );
  }
  const matches = (h: { ip: string; cloud: number }) =>
    values.host === undefined || values.host === h.ip || values.host === `${h.cloud}:${h.ip}`;
  const show = values.raw ? (text: string) => text : escapeControls;
  let printed = 0;
  for (const s of steps) {
    for (const h of (s.hosts ?? []).filter(matches)) {
      const exit = h.exitCode === null || h.exitCode === undefined ? 'no exit code' : `exit ${h.exitCode}`;
      const label = h.invalid ? `host named unusably by JOB (${h.invalid})` : `${h.cloud}:${h.ip}`;
      process.stdout.write(show(`==> ${s.name} ${label} (status ${h.status}, ${exit}) <==\n`));
      const bytes = readLog(dir, h.log, h.logRange);
      if (values.raw) process.stdout.write(bytes);
      else process.stdout.write(escapeControls(bytes.toString('utf8')));
      if (bytes.length > 0 && bytes[bytes.length - 1] !== 0x0a) process.stdout.write('\n');
      printed++;
    }
  }
  if (printed === 0) {
    process.stderr.write(
      `no saved logs match in run ${runId}${values.host ? ` for host ${values.host}` : ''} (logs are saved when a step finishes)\n`,
    );
    return values.host !== undefined ? EXIT.usage : EXIT.ok;
  }
  return EXIT.ok;
}

/** The last file read: the hosts of a big step share one (`logRange`). */
let lastRead: { path: string; bytes: Buffer } | undefined;

/** A saved log as text ending in a newline; a record naming a file outside its run folder is refused. */
function readLog(dir: string, log: unknown, range?: [number, number]): Buffer {
  let path: string;
  try {
    path = insideDir(dir, String(log));
  } catch {
    return Buffer.from(
      `(refused: the record names ${JSON.stringify(String(log)).slice(0, 120)} for this log, which is not inside the run folder)\n`,
    );
  }
  try {
    if (lastRead?.path !== path) lastRead = { path, bytes: readFileSync(path) };
    const all = lastRead.bytes;
    if (!range) return all;
    const [at, length] = range;
    if (at + length > all.length) return Buffer.from('(log file shorter than the record says)\n');
    return all.subarray(at, at + length);
  } catch {
    return Buffer.from('(log file missing)\n');
  }
}
