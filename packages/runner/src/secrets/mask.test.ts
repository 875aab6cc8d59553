import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../engine/events.js';
import { maskEventText } from './event-text.js';
import { createMask, maskDeep } from './mask.js';

describe('createMask', () => {
  it('masks every occurrence, the longer value first, and ignores empty values', () => {
    const mask = createMask(['abc', 'abcdef', '']);
    expect(mask('x abcdef y abc z')).toBe('x *** y *** z');
    expect(createMask([])('abc')).toBe('abc');
  });

  it('masks overlapping occurrences together, adjacent ones each', () => {
    expect(createMask(['aaaa'])('xaaaaay')).toBe('x***y');
    expect(createMask(['abcd', 'cdef'])('abcdef')).toBe('***');
    expect(createMask(['abcd'])('abcdabcd')).toBe('******');
  });

  it('never masks inside an identity: a secret entirely within one stays, one reaching past it is masked', () => {
    const mask = createMask(['backup', 'backup-db-pass', '2026'], ['backup-db', '20260101-120000-abc123']);
    expect(mask('step backup-db ran; backup done')).toBe('step backup-db ran; *** done');
    expect(mask('backup-db-pass leaked')).toBe('*** leaked');
    expect(mask('run 20260101-120000-abc123 on 2026-01-01')).toBe('run 20260101-120000-abc123 on ***-01-01');
    // The identity must really be there, whole: a prefix of it is not enough.
    expect(mask('backup-d')).toBe('***-d');
  });

  it('keeps shell pieces of a secret masked, also next to identities', () => {
    const mask = createMask(['pass word!'], ['password-reset']);
    expect(mask('got pass and word! for password-reset')).toBe('got *** and *** for password-reset');
  });

  it('masks string values deeply, never keys, without changing the input', () => {
    const input = { a: ['s3cr3t!', 1, { 's3cr3t!': true }], b: null };
    const out = maskDeep(input, createMask(['s3cr3t!']));
    expect(out).toEqual({ a: ['***', 1, { 's3cr3t!': true }], b: null });
    expect(input.a[0]).toBe('s3cr3t!');
  });
});

describe('maskEventText', () => {
  const mask = createMask(['backup', 'finished', 'step', '2026', '10.0.0.1', 'sekret'], ['backup-db']);
  const ts = '2026-01-01T00:00:00.000Z';

  it('masks the free text of an event and nothing of its structure', () => {
    const finished: RunEvent = {
      ts,
      type: 'step.finished',
      step: 'backup-db',
      status: 3,
      ok: true,
      counts: { total: 1, succeeded: 1, failed: 0, running: 0, waiting: 0, agentError: 0 },
      hosts: [
        { ip: '10.0.0.1', cloud: 0, status: 9, exitCode: 0, tag: 'sekret', log: 'backup finished: sekret\n' },
      ],
      elapsedMs: 2026,
    };
    expect(maskEventText(finished, mask)).toEqual({
      ...finished,
      hosts: [{ ...finished.hosts[0], tag: '***', log: '*** ***: ***\n' }],
    });
    const error: RunEvent = {
      ts,
      type: 'step.error',
      step: 'backup-db',
      error: { code: 'CORE_ESB', message: 'step failed: sekret', hint: 'retry sekret' },
      jobInstanceId: 2026,
    };
    expect(maskEventText(error, mask)).toEqual({
      ...error,
      error: { code: 'CORE_ESB', message: '*** failed: ***', hint: 'retry ***' },
    });
    const done: RunEvent = {
      ts,
      type: 'run.finished',
      ok: true,
      exitCode: 0,
      reason: 'step backup-db finished',
      runId: '20260101-000000-abcdef',
      resumeCommand: 'runbook apply backup.yaml --resume 20260101-000000-abcdef',
    };
    expect(maskEventText(done, mask)).toEqual({ ...done, reason: '*** backup-db ***' });
  });
});
