import { describe, expect, it } from 'vitest';
import { hostStatusName, hostStatusWords, jobStatusWords } from './status-words.js';

describe('status words', () => {
  it('says what happened on a host, with its exit code when it adds to it', () => {
    expect(hostStatusWords(104, 3)).toBe('failed, exit 3');
    expect(hostStatusWords(9, 0)).toBe('ok');
    expect(hostStatusWords(3, 0)).toBe('ok earlier');
    expect(hostStatusWords(102, null)).toBe('timed out');
    expect(hostStatusWords(13, null)).toBe('timed out');
    expect(hostStatusWords(1, null)).toBe('agent error');
    expect(hostStatusWords(310, 5)).toBe('agent error');
    expect(hostStatusWords(18, null)).toBe('agent not installed');
    expect(hostStatusWords(7, null)).toBe('running');
    expect(hostStatusWords(403, 137)).toBe('terminated, exit 137');
    expect(hostStatusWords(9, 1)).toBe('ok, exit 1');
  });

  it('shows a number JOB never listed, never hides it', () => {
    expect(hostStatusWords(777, 2)).toBe('status 777');
    expect(hostStatusName(-1)).toBe('status -1');
    expect(hostStatusName(325)).toBe('file error');
    expect(jobStatusWords(2)).toBe('running');
    expect(jobStatusWords(11)).toBe('terminated');
    expect(jobStatusWords(99)).toBe('status 99');
  });
});
