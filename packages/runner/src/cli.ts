import { createRequire } from 'node:module';
import { exitCodeFor, formatError, ReportedError } from './cli/report.js';
import { didYouMean, shortWord } from './cli/suggest.js';
import { CliError, EXIT } from './exit.js';
import { letYoungGenerationGrow } from './heap-growth.js';
import { credentialValues, maskSeen, rememberSecrets } from './secrets/mask.js';

const HELP = `runbook: declarative YAML runbooks for BlueKing JOB

Usage:
  runbook validate FILE... [--json]       check runbooks and point at every mistake; sends nothing
  runbook plan FILE [--json]              show exactly what apply would send; sends nothing
  runbook apply FILE [--local] [--yes]    submit every step to JOB and follow it to the end
  runbook apply FILE --resume RUN         continue an interrupted or failed run
  runbook runs                            list recorded runs
  runbook logs RUN [--step S] [--host IP] print the saved logs of a run
  runbook report RUN [--format md|html]   a report of a run for the postmortem (RUN may be last)
  runbook COMMAND --help                  the options of a command
  runbook --version                       print the version

Every command takes --no-color, before or after it (as NO_COLOR=1 in the environment does);
apply --json is --ui json. A misspelt command, option or step name gets a "did you mean".

Exit codes: 0 ok, 1 a step failed, 2 invalid runbook or command line, or the run is busy
(nothing sent), 3 JOB/ESB unusable, 4 confirmation declined or needed, 5 a local problem (state
folder, disk, permissions), 130 interrupted (Ctrl-C, SIGTERM, SIGHUP).
`;

/**
 * Commands are loaded only when used: `validate` on its own, the commands of runs (apply, plan,
 * runs, logs, report) as one module, which the bundle loads as a few files instead of a dozen and
 * more. `validate` and `apply` never load React (the TUI is loaded when chosen).
 */
type Command = (argv: string[]) => Promise<number>;
const COMMANDS: Record<string, () => Promise<Command>> = {
  apply: async () => (await import('./commands/run-commands.js')).apply,
  validate: async () => (await import('./commands/validate.js')).validate,
  plan: async () => (await import('./commands/run-commands.js')).plan,
  runs: async () => (await import('./commands/run-commands.js')).runs,
  logs: async () => (await import('./commands/run-commands.js')).logs,
  report: async () => (await import('./commands/run-commands.js')).report,
};

async function main(argv: string[]): Promise<number> {
  // `runbook --no-color plan x.yaml` means `runbook plan x.yaml --no-color`: every command takes it.
  const first = argv.findIndex((a) => a !== '--no-color');
  const [command, ...rest] = first < 0 ? [] : [...argv.slice(first), ...argv.slice(0, first)];
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(HELP);
    return command === undefined ? EXIT.usage : EXIT.ok;
  }
  if (command === '--version' || command === '-v') {
    const pkg = createRequire(import.meta.url)('../package.json') as { version: string };
    process.stdout.write(`${pkg.version}\n`);
    return EXIT.ok;
  }
  // bin/runbook.js holds V8's young generation small for the forks of a local run's hosts; a command
  // that forks none (all but apply) lets it grow, as `validate` of many files needs.
  if (command !== 'apply') letYoungGenerationGrow();
  const load = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (!load) {
    const known = command.startsWith('-') ? ['--help', '--version', '--no-color'] : Object.keys(COMMANDS);
    const what = command.startsWith('-') ? 'option' : 'command';
    const near = didYouMean(
      command.replace(/^-+/, ''),
      known.map((k) => k.replace(/^-+/, '')),
      (k) => (command.startsWith('-') ? `--${k}` : `"${k}"`),
    );
    throw new CliError(
      `unknown ${what} "${shortWord(command)}"${near}${near ? ' See' : '; see'} runbook --help`,
      EXIT.usage,
    );
  }
  return (await load())(rest);
}

// A reader that went away (`runbook runs | head`) or a terminal that hung up (an SSH session that
// dropped: EIO) must not crash a run with a stack trace: output stops, the run and its record go on.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE' && err.code !== 'EIO') throw err;
  });
}

const argv = process.argv.slice(2);
main(argv).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (!(err instanceof ReportedError)) {
      rememberSecrets(credentialValues(process.env));
      process.stderr.write(formatError(err, argv.includes('--debug'), maskSeen()));
    }
    process.exitCode = exitCodeFor(err);
  },
);
