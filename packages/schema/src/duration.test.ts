import { describe, expect, it } from 'vitest';
import { parseDuration } from './duration.js';

describe('parseDuration', () => {
  it('reads integers and duration strings', () => {
    expect(parseDuration(90)).toBe(90);
    expect(parseDuration('90')).toBe(90);
    expect(parseDuration('90s')).toBe(90);
    expect(parseDuration('20m')).toBe(1200);
    expect(parseDuration('1h30m')).toBe(5400);
    expect(parseDuration('1h')).toBe(3600);
    expect(parseDuration('2h0m5s')).toBe(7205);
  });

  it('rejects everything else', () => {
    for (const bad of [-1, 1.5, Number.NaN, '', 'h', '10x', '1.5m', '30m1h', '-5s', '1 h', '1d']) {
      expect(parseDuration(bad)).toBeUndefined();
    }
  });
});
