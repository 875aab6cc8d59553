import { describe, expect, it } from 'vitest';
import { closest, didYouMean, editDistance } from './suggest.js';

describe('suggestions', () => {
  it('measures edits, transpositions included', () => {
    expect(editDistance('script', 'script')).toBe(0);
    expect(editDistance('scirpt', 'script')).toBe(1);
    expect(editDistance('scrpt', 'script')).toBe(1);
    expect(editDistance('timeout', 'timeuot')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
  });

  it('suggests only close candidates', () => {
    expect(closest('scirpt', ['script', 'script_id', 'params'])).toBe('script');
    expect(closest('Hosts', ['hosts'])).toBe('hosts');
    expect(closest('zzz', ['hosts', 'name'])).toBeUndefined();
    expect(didYouMean('on_fail', ['on_failure'])).toBe('; did you mean "on_failure"?');
    expect(didYouMean('scr', ['script', 'script_id'])).toBe('');
    expect(didYouMean('on_failur', ['on_failure'])).toBe('; did you mean "on_failure"?');
  });
});
