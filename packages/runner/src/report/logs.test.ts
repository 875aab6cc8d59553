import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { logReader } from './logs.js';

describe('logReader', () => {
  it('reads a host its own byte range of a log file the step shares, and nothing outside the run folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'report-logs-'));
    mkdirSync(join(dir, 'logs', 'wide'), { recursive: true });
    writeFileSync(join(dir, 'logs', 'wide', 'all-hosts.log'), 'first host\nsecond ü host\nthird\n');
    const read = logReader(dir);
    expect(read('logs/wide/all-hosts.log', [0, 11])).toBe('first host\n');
    expect(read('logs/wide/all-hosts.log', [11, Buffer.byteLength('second ü host\n')])).toBe(
      'second ü host\n',
    );
    expect(read('logs/wide/all-hosts.log')).toBe('first host\nsecond ü host\nthird\n');
    expect(read('logs/wide/all-hosts.log', [10_000, 5])).toBe('');
    expect(read('../../etc/passwd')).toBe('');
  });
});
