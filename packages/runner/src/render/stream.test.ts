import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../engine/events.js';
import { wantsColor } from './color.js';
import { createStreamRenderer } from './stream.js';

const finished: RunEvent = {
  ts: '2026-01-01T00:00:00.000Z',
  type: 'run.finished',
  ok: false,
  exitCode: 1,
  reason: 'step a failed; the run stopped',
  runId: 'r',
};

describe('colour', () => {
  it('NO_COLOR (any value, even empty) wins, then FORCE_COLOR, then the terminal', () => {
    expect(wantsColor({ NO_COLOR: '' }, true)).toBe(false);
    expect(wantsColor({ NO_COLOR: '1', FORCE_COLOR: '1' }, true)).toBe(false);
    expect(wantsColor({ FORCE_COLOR: '1' }, false)).toBe(true);
    expect(wantsColor({ FORCE_COLOR: '0' }, true)).toBe(false);
    expect(wantsColor({}, true)).toBe(true);
    expect(wantsColor({}, false)).toBe(false);
    expect(wantsColor({ TERM: 'dumb' }, true)).toBe(false);
  });

  it('the stream uses escape codes only when asked to', () => {
    let plain = '';
    createStreamRenderer((t) => {
      plain += t;
    })(finished);
    expect(plain).toMatch(/^\d\d:\d\d:\d\d run FAILED: step a failed; the run stopped \(exit 1\)\n$/);
    let colored = '';
    createStreamRenderer(
      (t) => {
        colored += t;
      },
      { color: true },
    )(finished);
    expect(colored).toContain('\x1b[31mrun FAILED\x1b[39m');
  });
});
