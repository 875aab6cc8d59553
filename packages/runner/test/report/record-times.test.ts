import { join } from 'node:path';
import { loadRunbook } from '@runbook/schema';
import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../src/engine/events.js';
import { resolvePlan } from '../../src/plan/resolve.js';
import { operatorOf } from '../../src/record/operator.js';
import { createRecorder, newRecord } from '../../src/record/recorder.js';
import { tempFiles } from '../helpers.js';

// What the report reads from the record: each step's start (its latest attempt, a quota wait
// included in it), the run's end, its scope, and who ran it.

const at = (s: number) => new Date(Date.parse('2026-12-01T02:00:00Z') + s * 1000).toISOString();

async function recorder() {
  const dir = await tempFiles({
    'rb.yaml':
      'version: 1\nname: t\nbiz: 9991001\ndefaults:\n  account: root\nsteps:\n  - name: one\n    hosts: ["10.0.0.1"]\n    script: echo one\n',
  });
  const loaded = await loadRunbook(join(dir, 'rb.yaml'));
  if (!loaded.ok) throw new Error('fixture does not load');
  const resolved = resolvePlan(loaded.runbook, { runId: 'run-times', requireSecrets: true });
  if (!resolved.ok) throw new Error('fixture does not resolve');
  return createRecorder(
    join(dir, 'state'),
    newRecord(resolved.plan, { url: 'http://127.0.0.1:1', local: false }, join(dir, 'rb.yaml')),
  );
}

const counts = { total: 1, succeeded: 0, failed: 1, running: 0, waiting: 0, agentError: 0 };
const finished = (ts: string, ok: boolean): RunEvent => ({
  type: 'step.finished',
  ts,
  step: 'one',
  status: ok ? 3 : 4,
  ok,
  counts,
  hosts: [{ ip: '10.0.0.1', cloud: 0, status: ok ? 9 : 104, exitCode: ok ? 0 : 1, tag: '', log: 'x\n' }],
  elapsedMs: 1,
});

describe('record times for the report', () => {
  it("a step's start is its latest attempt's; a quota wait stays in the attempt; the run's end is kept", async () => {
    const rec = await recorder();
    expect(rec.record.scope).toEqual({ type: 'biz_set', id: 9991001 });
    rec.onEvent({ type: 'step.submitting', ts: at(1), step: 'one' });
    rec.onEvent({
      type: 'step.waiting',
      ts: at(2),
      step: 'one',
      reason: 'quota',
      code: 1244032,
      message: 'full',
      waitMs: 2000,
      waitedMs: 0,
      limitMs: 60_000,
    });
    rec.onEvent({ type: 'step.submitting', ts: at(4), step: 'one' });
    rec.onEvent({
      type: 'step.submitted',
      ts: at(5),
      step: 'one',
      jobInstanceId: 7,
      jobInstanceName: 't/one',
    });
    rec.onEvent(finished(at(9), false));
    expect(rec.record.steps[0]).toMatchObject({ startedAt: at(1), submittedAt: at(5), finishedAt: at(9) });
    rec.onEvent({
      type: 'run.finished',
      ts: at(10),
      ok: false,
      exitCode: 1,
      reason: 'failed',
      runId: 'run-times',
    });
    expect(rec.record.finishedAt).toBe(at(10));
    // Resumed: the step runs again, a new attempt.
    rec.onEvent({ type: 'step.submitting', ts: at(60), step: 'one' });
    rec.onEvent(finished(at(65), true));
    expect(rec.record.steps[0]).toMatchObject({ startedAt: at(60), finishedAt: at(65), state: 'succeeded' });
  });

  it('the operator: BK_USERNAME, else the local user, else none', () => {
    expect(operatorOf({ BK_USERNAME: ' alice ' }, () => 'local')).toBe('alice');
    expect(operatorOf({ BK_USERNAME: '' }, () => 'local')).toBe('local');
    expect(operatorOf({}, () => '')).toBeUndefined();
    expect(
      operatorOf({}, () => {
        throw new Error('no such user');
      }),
    ).toBeUndefined();
  });
});
