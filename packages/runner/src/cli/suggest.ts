// "Did you mean" for the command line: commands, options and step names. The distance and its bound
// are @runbook/schema's (the format's own suggestions): a huge word is never compared in full.
import { closest } from '@runbook/schema/suggest';

/** `; did you mean X?` (X as `format` shows it), or an empty string when nothing is close. */
export function didYouMean(word: string, candidates: Iterable<string>, format = (s: string) => s): string {
  const near = closest(word, candidates);
  return near === undefined ? '' : `; did you mean ${format(near)}?`;
}

/** The long options of a command as typed (`--json`), for suggestions. */
export function optionSpellings(options: Record<string, unknown>): string[] {
  return Object.keys(options).map((name) => `--${name}`);
}

const bare = (s: string) => s.replace(/^-+/, '');

/** A word shown in a message: at most 80 characters of it. */
export function shortWord(s: string): string {
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/**
 * `unknown option --jsn; did you mean --json?` for a `node:util` parseArgs error about an unknown
 * option (`--jsn=1` names `--jsn`), the suggestion among `spellings`; undefined for other errors.
 * Compared without dashes (`-json` and `json` are near `--json`); one letter is never guessed at.
 */
export function unknownOption(err: unknown, spellings: string[], argv: string[] = []): string | undefined {
  if ((err as { code?: unknown })?.code !== 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return undefined;
  const m = /^Unknown option '(.*?)'(?:\. |$)/s.exec((err as Error).message);
  if (!m) return undefined;
  let typed = m[1]!.replace(/=.*$/s, '');
  // `-yes` reads as `-y -e -s`: the word typed, not its letter, is what to suggest for.
  const grouped = /^-[^-]$/.test(typed)
    ? argv.find((a) => /^-[^-]{2,}$/s.test(a) && a.includes(typed.slice(1)))
    : undefined;
  if (grouped !== undefined) typed = grouped;
  const word = bare(typed);
  const near = word.length < 2 ? undefined : closest(word, spellings.map(bare));
  const suggestion = near === undefined ? '' : `; did you mean --${near}?`;
  return `unknown option ${shortWord(typed)}${suggestion}`;
}
