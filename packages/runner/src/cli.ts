import { createRequire } from 'node:module';
import { CliError, EXIT } from './exit.js';

const HELP = `runbook: declarative YAML runbooks for BlueKing JOB

Usage:
  runbook apply FILE [--local] [--yes]   submit every step to JOB and follow it
  runbook --version                      print the version
  runbook --help                         this text

Exit codes: 0 ok, 1 a step failed, 2 invalid runbook or command line,
3 JOB/ESB unusable, 4 confirmation declined or needed, 130 interrupted.
`;

/** Each command lives in its own module, loaded only when used (so `validate` never loads React). */
type Command = (argv: string[]) => Promise<number>;
const COMMANDS: Record<string, () => Promise<Command>> = {
  apply: async () => (await import('./commands/apply.js')).apply,
};

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(HELP);
    return command === undefined ? EXIT.usage : EXIT.ok;
  }
  if (command === '--version' || command === '-v') {
    const pkg = createRequire(import.meta.url)('../package.json') as { version: string };
    process.stdout.write(`${pkg.version}\n`);
    return EXIT.ok;
  }
  const load = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (!load) throw new CliError(`unknown command "${command}"; see runbook --help`, EXIT.usage);
  return (await load())(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof CliError) {
      process.stderr.write(`runbook: ${err.message}\n`);
      process.exitCode = err.exitCode;
    } else {
      process.stderr.write(`runbook: ${(err as Error)?.message ?? String(err)}\n`);
      process.exitCode = EXIT.unusable;
    }
  },
);
