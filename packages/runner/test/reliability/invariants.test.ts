import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EmulatedJobView } from '@runbook/emulator';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../src/engine/events.js';
import { checkRun } from './invariants.js';

/** The checker itself can fail: each invariant is shown a run that breaks it. */
const root = mkdtempSync(join(tmpdir(), 'runbook-inv-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const job = (id: number, step: string, status = 3, host = 9): EmulatedJobView =>
  ({
    jobInstanceId: id,
    name: `rb/${step}`,
    status,
    hosts: [{ ip: '10.0.0.1', bk_cloud_id: 0, status: host, exitCode: 0, tag: '' }],
  }) as EmulatedJobView;

const REQUEST = {
  taskName: 'rb/x',
  hosts: 1,
  customQueries: [],
  account: 'root',
  timeoutSec: 60,
  sensitive: false,
};

function record(runId: string, steps: object[], exitCode = 0, state = 'succeeded') {
  mkdirSync(join(root, runId, 'logs'), { recursive: true });
  writeFileSync(join(root, runId, 'logs', 'a.log'), '');
  writeFileSync(
    join(root, runId, 'record.json'),
    JSON.stringify({
      version: 1,
      runId,
      state,
      exitCode,
      createdAt: '2026-11-27T10:00:00.000Z',
      updatedAt: '2026-11-27T10:00:01.000Z',
      runbook: { path: '/rb.yaml', name: 'rb', contentHash: 'h', files: {} },
      vars: {},
      endpoint: { url: 'http://127.0.0.1:1', local: false },
      biz: 1,
      steps: steps.map((s) => ({ request: REQUEST, fingerprint: {}, ...s })),
    }),
    { mode: 0o600 },
  );
}
const ok = (name: string, id: number) => ({
  name,
  state: 'succeeded',
  jobInstanceId: id,
  hosts: [{ ip: '10.0.0.1', cloud: 0, status: 9, exitCode: 0, tag: '', log: 'logs/a.log' }],
});
const events: RunEvent[] = [];

describe('checkRun', () => {
  it('accepts a run that kept every invariant', () => {
    record('good', [ok('a', 1)]);
    expect(
      checkRun({ events, exitCode: 0, root, runId: 'good', runbook: 'rb', jobs: [job(1, 'a')] }),
    ).toEqual([]);
  });

  it('sees a step submitted twice, unless --resume ran it again after it failed', () => {
    record('twice', [ok('a', 2)]);
    const twice = checkRun({
      events,
      exitCode: 0,
      root,
      runId: 'twice',
      runbook: 'rb',
      jobs: [job(1, 'a'), job(2, 'a')],
    });
    expect(twice.join()).toMatch(/submitted 2 times/);
    // The rerun keeps the failed attempt: its job, and the host result it replaced with its own log.
    record('rerun', [
      {
        ...ok('a', 2),
        attempts: [
          {
            state: 'failed',
            jobInstanceId: 1,
            hosts: [
              { ip: '10.0.0.1', cloud: 0, status: 104, exitCode: 3, tag: '', log: 'logs/a.attempt-1.log' },
            ],
          },
        ],
      },
    ]);
    writeFileSync(join(root, 'rerun', 'logs', 'a.attempt-1.log'), 'failed\n');
    const facts = {
      events,
      exitCode: 0,
      root,
      runbook: 'rb',
      jobs: [job(1, 'a', 4, 104), job(2, 'a')],
      rerunFailed: true,
    };
    expect(checkRun({ ...facts, runId: 'rerun' })).toEqual([]);
    // A rerun whose record lost the first job, or kept its log in the latest one's file.
    expect(checkRun({ ...facts, runId: 'twice' }).join()).toMatch(
      /JOB's job 1 is neither the record's nor an earlier attempt's/,
    );
    record('overwritten', [
      {
        ...ok('a', 2),
        attempts: [
          {
            state: 'failed',
            jobInstanceId: 1,
            hosts: [{ ip: '10.0.0.1', cloud: 0, status: 104, exitCode: 3, tag: '', log: 'logs/a.log' }],
          },
        ],
      },
    ]);
    expect(checkRun({ ...facts, runId: 'overwritten' }).join()).toMatch(
      /attempt 1's log of 10\.0\.0\.1 is the latest run's file logs\/a\.log/,
    );
  });

  it('sees a record that does not read as a record', () => {
    record('broken', [{ ...ok('a', 1), request: { taskName: 'rb/a' } }]);
    expect(
      checkRun({ events, exitCode: 0, root, runId: 'broken', runbook: 'rb', jobs: [job(1, 'a')] }).join('\n'),
    ).toMatch(/record.json does not read as a record: steps\[0\]\.request\.hosts: missing/);
  });

  it('sees a record that disagrees with JOB, an exit code that does not fit, and a job nobody reported', () => {
    record('wrong', [ok('a', 1), { name: 'b', state: 'error' }], 1, 'failed');
    const v = checkRun({
      events,
      exitCode: 0,
      root,
      runId: 'wrong',
      runbook: 'rb',
      jobs: [job(1, 'a', 4, 104), job(2, 'b')],
    });
    expect(v.join('\n')).toMatch(/record exitCode 1, process exited 0/);
    expect(v.join('\n')).toMatch(/step a recorded succeeded, emulator job status 4/);
    expect(v.join('\n')).toMatch(/step b.*(neither knows it nor says may-have-started|not may-have-started)/);
    expect(checkRun({ events, exitCode: 0, root, runId: 'missing', runbook: 'rb', jobs: [] }).join()).toMatch(
      /record.json unreadable/,
    );
  });
});
