import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeJsonPieces } from './json-pieces.js';
import { writeAtomicPieces } from './write-record.js';

function pieces(value: unknown): { text: string; count: number; longest: number } {
  const out: string[] = [];
  writeJsonPieces(value, (p) => out.push(p));
  return { text: out.join(''), count: out.length, longest: Math.max(0, ...out.map((p) => p.length)) };
}

const host = (i: number) => ({
  ip: `10.0.${i >> 8}.${i & 255}`,
  cloud: 0,
  status: 9,
  exitCode: i % 7 === 0 ? null : 0,
  tag: '',
  log: 'logs/fan-out/all-hosts.log',
  logRange: [i * 40, 40],
  ...(i % 5 === 0 ? { outputs: { version: `1.${i}`, empty: '' } } : {}),
  ...(i % 11 === 0 ? { invalid: 'JOB sent "x\ny"\u2028 ünïcødé 🙂' } : {}),
  skipped: undefined,
});

describe('writeJsonPieces', () => {
  it.each<[string, unknown]>([
    ['a string', 'a'],
    ['an empty string', ''],
    ['a number', 3.5],
    ['null', null],
    ['true', true],
    ['an empty object', {}],
    ['an empty array', []],
    ['one character keys and values', { a: 'b' }],
    ['unicode, escapes and look-alike keys', { é: 'ü\n\t"\\', e: '\u0000\u001f', 'e\u0301': '🙂', '': 0 }],
    [
      'undefined, functions and symbols',
      { a: undefined, b: () => 1, c: Symbol('s'), d: [undefined, () => 1] },
    ],
    [
      'toJSON and boxed values',
      { at: new Date(0), n: new Number(2), s: new String('x'), b: new Boolean(false) },
    ],
    ['nested short arrays', { a: [[1, [2, []]], { b: [{}, { c: null }] }] }],
    ['non-finite numbers', [Number.NaN, Number.POSITIVE_INFINITY, -0]],
  ])('writes what JSON.stringify(value, null, 2) writes: %s', (_name, value) => {
    expect(pieces(value).text).toBe(JSON.stringify(value, null, 2));
  });

  it('writes nothing for undefined, as JSON.stringify returns nothing', () => {
    expect(pieces(undefined).text).toBe('');
  });

  it('writes a record of a 50,000-host step exactly as JSON.stringify, in pieces of a few hundred hosts', () => {
    const record = {
      version: 1,
      steps: [
        { name: 'small', hosts: [host(1), host(2)] },
        {
          name: 'fan-out',
          batches: [
            { index: 1, hosts: Array.from({ length: 50_000 }, (_, i) => `0:10.1.${i >> 8}.${i & 255}`) },
          ],
          hosts: Array.from({ length: 50_000 }, (_, i) => host(i)),
          undefinedElements: Array.from({ length: 100 }, (_, i) => (i % 2 ? undefined : i)),
        },
      ],
    };
    const { text, count, longest } = pieces(record);
    expect(text).toBe(JSON.stringify(record, null, 2));
    // Two long arrays of 50,000 in chunks of 128: hundreds of pieces, none of the whole array.
    expect(count).toBeGreaterThan(2 * Math.floor(50_000 / 128));
    expect(longest).toBeLessThan(128 * 400);
  });
});

describe('writeAtomicPieces', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('writes the pieces as one file of mode 0600, several megabytes in several writes, and no temporary file', () => {
    dir = mkdtempSync(join(tmpdir(), 'runbook-pieces-'));
    const path = join(dir, 'record.json');
    const piece = 'ünïcødé 🙂 line\n'.repeat(1000);
    writeAtomicPieces(path, (write) => {
      for (let i = 0; i < 300; i++) write(piece);
    });
    expect(readFileSync(path, 'utf8')).toBe(piece.repeat(300));
    expect(readdirSync(dir)).toEqual(['record.json']);
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('leaves no file behind when the text cannot be made', () => {
    dir = mkdtempSync(join(tmpdir(), 'runbook-pieces-'));
    const path = join(dir, 'record.json');
    expect(() =>
      writeAtomicPieces(path, (write) => {
        write('x'.repeat(2_000_000));
        throw new Error('broken');
      }),
    ).toThrow('broken');
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('writeJsonPieces, long arrays at every depth', () => {
  it.each([0, 1, 2, 5])('writes a long array nested %i levels deep as JSON.stringify does', (depth) => {
    const long = Array.from({ length: 1500 }, (_, i) =>
      i % 4 === 0 ? undefined : i % 4 === 1 ? { a: [i, { b: 'é\n🙂' }], c: null } : i % 4 === 2 ? 'x' : [],
    );
    let value: unknown = long;
    for (let k = 0; k < depth; k++) value = k % 2 ? [value] : { k: value };
    expect(pieces(value).text).toBe(JSON.stringify(value, null, 2));
  });

  it('writes arrays of exactly 63, 64, 128 and 129 elements as JSON.stringify does', () => {
    for (const n of [63, 64, 128, 129, 1000]) {
      const value = { hosts: Array.from({ length: n }, (_, i) => ({ ip: `10.0.0.${i % 256}`, n: i })) };
      expect(pieces(value).text).toBe(JSON.stringify(value, null, 2));
    }
  });
});
