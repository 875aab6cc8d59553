import { describe, expect, it } from 'vitest';
import { isFinalJobStatus, jobStatusName, parseJobTime, unescapeHtml } from './normalize.js';

describe('JOB 2.x / 3.x differences', () => {
  it('un-escape HTML entities once, leaving unknown ones', () => {
    expect(unescapeHtml('a &amp;&amp; b &lt;x&gt; &quot;q&quot; &#39;s&#x27; &amp;lt; &bogus;')).toBe(
      'a && b <x> "q" \'s\' &lt; &bogus;',
    );
  });

  it('parse times with and without an offset', () => {
    expect(parseJobTime('2018-03-15 12:56:35 +0800')?.toISOString()).toBe('2018-03-15T04:56:35.000Z');
    expect(parseJobTime('2026-11-27 10:10:10', '+0800')?.toISOString()).toBe('2026-11-27T02:10:10.000Z');
    expect(parseJobTime('2026-11-27 10:10:10', 'Z')?.toISOString()).toBe('2026-11-27T10:10:10.000Z');
    expect(parseJobTime(null)).toBeUndefined();
    expect(parseJobTime('yesterday')).toBeUndefined();
  });

  it('name statuses, showing unknown numbers as they are', () => {
    expect(jobStatusName(3)).toBe('succeeded');
    expect(jobStatusName(42)).toBe('status 42');
    expect([3, 4, 11, 13, 14].every(isFinalJobStatus)).toBe(true);
    expect([1, 2, 7, 10, 15, 42].some(isFinalJobStatus)).toBe(false);
  });
});
