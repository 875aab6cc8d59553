import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../engine/events.js';
import { escapeControls, escapeEvent } from './controls.js';
import { createJsonRenderer } from './json.js';
import { createStreamRenderer } from './stream.js';

/** Every control character a terminal acts on, besides newline and tab. */
const ACTIVE = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/;

describe('escapeControls', () => {
  it('shows C0, DEL, C1 and a lone CR as visible text; keeps newline, tab, CR LF and other text', () => {
    expect(escapeControls('\x1b[8mhidden\x1b]0;title\x07')).toBe('\\x1b[8mhidden\\x1b]0;title\\x07');
    expect(escapeControls('\x9b2J \x9d0;t\x9c \x80 \x7f \x00')).toBe(
      '\\u009b2J \\u009d0;t\\u009c \\u0080 \\x7f \\x00',
    );
    expect(escapeControls('10%\r100%\r\nnext\tcol\n')).toBe('10%\\x0d100%\r\nnext\tcol\n');
    expect(escapeControls('C:\\Users é 日本 \u00a0')).toBe('C:\\Users é 日本 \u00a0');
    for (let c = 0; c <= 0xa0; c++) {
      const ch = String.fromCharCode(c);
      const out = escapeControls(`a${ch}b`);
      if (ch === '\n' || ch === '\t' || c >= 0xa0 || (c >= 0x20 && c < 0x7f)) expect(out).toBe(`a${ch}b`);
      else expect(out).toMatch(/^a\\(x|u00)[0-9a-f]{2}b$/);
    }
  });

  it('escapes every string of an event, or all but the logs, and returns events without controls as they are', () => {
    const event: RunEvent = {
      ts: '2026-01-01T00:00:00.000Z',
      type: 'step.finished',
      step: 'a',
      status: 3,
      ok: false,
      counts: { total: 1, succeeded: 0, failed: 1, running: 0, waiting: 0, agentError: 0 },
      hosts: [{ ip: '10.0.0.1', cloud: 0, status: 104, exitCode: 1, tag: '\x1b[2J', log: '\x1b]0;x\x07\n' }],
      elapsedMs: 5,
    };
    const all = escapeEvent(event) as Extract<RunEvent, { type: 'step.finished' }>;
    expect(all.hosts[0]).toMatchObject({ tag: '\\x1b[2J', log: '\\x1b]0;x\\x07\n' });
    const kept = escapeEvent(event, { keepLogs: true }) as typeof all;
    expect(kept.hosts[0]).toMatchObject({ tag: '\\x1b[2J', log: '\x1b]0;x\x07\n' });
    const plain: RunEvent = { ts: event.ts, type: 'step.submitting', step: 'a' };
    expect(escapeEvent(plain)).toBe(plain);
  });

  it('the stream renderer writes no raw control character from logs, errors or reasons', () => {
    let out = '';
    const render = createStreamRenderer((t) => {
      out += t;
    });
    render({
      ts: '2026-01-01T00:00:00.000Z',
      type: 'step.finished',
      step: 'a',
      status: 3,
      ok: true,
      counts: { total: 1, succeeded: 1, failed: 0, running: 0, waiting: 0, agentError: 0 },
      hosts: [{ ip: '10.0.0.1', cloud: 0, status: 9, exitCode: 0, tag: '', log: 'ok\x1b[8m\x9b2J\rgone\n' }],
      elapsedMs: 5,
    });
    render({
      ts: '2026-01-01T00:00:00.000Z',
      type: 'step.error',
      step: 'a',
      error: { code: 'CORE_ESB', message: 'JOB says \x1b]0;pwned\x07', hint: 'ask \x1b[2J' },
    });
    expect(ACTIVE.test(out)).toBe(false);
    expect(out).toContain('    ok\\x1b[8m\\u009b2J\\x0dgone\n');
    expect(out).toContain('JOB says \\x1b]0;pwned\\x07');
    expect(out).toContain('hint: ask \\x1b[2J');
  });
});

describe('the json renderer', () => {
  it('writes no raw control character (JSON itself leaves DEL and C1 raw) and keeps the values', () => {
    let out = '';
    const event: RunEvent = {
      ts: '2026-01-01T00:00:00.000Z',
      type: 'step.error',
      step: 'a',
      error: { code: 'CORE_ESB', message: 'JOB says \x1b]0;x\x07 \x9b2J \x7f \x85' },
    };
    createJsonRenderer((t) => {
      out += t;
    })(event);
    expect(ACTIVE.test(out.replace(/\n$/, ''))).toBe(false);
    expect(JSON.parse(out)).toEqual({ v: 1, ...event });
  });
});
