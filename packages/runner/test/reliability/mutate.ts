// biome-ignore-all lint/suspicious/noTemplateCurlyInString: runbook expressions are ${{ … }} text
import type { Rng } from './campaign.js';

/** Values of the wrong type, or of absurd size or shape, for a scalar's place. */
const WRONG = [
  '[]',
  '{}',
  'null',
  '~',
  '-1',
  '0',
  '1e309',
  '-0',
  '0x1F',
  '.nan',
  'true',
  'no',
  '"x"',
  "''",
  '!!binary aGVsbG8=',
  '!!str',
  '&anchor 7',
  '*nowhere',
  '[1, [2, [3]]]',
  '{a: {b: {c: 1}}}',
  '"${{ vars.nope }}"',
  '"${{ secrets.X "',
  '"${{ }}"',
  '"${{ run.id }}${{ runbook.name }}"',
  '"${{ env.HOME | upper }}"',
  '"\\u0000"',
  '"\\ud800"',
  '2026-11-27',
  '86401',
  '59',
  '10m',
  '1h1m',
  '"999.1.1.1"',
  '"0:0.0.0.0"',
  '"4294967296:10.0.0.1"',
];

const BAD_UTF8 = [
  Buffer.from([0xff]),
  Buffer.from([0xfe, 0xff]),
  Buffer.from([0x80]),
  Buffer.from([0xc0, 0xaf]),
  Buffer.from([0xed, 0xa0, 0x80]),
  Buffer.from([0xf4, 0x90, 0x80, 0x80]),
  Buffer.from([0xe2, 0x82]),
];

const ODD_TEXT = [
  '\u0000',
  '\t',
  '\r',
  '\u2028',
  '\ufeff',
  '\u202e',
  '🧨',
  '中文',
  '\u0085',
  '\\',
  '"',
  "'",
  '#',
  ': ',
  '- ',
  '|',
  '>',
  '%',
  '@',
  '`',
  '!',
  '&',
  '*',
  '? ',
  '---',
  '...',
];

const line = (lines: string[], rng: Rng) => rng.int(0, Math.max(0, lines.length - 1));

/** Nested flow collections `depth` levels deep. */
export const deep = (depth: number, rng: Rng) =>
  rng.chance(0.5)
    ? `${'['.repeat(depth)}1${']'.repeat(depth)}`
    : `${'{a: '.repeat(depth)}1${'}'.repeat(depth)}`;

/** The billion-laughs alias bomb, limited: the parser must refuse or bound it, not expand it. */
const aliasBomb = () => {
  let t = 'l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n';
  for (let k = 1; k < 9; k++)
    t += `l${k}: &l${k} [${Array(9)
      .fill(`*l${k - 1}`)
      .join(', ')}]\n`;
  return t;
};

type Mutator = (buf: Buffer, rng: Rng) => Buffer;

const onLines =
  (f: (lines: string[], rng: Rng) => string[]): Mutator =>
  (buf, rng) =>
    Buffer.from(f(buf.toString('latin1').split('\n'), rng).join('\n'), 'latin1');

/** Replaces the value after a `key:` with something of the wrong type (kept as latin1 bytes). */
const wrongValue: Mutator = (buf, rng) => {
  const text = buf.toString('utf8');
  const lines = text.split('\n');
  const withValue = lines.map((l, k) => (/^\s*-?\s*[\w-]+:\s*\S/.test(l) ? k : -1)).filter((k) => k >= 0);
  if (withValue.length === 0) return buf;
  const k = rng.pick(withValue);
  const value = rng.chance(0.1)
    ? `"${'x'.repeat(rng.pick([1_000, 70_000, 300_000]))}"`
    : rng.chance(0.05)
      ? deep(rng.int(50, 3000), rng)
      : rng.pick(WRONG);
  lines[k] = lines[k]!.replace(/^(\s*-?\s*[\w-]+:\s*).*$/, `$1${value}`);
  return Buffer.from(lines.join('\n'), 'utf8');
};

export const MUTATORS: Record<string, Mutator> = {
  'delete a line': onLines((ls, rng) => ls.filter((_, k) => k !== line(ls, rng))),
  'delete a block': onLines((ls, rng) => {
    const k = line(ls, rng);
    const indent = /^\s*/.exec(ls[k] ?? '')![0].length;
    let end = k + 1;
    while (end < ls.length && /^\s*/.exec(ls[end]!)![0].length > indent) end++;
    return [...ls.slice(0, k), ...ls.slice(end)];
  }),
  'duplicate a line': onLines((ls, rng) => {
    const k = line(ls, rng);
    return [...ls.slice(0, k + 1), ls[k]!, ...ls.slice(k + 1)];
  }),
  'swap two lines': onLines((ls, rng) => {
    const a = line(ls, rng);
    const b = line(ls, rng);
    const out = [...ls];
    [out[a], out[b]] = [out[b]!, out[a]!];
    return out;
  }),
  'shift indentation': onLines((ls, rng) => {
    const k = line(ls, rng);
    const out = [...ls];
    out[k] = rng.chance(0.5) ? `${rng.pick([' ', '  ', '\t'])}${out[k]}` : out[k]!.replace(/^\s{1,2}/, '');
    return out;
  }),
  'wrong type': wrongValue,
  'random bytes': (buf, rng) => {
    const at = rng.int(0, buf.length);
    const bytes = Buffer.from(Array.from({ length: rng.int(1, 16) }, () => rng.int(0, 255)));
    return Buffer.concat([buf.subarray(0, at), bytes, buf.subarray(at)]);
  },
  'broken UTF-8': (buf, rng) => {
    const at = rng.int(0, buf.length);
    return Buffer.concat([buf.subarray(0, at), rng.pick(BAD_UTF8), buf.subarray(at)]);
  },
  'odd text': (buf, rng) => {
    const at = rng.int(0, buf.length);
    return Buffer.concat([buf.subarray(0, at), Buffer.from(rng.pick(ODD_TEXT)), buf.subarray(at)]);
  },
  truncate: (buf, rng) => buf.subarray(0, rng.int(0, buf.length)),
  'deep nesting': (buf, rng) =>
    Buffer.concat([buf, Buffer.from(`\nextra: ${deep(rng.int(100, 5000), rng)}\n`)]),
  'alias bomb': (buf) => Buffer.concat([Buffer.from(aliasBomb()), buf]),
  'anchor chain': (buf, rng) => {
    const n = rng.pick([50, 2_000, 20_000]);
    const chain = Array.from({ length: n }, (_, k) => `c${k}: &c${k} [*${k ? `c${k - 1}` : 'c0'}]`);
    return Buffer.concat([buf, Buffer.from(`\nc: &c0 [1]\n${chain.slice(1).join('\n')}\n`)]);
  },
  'huge line': (buf, rng) =>
    Buffer.concat([buf, Buffer.from(`\n# ${'y'.repeat(rng.pick([10_000, 1_000_000]))}\n`)]),
  'unknown key': onLines((ls, rng) => {
    const k = line(ls, rng);
    const indent = /^\s*-?\s*/.exec(ls[k] ?? '')![0].replace('-', ' ');
    return [
      ...ls.slice(0, k + 1),
      `${indent}${rng.pick(['nmae', 'step', 'hots', 'scirpt', 'x-y', 'Name', '"biz "'])}: 1`,
      ...ls.slice(k + 1),
    ];
  }),
  'second document': (buf) => Buffer.concat([buf, Buffer.from('\n---\nversion: 1\n')]),
  'template garbage': onLines((ls, rng) => {
    const k = line(ls, rng);
    const out = [...ls];
    out[k] =
      `${out[k]} ${rng.pick(['${{', '${{ vars. }}', '${{ secrets.NOPE }}', '${{ vars.a.b }}', '}}', '$${{ x }}', '${{ env.PATH }}', '${{ step.x }}'])}`;
    return out;
  }),
};

const NAMES = Object.keys(MUTATORS);

/** Applies 1–3 seeded mutators; returns the bytes and what was done. */
export function mutate(buf: Buffer, rng: Rng): { bytes: Buffer; applied: string[] } {
  let bytes = buf;
  const applied: string[] = [];
  for (let k = rng.int(1, 3); k > 0; k--) {
    const name = rng.pick(NAMES);
    bytes = MUTATORS[name]!(bytes, rng);
    applied.push(name);
  }
  return { bytes, applied };
}

/** A `--var NAME=VALUE` argument, often wrong: unknown names, wrong types, odd text, huge values. */
export function mutateVar(names: string[], rng: Rng): string {
  const name =
    rng.chance(0.85) && names.length > 0
      ? rng.pick(names)
      : rng.pick(['nope', '', ' x', 'a b', 'UPPER', '1x', '中']);
  const value = rng.pick([
    '',
    '7',
    '-1',
    '0',
    '91',
    '1e3',
    '1e999',
    '7.5',
    '0x10',
    ' 7 ',
    'true',
    'yes',
    'TRUE',
    'off',
    'a=b=c',
    'line\nbreak',
    '${{ vars.keep_days }}',
    '中文',
    '\u0000',
    '🧨',
    'x'.repeat(100_000),
    "'; rm -rf / #",
    '$(id)',
  ]);
  return rng.chance(0.05) ? name : `${name}=${value}`;
}
