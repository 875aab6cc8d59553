import { type ParseArgsConfig, parseArgs } from 'node:util';
import { CliError, EXIT } from '../exit.js';
import { optionSpellings, unknownOption } from './suggest.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Options every command takes. */
export const COMMON_OPTIONS = {
  help: { type: 'boolean', short: 'h', default: false },
  'no-color': { type: 'boolean', default: false },
} as const satisfies Options;

/** Options every command that reads a runbook takes. */
export const RUNBOOK_OPTIONS = {
  ...COMMON_OPTIONS,
  var: { type: 'string', multiple: true },
  'vars-file': { type: 'string' },
  debug: { type: 'boolean', default: false },
} as const satisfies Options;

/** The environment colour is chosen from: `--no-color` is `NO_COLOR` for this command. */
export function colorEnv<E extends Record<string, string | undefined>>(
  values: { 'no-color'?: boolean | undefined },
  env: E,
): E {
  return values['no-color'] ? { ...env, NO_COLOR: '1' } : env;
}

/**
 * `node:util` parseArgs, with its errors turned into one usage message (exit 2); an unknown option
 * gets a "did you mean" among the command's own options.
 */
export function parseCommand<O extends Options>(
  command: string,
  argv: string[],
  options: O,
): ReturnType<typeof parseArgs<{ args: string[]; options: O; allowPositionals: true; strict: true }>> {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (err) {
    const msg =
      unknownOption(err, optionSpellings(options), argv) ??
      (err as Error).message.replace(/\. To specify a positional argument.*$/s, '');
    const see = `runbook ${command} --help`;
    throw new CliError(`${command}: ${msg}${msg.endsWith('?') ? ` See ${see}` : `; see ${see}`}`, EXIT.usage);
  }
}

/** Milliseconds from `500`, `500ms`, `2s`, `1m` or `1h`, between `minMs` and `maxMs` (exit 2 otherwise). */
export function parseMs(name: string, text: string, minMs = 1, maxMs = 3_600_000): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!m) throw new CliError(`${name} ${text}: give milliseconds (500), or 500ms, 2s, 1m, 1h`, EXIT.usage);
  const n = Number(m[1]) * (UNIT_MS[m[2] ?? 'ms'] ?? 1);
  if (n < minMs || n > maxMs) {
    throw new CliError(
      `${name} ${text}: must be between ${formatMs(minMs)} and ${formatMs(maxMs)} (500, 500ms, 2s, 1m, 1h)`,
      EXIT.usage,
    );
  }
  return Math.round(n);
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `100ms`, `1s`, `1h`: a bound written in the largest unit `parseMs` accepts that fits it. */
function formatMs(ms: number): string {
  const [unit, size] = Object.entries(UNIT_MS)
    .reverse()
    .find(([, size]) => ms % size === 0)!;
  return `${ms / size}${unit}`;
}

/**
 * The least delays a user may ask for: the first status call 100 ms after a submit, then at least
 * one second between calls, so that no flag can turn following a job into a flood of status calls.
 * `RUNBOOK_TEST_FAST_POLL=1` lowers both to 1 ms: for the project's own tests only.
 */
export function pollFloors(env: Record<string, string | undefined>): { initialMs: number; maxMs: number } {
  return env.RUNBOOK_TEST_FAST_POLL === '1' ? { initialMs: 1, maxMs: 1 } : { initialMs: 100, maxMs: 1000 };
}

/** `--poll-initial` and `--poll-max`, each checked against its floor and one hour. */
export function pollOptions(
  values: { 'poll-initial'?: string; 'poll-max'?: string },
  env: Record<string, string | undefined>,
): { pollInitialMs?: number; pollMaxMs?: number } {
  const floors = pollFloors(env);
  const initial = values['poll-initial'];
  const max = values['poll-max'];
  return {
    ...(initial !== undefined ? { pollInitialMs: parseMs('--poll-initial', initial, floors.initialMs) } : {}),
    ...(max !== undefined ? { pollMaxMs: parseMs('--poll-max', max, floors.maxMs) } : {}),
  };
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
