import { describe, expect, it } from 'vitest';
import { parseRunbook } from './parse.js';
import { maxFailFor, parseMaxFail, parseRollingExpr } from './rolling.js';

const kinds = (text: string | number) => {
  const r = parseRollingExpr(text);
  return r.ok ? r.parts.map((p) => `${p.kind}:${p.n}`) : r.message;
};

describe('parseRollingExpr', () => {
  it('reads N, N%, +N and *N, as JOB does', () => {
    expect(kinds('1 10% +10')).toEqual(['count:1', 'percent:10', 'plus:10']);
    expect(kinds('5 *2')).toEqual(['count:5', 'times:2']);
    expect(kinds('10 20 20 20 100%')).toEqual([
      'count:10',
      'count:20',
      'count:20',
      'count:20',
      'percent:100',
    ]);
    expect(kinds('30%')).toEqual(['percent:30']);
    expect(kinds(7)).toEqual(['count:7']);
    expect(kinds('1 *1')).toEqual(['count:1', 'times:1']);
  });

  it('takes runs of spaces and tabs between parts, and around them', () => {
    expect(kinds('  1 \t 10%  ')).toEqual(['count:1', 'percent:10']);
  });

  it.each([
    ['', 'rolling batch is empty'],
    [' ', 'rolling batch is empty'],
    ['0', 'part 1 "0" is a batch of no host'],
    ['0%', 'part 1 "0%" is no host'],
    ['101%', 'is more than every host'],
    ['1 +0', 'adds nothing'],
    ['1 *0', 'makes empty batches'],
    ['+1', 'cannot come first'],
    ['*2', 'cannot come first'],
    ['1 +2 3', 'must be the last part'],
    ['100% 1', 'put it last'],
    ['1 +5%', 'mixes an operator and a percent'],
    ['1 2147483648', 'JOB reads numbers up to 2147483647'],
    ['1 007', 'has a leading zero; write 7'],
    ['1 ١٠', 'has a digit other than 0-9'],
    ['1\u00a02', 'is not N'],
    ['1,2', 'is not N'],
    ['-1', 'is not N'],
    ['1.5', 'is not N'],
    ['${{ vars.n }}', 'is an expression'],
    [-3, 'is not N'],
  ])('refuses %j, saying which part and why', (text, why) => {
    const r = parseRollingExpr(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toContain(why);
  });

  it('allows the largest number JOB reads', () => {
    expect(kinds('2147483647')).toEqual(['count:2147483647']);
  });
});

describe('parseMaxFail', () => {
  it('reads a count or a percent', () => {
    expect(parseMaxFail(0)).toEqual({ kind: 'count', n: 0 });
    expect(parseMaxFail('2')).toEqual({ kind: 'count', n: 2 });
    expect(parseMaxFail('0%')).toEqual({ kind: 'percent', n: 0 });
    expect(parseMaxFail('100%')).toEqual({ kind: 'percent', n: 100 });
  });

  it.each([['101%'], ['two'], [''], ['５'], [1.5], [-1], ['1e3'], [50001], [Number.MAX_VALUE]])(
    'refuses %j',
    (v) => {
      expect(parseMaxFail(v)).toHaveProperty('error');
    },
  );

  it('rounds a percent down against the hosts', () => {
    expect(maxFailFor({ kind: 'percent', n: 5 }, 39)).toBe(1);
    expect(maxFailFor({ kind: 'percent', n: 5 }, 19)).toBe(0);
    expect(maxFailFor({ kind: 'percent', n: 100 }, 7)).toBe(7);
    expect(maxFailFor({ kind: 'count', n: 3 }, 1)).toBe(3);
  });
});

describe('rolling in a runbook', () => {
  const runbook = (step: string, defaults = '') =>
    `version: 1\nname: demo\nbiz: 2\ndefaults:\n  account: root\n${defaults}steps:\n  - name: a\n    hosts: ["10.0.0.1"]\n    script: "true"\n${step}`;

  it('accepts rolling on a step, in defaults, and rolling: false on a step', () => {
    const step = '    rolling: { batch: "1 10% +10", max_fail: "5%", pause: 30s, confirm: true }\n';
    expect(parseRunbook(runbook(step)).ok).toBe(true);
    const defaults = '  rolling:\n    batch: 20%\n    max_fail: 2\n    pause: 0\n';
    expect(parseRunbook(runbook('    rolling: false\n', defaults)).ok).toBe(true);
    expect(parseRunbook(runbook('    on_failure: ignore\n', defaults)).ok).toBe(true);
  });

  it('refuses rolling: false in defaults', () => {
    const r = parseRunbook(runbook('', '  rolling: false\n'));
    expect(r.ok).toBe(false);
  });
});
