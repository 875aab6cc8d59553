import { describe, expect, it } from 'vitest';
import type { HostResult } from '../engine/events.js';
import { outputLines } from './outputs.js';

const host = (ip: string, outputs?: Record<string, string>, cloud = 0): HostResult => ({
  ip,
  cloud,
  status: 9,
  exitCode: 0,
  tag: '',
  log: '',
  ...(outputs ? { outputs } : {}),
});

describe('outputLines', () => {
  it('one line per name and value, hosts folded', () => {
    expect(
      outputLines([
        host('10.0.0.1', { stale: 'no', version: '2.3' }),
        host('10.0.0.2', { stale: 'yes', version: '2.3' }),
        host('10.0.0.4', { stale: 'yes' }),
        host('10.0.0.5'),
      ]),
    ).toEqual(['stale="no" on 10.0.0.1', 'stale="yes" on 10.0.0.[2,4]', 'version="2.3" on 10.0.0.[1-2]']);
  });

  it('degenerate: none, a huge value, many values', () => {
    expect(outputLines([])).toEqual([]);
    expect(outputLines([host('10.0.0.1', { v: 'x'.repeat(5000) })])[0]!.length).toBeLessThan(120);
    const many = Array.from({ length: 50 }, (_, i) => host(`10.0.1.${i + 1}`, { v: String(i) }));
    const lines = outputLines(many);
    expect(lines).toHaveLength(21);
    expect(lines[20]).toBe('… 30 more output value(s)');
  });
});
