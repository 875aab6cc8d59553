import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { onePositional, parseCommand } from '../cli/args.js';
import { CliError, EXIT } from '../exit.js';
import { readRecord, runDir, runsDir } from '../record/store.js';

export const LOGS_HELP = `Usage: runbook logs RUN [options]

Prints the logs a run saved (secrets already masked), step by step and host by host.

Options:
  --step NAME       only this step
  --host IP         only this host (IP or CLOUD:IP)
  --state-dir DIR   where the records are (default .runbook/runs in the working directory)
  -h, --help        this text
`;

export async function logs(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand('logs', argv, {
    step: { type: 'string' },
    host: { type: 'string' },
    'state-dir': { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
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
    throw new CliError(
      `run ${runId} has no step "${values.step}"; its steps are ${record.steps.map((s) => s.name).join(', ')}`,
      EXIT.usage,
    );
  }
  const matches = (h: { ip: string; cloud: number }) =>
    values.host === undefined || values.host === h.ip || values.host === `${h.cloud}:${h.ip}`;
  let printed = 0;
  for (const s of steps) {
    for (const h of (s.hosts ?? []).filter(matches)) {
      process.stdout.write(
        `==> ${s.name} ${h.cloud}:${h.ip} (status ${h.status}, exit ${h.exitCode ?? '-'}) <==\n`,
      );
      let text: string;
      try {
        text = readFileSync(join(dir, h.log), 'utf8');
      } catch {
        text = '(log file missing)\n';
      }
      process.stdout.write(text.endsWith('\n') || text === '' ? text : `${text}\n`);
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
