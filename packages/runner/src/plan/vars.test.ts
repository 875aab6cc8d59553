import type { Runbook } from '@runbook/schema';
import { describe, expect, it } from 'vitest';
import { resolveVars } from './vars.js';

const rb = {
  version: 1,
  name: 'v',
  biz: 1,
  steps: [],
  vars: {
    keep: { type: 'integer', default: 7, min: 1, max: 30 },
    mode: { type: 'string', enum: ['fast', 'safe'], default: 'safe' },
    flag: false,
    name: { type: 'string', required: true, pattern: '^[a-z]+$' },
  },
} as unknown as Runbook;

describe('resolveVars', () => {
  it('applies defaults → vars file → RUNBOOK_VAR_<NAME> → --var, later wins, with types', () => {
    const { values, problems } = resolveVars(rb, {
      file: { path: 'vars.yaml', values: { keep: 3, name: 'fromfile', mode: 'fast' } },
      env: { RUNBOOK_VAR_keep: '5', RUNBOOK_VAR_FLAG: 'true' },
      cli: ['keep=9', 'name=cli'],
    });
    expect(problems).toEqual([]);
    expect(values).toEqual({ keep: 9, mode: 'fast', flag: true, name: 'cli' });
  });

  it('reports every bad, unknown or missing value', () => {
    const { problems } = resolveVars(rb, { cli: ['keep=40', 'mode=slow', 'nope=1', 'flag=maybe', 'oops'] });
    expect(problems.map((p) => p.message)).toEqual([
      '--var keep: var keep: 40 is above the maximum of 30',
      '--var mode: var mode: "slow" is not one of "fast", "safe"',
      '--var nope: unknown var "nope"; the runbook declares keep, mode, flag, name',
      '--var flag: var flag: "maybe" is not true or false',
      '--var oops: write --var NAME=VALUE',
      'var name is required; set it with --var name=VALUE',
    ]);
  });

  it('suggests the near var for a misspelt one, from every source', () => {
    const { problems } = resolveVars(rb, {
      cli: ['kep=3', 'name=x', `${'k'.repeat(100_000)}=1`],
      file: { path: 'vars.yaml', values: { mdoe: 'fast' } },
    });
    expect(problems.map((p) => p.message)).toEqual([
      'vars.yaml: unknown var "mdoe"; did you mean "mode"? The runbook declares keep, mode, flag, name',
      '--var kep: unknown var "kep"; did you mean "keep"? The runbook declares keep, mode, flag, name',
      `--var ${'k'.repeat(77)}...: unknown var "${'k'.repeat(77)}..."; the runbook declares keep, mode, flag, name`,
    ]);
  });

  it('checks patterns and integers', () => {
    const { problems } = resolveVars(rb, { cli: ['name=UPPER', 'keep=2.5'] });
    expect(problems.map((p) => p.message)).toEqual([
      '--var name: var name: "UPPER" does not match the pattern ^[a-z]+$',
      '--var keep: var keep: "2.5" is not an integer',
    ]);
  });
});
