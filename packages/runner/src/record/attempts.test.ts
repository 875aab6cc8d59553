import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { countHosts } from '../engine/counts.js';
import type { HostResult, RunEvent } from '../engine/events.js';
import { createRecorder } from './recorder.js';
import { readRecord, runDir } from './store.js';
import type { RunRecord } from './types.js';
import { recordProblem } from './validate.js';

/** A resume runs a failed step again: the attempt before keeps its job, result and logs. */

let root: string | undefined;
afterEach(() => {
  if (root) rmSync(root, { recursive: true, force: true });
  root = undefined;
});

const RUN = '20261201-170000-abcdef';
const t = (s: number) => new Date(Date.parse('2026-12-01T17:00:00Z') + s * 1000).toISOString();
const host = (ip: string, ok: boolean, log: string): HostResult => ({
  ip,
  cloud: 0,
  status: ok ? 9 : 104,
  exitCode: ok ? 0 : 3,
  tag: '',
  log,
});

function newRun(): RunRecord {
  return {
    version: 1,
    runId: RUN,
    state: 'running',
    createdAt: t(0),
    updatedAt: t(0),
    runbook: { path: '/work/ops/rb.yaml', name: 'rb', contentHash: 'c'.repeat(64), files: {} },
    vars: {},
    endpoint: { url: 'http://127.0.0.1:1', local: true },
    biz: 1,
    steps: [
      {
        name: 'restart',
        state: 'pending',
        request: {
          taskName: 'rb/restart',
          hosts: 3,
          customQueries: [],
          account: 'root',
          timeoutSec: 60,
          sensitive: false,
        },
        fingerprint: {},
      },
    ],
  } as RunRecord;
}

/** One attempt of the step: submit, job `id`, finished with `hosts`. */
function attempt(at: number, id: number, hosts: HostResult[]): RunEvent[] {
  const ok = hosts.filter((h) => h.status === 9).length;
  return [
    { ts: t(at), type: 'step.submitting', step: 'restart' },
    {
      ts: t(at + 1),
      type: 'step.submitted',
      step: 'restart',
      jobInstanceId: id,
      jobInstanceName: 'rb/restart',
    },
    {
      ts: t(at + 5),
      type: 'step.finished',
      step: 'restart',
      status: ok === hosts.length ? 3 : 4,
      ok: ok === hosts.length,
      counts: countHosts(hosts),
      hosts,
      elapsedMs: 4000,
    },
  ] as RunEvent[];
}

describe('the record of a step run again (a resume after it failed)', () => {
  it('keeps each earlier attempt: its job, result and times, and the logs its rerun hosts had', () => {
    root = mkdtempSync(join(tmpdir(), 'runbook-attempts-'));
    const recorder = createRecorder(root, newRun());
    const first = [
      host('10.0.0.1', true, 'ok 1\n'),
      host('10.0.0.2', false, 'disk full\n'),
      host('10.0.0.3', false, 'disk full\n'),
    ];
    for (const e of attempt(10, 10000, first)) recorder.onEvent(e);
    for (const e of attempt(100, 10002, [
      host('10.0.0.2', true, 'ok 2\n'),
      host('10.0.0.3', false, 'still full\n'),
    ]))
      recorder.onEvent(e);
    for (const e of attempt(200, 10004, [host('10.0.0.3', true, 'ok 3\n')])) recorder.onEvent(e);

    const rec = readRecord(root, RUN);
    expect(recordProblem(rec)).toBeUndefined();
    const s = rec.steps[0]!;
    // The fields of the step are its latest attempt's.
    expect(s).toMatchObject({
      state: 'succeeded',
      jobInstanceId: 10004,
      startedAt: t(200),
      submittedAt: t(201),
      finishedAt: t(205),
    });
    expect(s.hosts!.map((h) => [h.ip, h.status, h.log])).toEqual([
      ['10.0.0.1', 9, 'logs/restart/0-10.0.0.1.log'],
      ['10.0.0.2', 9, 'logs/restart/0-10.0.0.2.log'],
      ['10.0.0.3', 9, 'logs/restart/0-10.0.0.3.log'],
    ]);
    expect(
      s.attempts!.map((a) => [
        a.state,
        a.jobInstanceId,
        a.startedAt,
        a.submittedAt,
        a.finishedAt,
        a.counts?.failed,
      ]),
    ).toEqual([
      ['failed', 10000, t(10), t(11), t(15), 2],
      ['failed', 10002, t(100), t(101), t(105), 1],
    ]);
    // Each attempt holds the results a later one replaced, their logs renamed, never overwritten.
    expect(s.attempts![0]!.hosts!.map((h) => [h.ip, h.status, h.log])).toEqual([
      ['10.0.0.2', 104, 'logs/restart/0-10.0.0.2.attempt-1.log'],
      ['10.0.0.3', 104, 'logs/restart/0-10.0.0.3.attempt-1.log'],
    ]);
    expect(s.attempts![1]!.hosts!.map((h) => [h.ip, h.log])).toEqual([
      ['10.0.0.3', 'logs/restart/0-10.0.0.3.attempt-2.log'],
    ]);
    const log = (rel: string) => readFileSync(join(runDir(root!, RUN), rel), 'utf8');
    expect(log('logs/restart/0-10.0.0.2.attempt-1.log')).toBe('disk full\n');
    expect(log('logs/restart/0-10.0.0.3.attempt-1.log')).toBe('disk full\n');
    expect(log('logs/restart/0-10.0.0.3.attempt-2.log')).toBe('still full\n');
    expect(log('logs/restart/0-10.0.0.3.log')).toBe('ok 3\n');
    expect(log('logs/restart/0-10.0.0.1.log')).toBe('ok 1\n');
  });

  it('a first attempt, and a submit again after a quota wait, make no earlier attempt', () => {
    root = mkdtempSync(join(tmpdir(), 'runbook-attempts-'));
    const recorder = createRecorder(root, newRun());
    recorder.onEvent({ ts: t(1), type: 'step.submitting', step: 'restart' } as RunEvent);
    recorder.onEvent({
      ts: t(2),
      type: 'step.waiting',
      step: 'restart',
      reason: 'quota',
      code: 1244032,
      message: 'quota',
      waitMs: 1000,
      waitedMs: 0,
      limitMs: 60_000,
    } as RunEvent);
    for (const e of attempt(3, 10000, [host('10.0.0.1', true, 'ok\n')])) recorder.onEvent(e);
    const s = readRecord(root, RUN).steps[0]!;
    expect(s.attempts).toBeUndefined();
    expect(s).toMatchObject({ state: 'succeeded', jobInstanceId: 10000, startedAt: t(1) });
  });
});
