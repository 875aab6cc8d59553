import { describe, expect, it } from 'vitest';
import { defaultTaskName } from './task-name.js';

describe('defaultTaskName', () => {
  it('is <runbook>/<step>@<sha> while it fits', () => {
    expect(defaultTaskName('nginx', 'rotate', 'abc1234+dirty')).toBe('nginx/rotate@abc1234+dirty');
    expect(defaultTaskName('nginx', 'rotate', '')).toBe('nginx/rotate');
    const long = 'x'.repeat(64);
    // Names are slugs of at most 64 characters: the default always fits JOB's 512 today.
    expect(defaultTaskName(long, long, 'f'.repeat(40)).length).toBeLessThan(512);
  });

  it('past the limit keeps its beginning and a hash of the whole, so steps stay apart', () => {
    const a = defaultTaskName('运维-nightly', 'rotate-logs-web-tier', 'abc1234', 16);
    const b = defaultTaskName('运维-nightly', 'rotate-logs-db-tier', 'abc1234', 16);
    expect([...a]).toHaveLength(16);
    expect(a).toMatch(/^运维-~[0-9a-f]{12}$/);
    expect(a).not.toBe(b);
    expect(defaultTaskName('运维-nightly', 'rotate-logs-web-tier', 'abc1234', 16)).toBe(a);
  });
});
