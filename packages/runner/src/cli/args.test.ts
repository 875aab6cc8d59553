import { describe, expect, it } from 'vitest';
import { parseMs, pollOptions } from './args.js';

describe('poll delays', () => {
  it('takes milliseconds, ms, s and m, and says the range in the same units', () => {
    expect(parseMs('--poll-max', '1500')).toBe(1500);
    expect(parseMs('--poll-max', '2s')).toBe(2000);
    expect(parseMs('--poll-max', '1m')).toBe(60_000);
    expect(parseMs('--poll-max', '1h')).toBe(3_600_000);
    expect(() => parseMs('--poll-max', '5 minutes')).toThrow('give milliseconds (500), or 500ms, 2s, 1m, 1h');
    expect(() => parseMs('--poll-max', '2h', 1000)).toThrow(
      '--poll-max 2h: must be between 1s and 1h (500, 500ms, 2s, 1m, 1h)',
    );
  });

  it('has floors: the first poll at least 100 ms after the submit, at least 1 s between calls', () => {
    const env = {};
    expect(pollOptions({ 'poll-initial': '100ms', 'poll-max': '1s' }, env)).toEqual({
      pollInitialMs: 100,
      pollMaxMs: 1000,
    });
    expect(() => pollOptions({ 'poll-max': '1' }, env)).toThrow(
      '--poll-max 1: must be between 1s and 1h (500, 500ms, 2s, 1m, 1h)',
    );
    expect(() => pollOptions({ 'poll-max': '999ms' }, env)).toThrow('must be between 1s and 1h');
    expect(() => pollOptions({ 'poll-initial': '50ms' }, env)).toThrow(
      '--poll-initial 50ms: must be between 100ms and 1h',
    );
    expect(pollOptions({}, env)).toEqual({});
  });

  it('only the tests-only RUNBOOK_TEST_FAST_POLL=1 lowers them', () => {
    expect(pollOptions({ 'poll-initial': '5', 'poll-max': '20' }, { RUNBOOK_TEST_FAST_POLL: '1' })).toEqual({
      pollInitialMs: 5,
      pollMaxMs: 20,
    });
    for (const value of ['', '0', 'true', 'yes'])
      expect(() => pollOptions({ 'poll-max': '20' }, { RUNBOOK_TEST_FAST_POLL: value })).toThrow(
        'between 1s',
      );
  });
});
