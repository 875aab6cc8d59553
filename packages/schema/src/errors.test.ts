import { describe, expect, it } from 'vitest';
import { RunbookError } from './errors.js';
import { parseRunbook } from './parse.js';

describe('RunbookError', () => {
  it('carries the issues and names the first one', () => {
    const res = parseRunbook('version: 2\nname: x\n', { path: 'a.yaml' });
    expect(res.ok).toBe(false);
    if (res.ok) return;
    const err = new RunbookError(res.issues);
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('RunbookError');
    expect(err.code).toBe('SCHEMA_INVALID');
    expect(err.issues).toBe(res.issues);
    expect(err.message).toBe(
      'invalid runbook: a.yaml:1:1: the runbook is missing the required keys "biz" (or "scope") and "steps" (and 1 more)',
    );
  });
});
