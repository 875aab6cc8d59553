/**
 * JOB's rolling expression (`rolling.batch`): parts separated by spaces, each `N` (hosts), `N%` (of the
 * step's hosts, rounded up), `+N` (the previous batch plus N) or `*N` (the previous batch times N); the
 * last part repeats until every host has run. What JOB's server computes from an expression is what
 * `rollingBatches` (runner) computes; what it accepts is what JOB's web page accepts, which is stricter
 * than its API: `+N` and `*N` only last and not first, `100%` only last, no leading zeros.
 */

export type RollingPart =
  | { kind: 'count'; n: number; text: string }
  | { kind: 'percent'; n: number; text: string }
  | { kind: 'plus'; n: number; text: string }
  | { kind: 'times'; n: number; text: string };

export type RollingParse =
  | { ok: true; parts: RollingPart[] }
  /** `part`: the offending part as written and its 0-based position among the parts (absent when empty). */
  | { ok: false; message: string; part?: { text: string; index: number } };

/** JOB reads each number as a 32-bit integer. */
export const ROLLING_NUMBER_MAX = 2147483647;
/** JOB refuses an expression that makes more than 500 batches (`MAX_ALLOWED_ROLLING_BATCH_SIZE`). */
export const ROLLING_MAX_BATCHES = 500;
/** The most failed hosts `max_fail` may allow: a step's most hosts (JOB's limit). */
export const MAX_FAIL_MAX = 50000;
/** The longest pause between batches, in seconds. */
export const PAUSE_MAX = 86400;

const PART = /^([+*]?)([0-9]+)(%?)$/;
const OTHER_DIGIT = /(?![0-9])\p{Nd}/u;

const ordinal = (i: number) => `part ${i + 1}`;

/** Parses a rolling expression; the message says which part is wrong and why. */
export function parseRollingExpr(input: string | number): RollingParse {
  const text = String(input);
  const words = text.split(/[ \t]+/).filter((w) => w !== '');
  if (words.length === 0)
    return { ok: false, message: 'rolling batch is empty; give an expression such as "1 10% +10"' };
  const parts: RollingPart[] = [];
  for (const [i, word] of words.entries()) {
    const fail = (why: string): RollingParse => ({
      ok: false,
      message: `rolling batch ${JSON.stringify(text.trim())}: ${ordinal(i)} ${JSON.stringify(word)} ${why}`,
      part: { text: word, index: i },
    });
    const m = PART.exec(word);
    if (!m) {
      if (OTHER_DIGIT.test(word)) return fail('has a digit other than 0-9; write numbers with 0-9');
      if (word.includes('${{')) return fail('is an expression; rolling is not evaluated, write the numbers');
      return fail("is not N (hosts), N% (of the step's hosts), +N or *N");
    }
    const [, op, digits, pct] = m as unknown as [string, string, string, string];
    if (op && pct) return fail('mixes an operator and a percent; use N%, +N or *N');
    if (digits.length > 1 && digits.startsWith('0'))
      return fail(`has a leading zero; write ${op}${BigInt(digits)}${pct}`);
    const n = Number(digits);
    if (n > ROLLING_NUMBER_MAX) return fail(`is too large: JOB reads numbers up to ${ROLLING_NUMBER_MAX}`);
    const last = i === words.length - 1;
    if (op) {
      if (n === 0)
        return fail(
          op === '+'
            ? 'adds nothing; use +1 or more, or N alone for batches of one size'
            : 'makes empty batches; use *1 or more',
        );
      if (i === 0)
        return fail(
          `grows the previous batch, so it cannot come first: start with N or N%, e.g. "1 ${word}"`,
        );
      if (!last) return fail('must be the last part: it repeats until every host has run');
      parts.push({ kind: op === '+' ? 'plus' : 'times', n, text: word });
    } else if (pct) {
      if (n === 0) return fail("is no host; use 1% to 100% of the step's hosts");
      if (n > 100) return fail('is more than every host; use 1% to 100%');
      if (n === 100 && !last)
        return fail('takes every host left, so nothing after it would run: put it last');
      parts.push({ kind: 'percent', n, text: word });
    } else {
      if (n === 0) return fail('is a batch of no host, which never ends; use 1 or more');
      parts.push({ kind: 'count', n, text: word });
    }
  }
  return { ok: true, parts };
}

export type MaxFail = { kind: 'count'; n: number } | { kind: 'percent'; n: number };

/** `max_fail`: a count of hosts (`2`, `"2"`) or a percent of the step's hosts (`"5%"`); a message otherwise. */
export function parseMaxFail(value: unknown): MaxFail | { error: string } {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
  const m = /^([0-9]+)(%?)$/.exec(text);
  if (!m || (typeof value === 'number' && !Number.isSafeInteger(value)))
    return {
      error: `max_fail ${JSON.stringify(value)} is not a count of hosts (2) or a percent of the step's hosts (5%)`,
    };
  const n = Number(m[1]);
  if (m[2]) {
    if (n > 100) return { error: `max_fail ${text} is more than every host; use 0% to 100%` };
    return { kind: 'percent', n };
  }
  if (n > MAX_FAIL_MAX)
    return {
      error: `max_fail ${text} is more than a step's most hosts (${MAX_FAIL_MAX}); to never stop for failures, write 100%`,
    };
  return { kind: 'count', n };
}

/** Failed hosts allowed in a step of `hosts` hosts: a percent is taken of them, rounded down. */
export function maxFailFor(maxFail: MaxFail, hosts: number): number {
  return maxFail.kind === 'count' ? maxFail.n : Math.floor((hosts * maxFail.n) / 100);
}
