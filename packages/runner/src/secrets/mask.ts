/**
 * Replaces secret values by `***` in text. The one place masking is decided: which characters of a
 * text are hidden. Which texts are masked is decided in `event-text.ts`.
 */
export type Mask = (text: string) => string;

export const MASK = '***';

/** The fewest characters a runbook secret may have: a shorter value would mask common words and digits. */
export const MIN_SECRET_LENGTH = 4;

/** What a shell (JOB splits `script_param` like one) removes or acts on: blanks, quotes, backslashes, `$`, backticks. */
const SHELL_CHANGES = /[\s"'\\$`]+/;

/**
 * A secret and, when a shell would change it on its way into a script, its pieces between those
 * characters (4 characters or more): a script echoing its parameters prints the pieces, not the value.
 */
function variants(secret: string): string[] {
  if (!SHELL_CHANGES.test(secret)) return [secret];
  return [secret, ...secret.split(SHELL_CHANGES).filter((p) => p.length >= MIN_SECRET_LENGTH)];
}

/**
 * Identity texts that may hold this value: for each place `offset` where the value starts inside
 * an identity of `length` characters, the identities that hold it there.
 */
interface Shelter {
  offset: number;
  length: number;
  texts: Set<string>;
}

interface Variant {
  value: string;
  shelters: Shelter[];
}

function shelters(value: string, identities: readonly string[]): Shelter[] {
  const byPlace = new Map<string, Shelter>();
  for (const id of identities) {
    for (let k = id.indexOf(value); k !== -1; k = id.indexOf(value, k + 1)) {
      const key = `${k}/${id.length}`;
      const s = byPlace.get(key) ?? { offset: k, length: id.length, texts: new Set<string>() };
      s.texts.add(id);
      byPlace.set(key, s);
    }
  }
  return [...byPlace.values()];
}

/** Whether the occurrence of `v` at `at` lies entirely inside an occurrence of an identity. */
function sheltered(text: string, at: number, v: Variant): boolean {
  for (const s of v.shelters) {
    const start = at - s.offset;
    if (start >= 0 && start + s.length <= text.length && s.texts.has(text.slice(start, start + s.length)))
      return true;
  }
  return false;
}

/**
 * A masker for these secret values. An occurrence of a secret (or of one of its shell pieces) is
 * replaced by `***` unless it lies entirely inside an occurrence of an identity in the same text:
 * run ids, step names, the runbook's name and path, hosts and the commands printed for the
 * operator are public and must stay whole. Overlapping occurrences are hidden together.
 */
export function createMask(secrets: Iterable<string>, identities: Iterable<string> = []): Mask {
  const values = [...new Set([...secrets].filter((s) => s.length > 0).flatMap(variants))];
  if (values.length === 0) return NO_MASK;
  const ids = [...new Set([...identities].filter((s) => s.length > 0))];
  const list: Variant[] = values.map((value) => ({ value, shelters: shelters(value, ids) }));
  return (text) => {
    const ranges: Array<[number, number]> = [];
    for (const v of list) {
      for (let at = text.indexOf(v.value); at !== -1; at = text.indexOf(v.value, at + 1)) {
        if (!sheltered(text, at, v)) ranges.push([at, at + v.value.length]);
      }
    }
    return ranges.length === 0 ? text : hide(text, ranges);
  };
}

/** The text with each group of overlapping ranges replaced by one `***`. */
function hide(text: string, ranges: Array<[number, number]>): string {
  ranges.sort((a, b) => a[0] - b[0]);
  let out = '';
  let from = 0;
  let end = -1;
  for (const [s, e] of ranges) {
    if (s < end) {
      end = Math.max(end, e);
      continue;
    }
    if (end >= 0) from = end;
    out += text.slice(from, s) + MASK;
    end = e;
  }
  return out + text.slice(end);
}

/** The mask when there is nothing to hide: `maskDeep` returns its input as is. */
const NO_MASK: Mask = (text) => text;

/**
 * A deep copy of plain data with every string value masked; keys are structure and stay as they
 * are. The input itself when no secret is known.
 */
export function maskDeep<T>(value: T, mask: Mask): T {
  if (mask === NO_MASK) return value;
  return maskCopy(value, mask);
}

function maskCopy<T>(value: T, mask: Mask): T {
  if (typeof value === 'string') return mask(value) as T;
  if (Array.isArray(value)) return value.map((v) => maskCopy(v, mask)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = maskCopy(v, mask);
    return out as T;
  }
  return value;
}

/** The ESB credentials to mask: `BK_APP_SECRET` and `BK_TOKEN`, from 4 characters as core does. */
export function credentialValues(env: Record<string, string | undefined>): string[] {
  return [env.BK_APP_SECRET, env.BK_TOKEN]
    .map((v) => v?.trim() ?? '')
    .filter((v) => v.length >= MIN_SECRET_LENGTH);
}

/**
 * Every secret value and identity this process has seen, so the CLI's last-resort error message
 * and `--debug` lines are masked the same way as the run's output.
 */
const seen = new Set<string>();
/** The lists as given (a plan's hosts are 100,000 identities at 50,000 hosts: not copied into a set). */
const seenIdentities: Array<readonly string[]> = [];

export function rememberSecrets(values: Iterable<string>): void {
  for (const v of values) if (v) seen.add(v);
}

export function rememberIdentities(values: readonly string[]): void {
  seenIdentities.push(values);
}

export function maskSeen(): Mask {
  return createMask(seen, seenIdentities.flat());
}
