import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseWhen, scanTemplate } from '../template.js';
import type { Ref, Value } from './ast.js';
import { evaluate, type Lookup } from './evaluate.js';
import { MAX_EXPRESSION_LENGTH } from './lexer.js';
import { MAX_DEPTH, parseExpression } from './parser.js';

const values: Record<string, Value> = {
  'vars.n': 3,
  'vars.s': 'nginx',
  'vars.b': true,
  'env.HOME': '/root',
  'steps.check.outputs.version': '2.3',
  'steps.check.status': 'succeeded',
  'steps.check.hosts_ok': 4,
  'steps.1-prep.v2.status': 'failed',
};
const lookup: Lookup = (ref: Ref) => {
  const key =
    ref.ns === 'steps'
      ? ref.prop === 'outputs'
        ? `steps.${ref.step}.outputs.${ref.key}`
        : `steps.${ref.step}.${ref.prop}`
      : `${ref.ns}.${ref.name}`;
  return Object.hasOwn(values, key)
    ? { ok: true, value: values[key]! }
    : { ok: false, why: 'no host printed it' };
};
const run = (text: string) => {
  const p = parseExpression(text);
  if (!p.ok) return { parseError: p.error };
  return evaluate(p.expr, lookup);
};
const value = (text: string) => {
  const r = run(text);
  if (!('ok' in r) || !r.ok) throw new Error(`${text}: ${JSON.stringify(r)}`);
  return r.value;
};

describe('expressions', () => {
  it('compares with every operator, numbers as numbers', () => {
    expect(value('steps.check.outputs.version < 2.4')).toBe(true);
    expect(value("steps.check.outputs.version > '2.10'")).toBe(true); // numeric: 2.3 > 2.1
    expect(value("'10' > '9'")).toBe(true);
    expect(value("'b' > 'a'")).toBe(true);
    expect(value('vars.n <= 3')).toBe(true);
    expect(value('vars.n >= 4')).toBe(false);
    expect(value('vars.n == 3')).toBe(true);
    expect(value("vars.n != '3'")).toBe(false);
    expect(value('vars.b == true')).toBe(true);
    expect(value("vars.b == 'true'")).toBe(true);
    expect(value('-1 < 0')).toBe(true);
  });

  it('combines with && || ! and parentheses', () => {
    expect(value("vars.s == 'nginx' && !(vars.n > 5)")).toBe(true);
    expect(value("vars.s == 'x' || vars.n == 3")).toBe(true);
    expect(value('!vars.b')).toBe(false);
    expect(value("'' || 'fallback'")).toBe('fallback');
    expect(value("vars.s && 'y'")).toBe('y');
    expect(value('0 && steps.check.outputs.leader')).toBe(0); // the right side is not read
  });

  it('gives a fallback for a missing value, and a positioned error without one', () => {
    expect(value("steps.check.outputs.leader || 'none'")).toBe('none');
    const r = run("steps.check.outputs.leader == 'x'");
    expect(r).toEqual({
      ok: false,
      error: { message: 'steps.check.outputs.leader has no value: no host printed it', start: 0, end: 26 },
    });
  });

  it('calls contains and startsWith only', () => {
    expect(value("contains(vars.s, 'gin')")).toBe(true);
    expect(value("startsWith(env.HOME, '/ro')")).toBe(true);
    expect(value("startsWith(env.HOME, 'ro')")).toBe(false);
    expect(run('toJSON(vars.s)')).toMatchObject({
      parseError: { message: expect.stringContaining('unknown function') },
    });
    expect(run("contains('a')")).toMatchObject({
      parseError: { message: expect.stringContaining('takes 2 arguments') },
    });
  });

  it('reads step names with dots and leading digits', () => {
    expect(value("steps.1-prep.v2.status == 'failed'")).toBe(true);
    expect(value('steps.check.hosts_ok')).toBe(4);
  });

  it('refuses what is not in the language, with positions', () => {
    const cases: Array<[string, string, number]> = [
      ['vars.a + 1', 'unexpected character "+"', 7],
      ['vars.a = 1', 'compare with "=="', 7],
      ['vars.a & 1', 'write "&&"', 7],
      ['foo.bar', 'unknown name "foo"', 0],
      ['vars', 'not a reference', 0],
      ['vars.a.b', 'not a reference', 0],
      ['runbook.owner', 'runbook has only runbook.name', 0],
      ['steps.x', 'steps.NAME.outputs.KEY', 0],
      ['steps.x.outputs.1a', 'must be a variable name', 0],
      ["'open", 'unterminated string', 0],
      ['(vars.a', 'expected ")"', 7],
      ['vars.a == 1 == 2', 'do not chain', 12],
      ['vars.a )', 'after a complete expression', 7],
      ['', 'empty expression', 0],
      ['1.2.3', 'not a number', 0],
      ['vars.__proto__.x', 'not a reference', 0],
    ];
    for (const [text, message, start] of cases) {
      const p = parseExpression(text);
      expect(p.ok, text).toBe(false);
      if (!p.ok) {
        expect(p.error.message, text).toContain(message);
        expect(p.error.start, text).toBe(start);
      }
    }
  });

  it('bounds the input: length, tokens and depth', () => {
    expect(parseExpression('1'.repeat(MAX_EXPRESSION_LENGTH + 1))).toMatchObject({ ok: false });
    expect(parseExpression(`${'1 || '.repeat(600)}1`)).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining('tokens') },
    });
    const deep = `${'('.repeat(MAX_DEPTH + 1)}1${')'.repeat(MAX_DEPTH + 1)}`;
    expect(parseExpression(deep)).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining('deeper') },
    });
    expect(parseExpression(`${'!'.repeat(MAX_DEPTH + 1)}true`)).toMatchObject({ ok: false });
    expect(value(`${'('.repeat(MAX_DEPTH - 1)}1${')'.repeat(MAX_DEPTH - 1)}`)).toBe(1);
  });

  it('unicode text is compared as text', () => {
    expect(value("'数据' == '数据'")).toBe(true);
    expect(run('vars.a == 数')).toMatchObject({ parseError: { message: 'unexpected character "数"' } });
  });
});

describe('when and templates', () => {
  it('parseWhen wants exactly one ${{ }} and gives offsets in the value', () => {
    const w = parseWhen('${{ vars.n == 3 }}');
    expect(w.ok).toBe(true);
    if (w.ok) expect(w.expr).toMatchObject({ type: 'compare', start: 4, end: 15 });
    expect(parseWhen('vars.n == 3')).toMatchObject({
      ok: false,
      message: expect.stringContaining('${{ EXPR }}'),
    });
    expect(parseWhen('${{ a }} ${{ b }}')).toMatchObject({ ok: false });
    const bad = parseWhen('${{ vars.n === 3 }}');
    expect(bad).toMatchObject({ ok: false, start: 13 });
  });

  it('scanTemplate keeps plain references and parses the rest', () => {
    expect(scanTemplate('${{ vars.x }}')[0]).toMatchObject({ kind: 'ref' });
    expect(scanTemplate('v=${{ steps.check.outputs.version }}')[1]).toMatchObject({
      kind: 'expr',
      start: 2,
      expr: { type: 'ref', ref: { ns: 'steps', step: 'check', prop: 'outputs', key: 'version' } },
    });
    expect(scanTemplate("${{ steps.a.outputs.b || 'x' }}")[0]).toMatchObject({
      kind: 'expr',
      expr: { type: 'or' },
    });
    expect(scanTemplate('${{ steps.a }}')[0]).toMatchObject({ kind: 'error' });
  });
});

describe('expressions under fuzz', () => {
  const alphabet = fc.constantFrom(
    ...'abvarsteps.outputs_status()!=<>&|\'"0123456789 ,-数\u0000\n'.split(''),
    'vars.n',
    'steps.check.outputs.version',
    '||',
    '&&',
    '==',
    'contains(',
    "'x'",
  );
  it('never throws, never hangs; every error is positioned inside the text', () => {
    fc.assert(
      fc.property(
        fc.array(alphabet, { maxLength: 80 }).map((a) => a.join('')),
        (text) => {
          const p = parseExpression(text);
          if (!p.ok) {
            expect(p.error.start).toBeGreaterThanOrEqual(0);
            expect(p.error.end).toBeLessThanOrEqual(text.length);
            expect(p.error.message.length).toBeGreaterThan(0);
            return;
          }
          const r = evaluate(p.expr, lookup);
          if (!r.ok) expect(r.error.end).toBeLessThanOrEqual(text.length);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('arbitrary strings and when values never throw', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        parseExpression(s);
        parseWhen(`\${{ ${s} }}`);
        scanTemplate(`a \${{ ${s} }} b`);
      }),
      { numRuns: 2000 },
    );
  });
});
