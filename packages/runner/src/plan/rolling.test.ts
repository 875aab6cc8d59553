import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rollingBatches } from './rolling.js';

const hosts = (n: number) =>
  Array.from({ length: n }, (_, i) => `0:10.0.${Math.floor(i / 250)}.${(i % 250) + 1}`);
const sizes = (expr: string, n: number, total?: number) =>
  rollingBatches(expr, hosts(n), total).map((b) => b.length);

describe('rollingBatches', () => {
  it("cuts as JOB's own guide does, on 100 hosts", () => {
    expect(sizes('20', 100)).toEqual([20, 20, 20, 20, 20]);
    expect(sizes('30%', 100)).toEqual([30, 30, 30, 10]);
    expect(sizes('5 *2', 100)).toEqual([5, 10, 20, 40, 25]);
    expect(sizes('5 +10', 100)).toEqual([5, 15, 25, 35, 20]);
    expect(sizes('20%', 100)).toEqual([20, 20, 20, 20, 20]);
    expect(sizes('10 20 20 20 100%', 100)).toEqual([10, 20, 20, 20, 30]);
  });

  it('rounds a percent up, as JOB does, so that it is never an empty batch', () => {
    expect(sizes('10%', 5)).toEqual([1, 1, 1, 1, 1]);
    expect(sizes('1 10% +10', 500)).toEqual([1, 50, 60, 70, 80, 90, 100, 49]);
    expect(sizes('33%', 10)).toEqual([4, 4, 2]);
  });

  it('takes percentages of the total it is given (a resume: the hosts left, the full step)', () => {
    expect(sizes('10%', 30, 100)).toEqual([10, 10, 10]);
  });

  it('keeps the hosts in their order', () => {
    expect(rollingBatches('1 +1', ['b', 'a', 'c', 'd'])).toEqual([['b'], ['a', 'c'], ['d']]);
  });

  it('makes no batch of no host', () => {
    expect(rollingBatches('1 10%', [])).toEqual([]);
    expect(rollingBatches('100%', ['x'])).toEqual([['x']]);
  });

  it('caps *N growth by the hosts left, however large it gets', () => {
    expect(sizes('1 *2147483647', 10)).toEqual([1, 9]);
    expect(sizes('2147483647', 3)).toEqual([3]);
  });

  it('throws on an expression the schema refuses', () => {
    expect(() => rollingBatches('0', ['a'])).toThrow(/no host/);
    expect(() => rollingBatches('', ['a'])).toThrow(/empty/);
  });
});

const num = fc.integer({ min: 1, max: 60 });
const head = fc.oneof(
  num.map(String),
  fc.integer({ min: 1, max: 99 }).map((n) => `${n}%`),
);
const last = fc.oneof(
  head,
  fc.constant('100%'),
  num.map((n) => `+${n}`),
  fc.integer({ min: 1, max: 4 }).map((n) => `*${n}`),
);
/** Any expression the schema accepts: N and N% parts, then a last part that may grow or take all. */
const expression = fc
  .tuple(fc.array(head, { maxLength: 4 }), last)
  .filter(([first, end]) => first.length > 0 || !/^[+*]/.test(end))
  .map(([first, end]) => [...first, end].join(' '));

describe('rollingBatches, for any expression and hosts', () => {
  it('puts every host in exactly one batch, in order, with no empty batch and at most one batch a host', () => {
    fc.assert(
      fc.property(expression, fc.integer({ min: 0, max: 400 }), (expr, n) => {
        const keys = hosts(n);
        const batches = rollingBatches(expr, keys);
        expect(batches.flat()).toEqual(keys);
        for (const b of batches) expect(b.length).toBeGreaterThan(0);
        expect(batches.length).toBeLessThanOrEqual(Math.max(n, 0));
      }),
      { numRuns: 300 },
    );
  });

  it('gives the last part to every batch after the written ones, but the final one that takes what is left', () => {
    fc.assert(
      fc.property(expression, fc.integer({ min: 1, max: 400 }), (expr, n) => {
        const parts = expr.split(' ');
        const got = sizes(expr, n);
        const end = parts[parts.length - 1]!;
        const from = parts.length - 1;
        for (let i = from; i < got.length - 1; i++) {
          const prev = got[i - 1] ?? 0;
          const want = end.startsWith('+')
            ? prev + Number(end.slice(1))
            : end.startsWith('*')
              ? prev * Number(end.slice(1))
              : end.endsWith('%')
                ? Math.ceil((n * Number(end.slice(0, -1))) / 100)
                : Number(end);
          expect(got[i]).toBe(want);
        }
        // The final batch is no larger than the last part would make it.
        expect(got[got.length - 1]).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
  });

  it('is bounded: a count N makes at most ceil(hosts / N) batches past the written parts', () => {
    fc.assert(
      fc.property(num, fc.integer({ min: 1, max: 2000 }), (size, n) => {
        expect(sizes(String(size), n).length).toBe(Math.ceil(n / size));
      }),
    );
  });
});
