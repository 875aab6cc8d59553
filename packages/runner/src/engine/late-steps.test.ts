import { describe, expect, it } from 'vitest';
import { parseRecord } from '../record/validate.js';
import type { HostResult } from './events.js';
import { outcomeOf, outcomesFromRecord, withOutputs } from './late-steps.js';

const host = (ip: string, status: number, log: string): HostResult => ({
  ip,
  cloud: 0,
  status,
  exitCode: status === 9 ? 0 : 1,
  tag: '',
  log,
});

describe('what a step leaves for the steps after it', () => {
  it('attaches outputs to hosts that printed any, and says succeeded, partial or failed', () => {
    const hosts = withOutputs([
      host('10.0.0.1', 9, 'x\n::output v=1\n'),
      host('10.0.0.2', 104, '<SOPS_VAR>v:2</SOPS_VAR>'),
      host('10.0.0.3', 104, 'nothing'),
    ]);
    expect(hosts.map((h) => h.outputs)).toEqual([{ v: '1' }, { v: '2' }, undefined]);
    expect(outcomeOf(hosts, false)).toEqual({
      status: 'partial',
      hosts: [
        { key: '0:10.0.0.1', ok: true, outputs: { v: '1' } },
        { key: '0:10.0.0.2', ok: false, outputs: { v: '2' } },
        { key: '0:10.0.0.3', ok: false, outputs: {} },
      ],
    });
    expect(outcomeOf(hosts.slice(2), false).status).toBe('failed');
    expect(outcomeOf([], true).status).toBe('succeeded');
  });

  it('a record with outputs is valid, one without them too, and a resume reads them', () => {
    const record = {
      version: 1,
      runId: '20261201-100000-abcdef',
      state: 'failed',
      createdAt: '2026-12-01T10:00:00.000Z',
      updatedAt: '2026-12-01T10:00:01.000Z',
      runbook: { path: '/x/rb.yaml', name: 'rb', contentHash: 'a', files: {} },
      vars: {},
      endpoint: { url: 'http://127.0.0.1:1', local: true },
      biz: 2,
      steps: [
        {
          name: 'check',
          state: 'succeeded',
          request: {
            taskName: 't',
            hosts: 1,
            customQueries: [],
            account: 'root',
            timeoutSec: 60,
            sensitive: false,
          },
          fingerprint: {},
          hosts: [
            { ip: '10.0.0.1', cloud: 0, status: 9, exitCode: 0, tag: '', log: 'l', outputs: { v: '***' } },
            { ip: '10.0.0.2', cloud: 0, status: 9, exitCode: 0, tag: '', log: 'l' },
          ],
        },
        {
          name: 'gated',
          state: 'skipped',
          request: {
            taskName: 't',
            hosts: 1,
            customQueries: [],
            account: 'root',
            timeoutSec: 60,
            sensitive: false,
          },
          fingerprint: {},
        },
        {
          name: 'later',
          state: 'pending',
          request: {
            taskName: 't',
            hosts: 1,
            customQueries: [],
            account: 'root',
            timeoutSec: 60,
            sensitive: false,
          },
          fingerprint: {},
        },
      ],
    };
    const parsed = parseRecord(JSON.stringify(record));
    expect(parsed).toMatchObject({ record: { runId: record.runId } });
    const bad = structuredClone(record);
    (bad.steps[0]!.hosts![0] as { outputs: unknown }).outputs = { v: 1 };
    expect(parseRecord(JSON.stringify(bad))).toEqual({ problem: expect.stringContaining('outputs') });
    const outcomes = outcomesFromRecord(record as never);
    expect(outcomes.get('check')).toEqual({
      status: 'succeeded',
      hosts: [
        { key: '0:10.0.0.1', ok: true, outputs: { v: '***' } },
        { key: '0:10.0.0.2', ok: true, outputs: {} },
      ],
    });
    expect(outcomes.get('gated')).toEqual({ status: 'skipped', hosts: [] });
    expect(outcomes.has('later')).toBe(false);
  });
});
