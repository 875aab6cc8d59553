import { type ParseArgsConfig, parseArgs } from 'node:util';
import { CliError, EXIT } from '../exit.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Options every command that reads a runbook takes. */
export const RUNBOOK_OPTIONS = {
  var: { type: 'string', multiple: true },
  'vars-file': { type: 'string' },
  debug: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const satisfies Options;

/** `node:util` parseArgs, with its errors turned into one usage message (exit 2). */
export function parseCommand<O extends Options>(
  command: string,
  argv: string[],
  options: O,
): ReturnType<typeof parseArgs<{ args: string[]; options: O; allowPositionals: true; strict: true }>> {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (err) {
    const msg = (err as Error).message.replace(/\. To specify a positional argument.*$/s, '');
    throw new CliError(`${command}: ${msg}; see runbook ${command} --help`, EXIT.usage);
  }
}

/** Milliseconds from `500`, `500ms`, `2s` or `1m`. */
export function parseMs(name: string, text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  if (!m) throw new CliError(`${name} ${text}: give milliseconds (500), or 500ms, 2s, 1m`, EXIT.usage);
  const n = Number(m[1]) * (m[2] === 's' ? 1000 : m[2] === 'm' ? 60_000 : 1);
  if (n < 1 || n > 3_600_000) throw new CliError(`${name} ${text}: must be between 1 ms and 1 h`, EXIT.usage);
  return Math.round(n);
}

/** The one positional a command needs (`what`: "a runbook file", `name`: FILE), or a usage error. */
export function onePositional(command: string, positionals: string[], what: string, name: string): string {
  if (positionals.length === 0) {
    throw new CliError(`${command} needs ${what}: runbook ${command} ${name}`, EXIT.usage);
  }
  if (positionals.length > 1) {
    throw new CliError(`${command} takes one ${name}, got: ${positionals.join(' ')}`, EXIT.usage);
  }
  return positionals[0]!;
}
