import { describe, expect, it } from 'vitest';
import { parseRecord, recordProblem } from './validate.js';

const good = () => ({
  version: 1,
  runId: '20261127-175200-3fa9c1',
  state: 'failed',
  exitCode: 1,
  reason: 'a step failed',
  createdAt: '2026-11-27T17:52:00.000Z',
  updatedAt: '2026-11-27T17:52:03.000Z',
  runbook: { path: '/x/rb.yaml', name: 'rb', contentHash: 'abc', files: { 'rb.yaml': 'abc' } },
  vars: { who: 'world', n: 2, on: true },
  endpoint: { url: 'http://127.0.0.1:1', local: false },
  biz: 1,
  pid: 42,
  steps: [
    {
      name: 'one',
      state: 'failed',
      request: {
        taskName: 'rb/one',
        hosts: 2,
        customQueries: [],
        account: 'root',
        timeoutSec: 60,
        sensitive: false,
      },
      fingerprint: { script: 'h' },
      jobInstanceId: 10000,
      status: 4,
      counts: { total: 2, succeeded: 1, failed: 0, running: 0, waiting: 0, agentError: 1 },
      hosts: [
        { ip: '10.0.0.1', cloud: 0, status: 9, exitCode: 0, tag: '', log: 'logs/one/0-10.0.0.1.log' },
        // A host that never ran its script has no exit code.
        { ip: '10.0.0.2', cloud: 0, status: 310, exitCode: null, tag: '', log: 'logs/one/0-10.0.0.2.log' },
      ],
    },
  ],
});

describe('record validation', () => {
  it('accepts a complete record, null host exit codes and fields it does not know', () => {
    expect(recordProblem(good())).toBeUndefined();
    expect(recordProblem({ ...good(), addedLater: { x: 1 } })).toBeUndefined();
    expect(recordProblem({ ...good(), limit: ['0:10.0.0.1', 'id:7'] })).toBeUndefined();
  });

  it('accepts the report fields (operator, finishedAt, scope, resumes, step startedAt), and old records without them', () => {
    const r: any = {
      ...good(),
      operator: 'alice',
      finishedAt: '2026-11-27T17:52:03.000Z',
      jobWebUrl: 'https://job.example',
      scope: { type: 'biz_set', id: 9991001 },
      resumes: [{ at: '2026-11-27T18:00:00.000Z', operator: 'bob', runbookHash: 'h', changes: [] }],
    };
    r.steps[0].startedAt = '2026-11-27T17:52:01.000Z';
    expect(recordProblem(r)).toBeUndefined();
    expect(recordProblem(good())).toBeUndefined();
    const cases: Array<[(r: any) => void, string]> = [
      [(r) => (r.operator = 7), 'operator: should be a string, is 7'],
      [(r) => (r.finishedAt = 'soon'), 'finishedAt: should be an ISO 8601 time'],
      [(r) => (r.scope = { type: 'team', id: 1 }), 'scope.type: should be one of "biz", "biz_set"'],
      [(r) => (r.resumes[0].changes = [{ step: 's' }]), 'resumes[0].changes[0].fields: missing'],
      [(r) => (r.steps[0].startedAt = ''), 'steps[0].startedAt: should be an ISO 8601 time'],
    ];
    for (const [breakIt, reason] of cases) {
      const copy = structuredClone(r);
      breakIt(copy);
      expect(recordProblem(copy)).toContain(reason);
    }
  });

  it('names the first wrong field by its path', () => {
    const cases: Array<[(r: any) => void, string]> = [
      [(r) => delete r.steps, 'steps: missing'],
      [(r) => delete r.steps[0].request, 'steps[0].request: missing'],
      [(r) => (r.steps = 'x'), 'steps: should be a list, is "x"'],
      [(r) => (r.state = 'done'), 'state: should be one of "running", "succeeded"'],
      [(r) => (r.steps[0].hosts[1].status = '9'), 'steps[0].hosts[1].status: should be an integer, is "9"'],
      [
        (r) => (r.steps[0].hosts[0].exitCode = 'x'),
        'steps[0].hosts[0].exitCode: should be an integer or null, is "x"',
      ],
      [(r) => (r.steps[0].counts.total = -1), 'steps[0].counts.total: should be a count'],
      [(r) => (r.vars.who = null), 'vars.who: should be a string, number or boolean, is null'],
      [(r) => (r.createdAt = 'yesterday'), 'createdAt: should be an ISO 8601 time, is "yesterday"'],
      [(r) => (r.endpoint = []), 'endpoint: should be an object, is a list'],
      [(r) => (r.version = 2), 'format 2; this runbook reads format 1'],
      [(r) => (r.limit = '0:10.0.0.1'), 'limit: should be a list'],
      [(r) => (r.limit = [7]), 'limit[0]: should be a string, is 7'],
    ];
    for (const [breakIt, reason] of cases) {
      const r = good();
      breakIt(r);
      expect(recordProblem(r)).toContain(reason);
    }
    expect(recordProblem(null)).toBe('the record: should be an object, is null');
  });

  it('parses text: invalid JSON is a problem, not a throw', () => {
    expect(parseRecord('{"version": 1,')).toMatchObject({
      problem: expect.stringContaining('not valid JSON'),
    });
    expect(parseRecord(JSON.stringify(good()))).toHaveProperty('record');
  });
});
