import { describe, expect, it } from 'vitest';
import type { ResolveContext } from '../plan/context.js';
import { parseRecord } from '../record/validate.js';
import type { HostResult } from './events.js';
import { LateSteps, outcomeOf, outcomesFromRecord, stepsRead, withOutputs } from './late-steps.js';

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

describe('what the run keeps of its steps', () => {
  const finished = (step: string, hosts: HostResult[]) => ({ type: 'step.finished', step, hosts, ok: true });
  const noContext = {} as ResolveContext;

  it('knows the steps some step reads, from the plan', () => {
    expect(
      stepsRead([
        { late: [{ after: 'build' }, { after: 'ünï' }] },
        {},
        { late: [] },
        { late: [{ after: 'build' }] },
      ]),
    ).toEqual(new Set(['build', 'ünï']));
    expect(stepsRead([])).toEqual(new Set());
  });

  it('keeps what a read step left, and nothing of a step no step reads', () => {
    const late = new LateSteps(noContext, undefined, undefined, undefined, new Set(['build']));
    late.observe(finished('build', [host('10.0.0.1', 9, '::output v=1\n')]));
    late.observe(finished('fan-out', [host('10.0.0.2', 9, 'x')]));
    expect([...late.outcomes.keys()]).toEqual(['build']);
    expect(late.outcomes.get('build')?.hosts.map((h) => h.key)).toEqual(['0:10.0.0.1']);
    // A result recorded by an earlier run is not kept either once the step ran again now.
    const resumed = new LateSteps(
      noContext,
      new Map([['fan-out', { status: 'failed' as const, hosts: [] }]]),
      undefined,
      undefined,
      new Set(),
    );
    resumed.observe(finished('fan-out', [host('10.0.0.2', 9, 'x')]));
    expect(resumed.outcomes.has('fan-out')).toBe(false);
  });

  it('keeps every step when not told which are read', () => {
    const late = new LateSteps(noContext);
    late.observe(finished('a', [host('10.0.0.1', 9, '')]));
    late.observe(finished('', []));
    expect([...late.outcomes.keys()]).toEqual(['a', '']);
  });
});
