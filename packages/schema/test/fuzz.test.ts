import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRunbook } from '../src/index.js';

const DIRS = ['./corpus/', '../../../runbooks/'].map((d) => fileURLToPath(new URL(d, import.meta.url)));
const seeds = DIRS.flatMap((dir) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => ({ path: join(dir, f), text: readFileSync(join(dir, f), 'utf8') })),
);
const PIECES = [
  ':',
  '-',
  ' ',
  '\n',
  '\t',
  '"',
  "'",
  '[',
  ']',
  '{',
  '}',
  '&a',
  '*a',
  '<<',
  '#',
  '${{',
  '}}',
  '$${{',
  '---',
  '\r\n',
  '\uFEFF',
  '好',
  '😀',
  '0',
  '1.5',
  'null',
  'x',
];

/** Every issue points inside its file: a real line, a column within it (or just past its end). */
function checkPlaced(text: string, res: ReturnType<typeof parseRunbook>): void {
  if (res.ok) return;
  expect(res.issues.length).toBeGreaterThan(0);
  const lines = text.replace(/^\uFEFF/, '').split('\n');
  for (const i of res.issues) {
    expect(i.message.length).toBeGreaterThan(5);
    expect(i.code).toMatch(/^SCHEMA_[A-Z_]+$/);
    if (!i.file.endsWith('.yaml')) continue; // an issue inside a script file
    expect(i.line).toBeGreaterThanOrEqual(1);
    expect(i.line).toBeLessThanOrEqual(lines.length);
    const line = lines[i.line - 1]!.replace(/\r$/, '');
    expect(i.source).toBe(line);
    expect(i.col).toBeGreaterThanOrEqual(1);
    expect(i.col).toBeLessThanOrEqual([...line].length + 1);
  }
}

describe('mutated runbooks', () => {
  it('never throw, and every issue is placed inside the file', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...seeds),
        fc.array(fc.tuple(fc.nat(), fc.nat(8), fc.constantFrom(...PIECES)), { minLength: 1, maxLength: 4 }),
        (seed, edits) => {
          let text = seed.text;
          for (const [at, del, insert] of edits) {
            const pos = text.length === 0 ? 0 : at % text.length;
            text = text.slice(0, pos) + insert + text.slice(pos + del);
          }
          checkPlaced(text, parseRunbook(text, { path: seed.path }));
        },
      ),
      { numRuns: 1500, seed: 20261127 },
    );
  });
});
