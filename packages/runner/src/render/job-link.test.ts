import { describe, expect, it } from 'vitest';
import { impliedJobScope, jobLinker, jobWebUrl } from './job-link.js';

describe('job links', () => {
  it("is JOB's fast-execution page of the job, under its scope", () => {
    expect(jobWebUrl('https://job.example.com', { type: 'biz', id: 2 }, 123)).toBe(
      'https://job.example.com/biz/2/execute/quick-launch/123',
    );
    expect(jobWebUrl('https://job.example.com/sub/', { type: 'biz_set', id: '9991001' }, 7)).toBe(
      'https://job.example.com/sub/biz_set/9991001/execute/quick-launch/7',
    );
  });

  it('reads a bare business id as JOB does', () => {
    expect(impliedJobScope(2)).toEqual({ type: 'biz', id: 2 });
    expect(impliedJobScope(9_991_001)).toEqual({ type: 'biz_set', id: 9_991_001 });
  });

  it('links only when BK_JOB_WEB_URL is an http(s) address', () => {
    expect(jobLinker({}, { type: 'biz', id: 2 })).toBeUndefined();
    expect(jobLinker({ BK_JOB_WEB_URL: ' ' }, { type: 'biz', id: 2 })).toBeUndefined();
    expect(jobLinker({ BK_JOB_WEB_URL: 'javascript:alert(1)' }, { type: 'biz', id: 2 })).toBeUndefined();
    expect(jobLinker({ BK_JOB_WEB_URL: 'http://job.local//' }, { type: 'biz', id: 2 })?.(5)).toBe(
      'http://job.local/biz/2/execute/quick-launch/5',
    );
  });
});
