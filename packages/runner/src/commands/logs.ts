import { readFileSync } from 'node:fs';
import { COMMON_OPTIONS, onePositional, parseCommand } from '../cli/args.js';
import { didYouMean, shortWord } from '../cli/suggest.js';
import { CliError, EXIT } from '../exit.js';
import { insideDir, readRecord, runDir, runsDir } from '../record/store.js';
import type { HostRecord } from '../record/types.js';
import { escapeControls } from '../render/controls.js';
import { impliedJobScope, jobLinker } from '../render/job-link.js';
import { hostStatusName } from '../render/status-words.js';

export const LOGS_HELP = `Usage: runbook logs RUN [options]

Prints the logs a run saved (secrets already masked), step by step and host by host, whole (JOB's
job_start line included), and a step's error when it could not run or be followed. With
BK_JOB_WEB_URL set, each step links to its job's page in JOB.
Control characters other than newline and tab are shown escaped (\x1b, \u009b) so a host's
output cannot drive the terminal; --raw prints the saved bytes as they are.
Exit 0 when something was printed, 1 when nothing matches (no saved log, no error), 2 for a step
the run does not have.

Options:
  --step NAME       only this step
  --host IP         only this host (IP or CLOUD:IP)
  --attempts        also the logs of a step's earlier attempts (a resume ran it again on the
                    hosts that failed), each before the latest
  --raw             the saved bytes, control characters included
  --state-dir DIR   where the records are (default .runbook/runs in the working directory)
  --no-color        accepted for every command; logs prints no colour
  -h, --help        this text
`;

export async function logs(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand('logs', argv, {
    step: { type: 'string' },
    host: { type: 'string' },
    attempts: { type: 'boolean', default: false },
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
  const link = jobLinker(process.env, impliedJobScope(record.biz));
  let printed = 0;
  let earlier = 0;
  const print = (step: string, h: HostRecord, attempt?: number) => {
    const exit = h.exitCode === null || h.exitCode === undefined ? 'no exit code' : `exit ${h.exitCode}`;
    const label = h.invalid ? `host named unusably by JOB (${h.invalid})` : `${h.cloud}:${h.ip}`;
    const which = attempt === undefined ? '' : ` attempt ${attempt}`;
    process.stdout.write(show(`==> ${step} ${label}${which} (${hostStatusName(h.status)}, ${exit}) <==\n`));
    const bytes = readLog(dir, h.log, h.logRange);
    if (values.raw) process.stdout.write(bytes);
    else process.stdout.write(escapeControls(bytes.toString('utf8')));
    if (bytes.length > 0 && bytes[bytes.length - 1] !== 0x0a) process.stdout.write('\n');
    printed++;
  };
  for (const s of steps) {
    const hosts = (s.hosts ?? []).filter(matches);
    const attempts = (s.attempts ?? []).map((a) => (a.hosts ?? []).filter(matches));
    earlier += attempts.reduce((n, a) => n + a.length, 0);
    if (values.attempts)
      for (const [i, a] of attempts.entries()) {
        const job = s.attempts![i]!.jobInstanceId;
        if (a.length > 0 && link && job !== undefined)
          process.stdout.write(`==> ${s.name} attempt ${i + 1}: job ${job} in JOB: ${link(job)} <==\n`);
        for (const h of a) print(s.name, h, i + 1);
      }
    // A step's error (it could not be submitted or followed) is shown whenever its hosts are.
    const error = values.host === undefined ? s.error : undefined;
    if ((hosts.length > 0 || error) && link && s.jobInstanceId !== undefined) {
      process.stdout.write(`==> ${s.name}: job ${s.jobInstanceId} in JOB: ${link(s.jobInstanceId)} <==\n`);
    }
    if (error) {
      process.stdout.write(escapeControls(`==> ${s.name}: error ${error.code} <==\n${error.message}\n`));
      if (error.hint && !error.message.includes(error.hint))
        process.stdout.write(escapeControls(`hint: ${error.hint}\n`));
      printed++;
    }
    for (const h of hosts)
      print(s.name, h, (s.attempts?.length ?? 0) > 0 && values.attempts ? s.attempts!.length + 1 : undefined);
  }
  if (earlier > 0 && !values.attempts && printed > 0)
    process.stderr.write(
      `(${earlier === 1 ? 'one log' : `${earlier} logs`} of earlier attempts not shown: a resume ran ${earlier === 1 ? 'that host' : 'those hosts'} again; --attempts prints them too)\n`,
    );
  if (printed === 0) {
    process.stderr.write(
      `no saved logs match in run ${runId}${values.step ? ` for step ${values.step}` : ''}${values.host ? ` for host ${values.host}` : ''} (logs are saved when a step finishes)\n`,
    );
    // Nothing matched: 1, as grep does, so a script can tell it from a run that printed logs.
    return 1;
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
