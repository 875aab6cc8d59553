/**
 * `apply --quota-wait` through the CLI, against a loopback ESB whose running-job quota is full: the
 * default schedule (2 s, then 4 s), the stream lines, Ctrl-C during the wait, and bad values.
 */

import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exited, runCli, spawnCli, tempFiles, waitFor } from './helpers.js';
import { goodAnswer, json, type MisbehavingEsb, startMisbehavingEsb } from './reliability/esb-server.js';
import { readRecordFile } from './reliability/invariants.js';

const RUNBOOK = `version: 1
name: q
biz: 2
defaults:
  account: root
steps:
  - name: one
    hosts: ["10.0.0.1", "10.0.0.2"]
    script: echo one
`;
const QUOTA = json({
  result: false,
  code: 1244032,
  message: '当前执行的作业总量超过业务配额限制',
  data: null,
});

let esb: MisbehavingEsb;
let dir: string;
beforeAll(async () => {
  esb = await startMisbehavingEsb();
  dir = await tempFiles({ 'q.yaml': RUNBOOK });
});
afterAll(async () => {
  await esb?.close();
});
const env = () => ({
  BK_ESB_URL: esb.url,
  BK_APP_CODE: 'app',
  BK_APP_SECRET: 'quota-secret-9',
  BK_USERNAME: 'u',
});

describe('apply --quota-wait', () => {
  it('waits 2 s, then 4 s, submits again after each wait, and succeeds; each wait is a line', async () => {
    esb.setResponder((call, n) => (call === 'fast_execute_script' && n <= 2 ? QUOTA : goodAnswer(call)));
    const out = await runCli(
      ['apply', 'q.yaml', '--yes', '--ui', 'stream', '--quota-wait', '1m', '--state-dir', 'st'],
      {
        cwd: dir,
        env: env(),
        timeoutMs: 30_000,
      },
    );
    expect(out.code).toBe(0);
    expect(esb.counts.fast_execute_script).toBe(3);
    const waits = out.stdout.split('\n').filter((l) => l.includes('[one] waiting'));
    expect(waits).toHaveLength(2);
    expect(waits[0]).toContain(
      "waiting 2.0 s: JOB's running-job quota is full (code 1244032: 当前执行的作业总量超过业务配额限制)",
    );
    expect(waits[1]).toContain('waiting 4.0 s');
    expect(waits[1]).toContain('waited 2.0 s of at most 60 s');
  });

  it('Ctrl-C during the wait stops it: exit 130, one submit, the step pending in the record', async () => {
    esb.setResponder((call) => (call === 'fast_execute_script' ? QUOTA : goodAnswer(call)));
    const child = spawnCli(['apply', 'q.yaml', '--yes', '--ui', 'json', '--state-dir', 'st2'], {
      cwd: dir,
      env: env(),
    });
    child.stdin.end();
    await waitFor('the wait', () => (child.output().stdout.includes('"step.waiting"') ? true : undefined));
    child.kill('SIGINT');
    const out = await exited(child);
    expect(out.code).toBe(130);
    expect(esb.counts.fast_execute_script).toBe(1);
    const runId = JSON.parse(out.stdout.split('\n')[0]!).runId as string;
    const rec = readRecordFile(join(dir, 'st2'), runId);
    expect(rec.steps[0]?.state).toBe('pending');
    expect(rec.steps[0]?.note).toContain('1244032');
  });

  for (const bad of ['soon', '-1s', '2h']) {
    it(`--quota-wait ${bad} is a usage error, nothing sent`, async () => {
      esb.setResponder(goodAnswer);
      const out = await runCli(['apply', 'q.yaml', '--yes', '--quota-wait', bad, '--state-dir', 'st3'], {
        cwd: dir,
        env: env(),
      });
      expect(out.code).toBe(2);
      expect(out.stderr).toContain('--quota-wait');
      expect(esb.counts.fast_execute_script ?? 0).toBe(0);
    });
  }

  it('is in apply --help', async () => {
    const out = await runCli(['apply', '--help']);
    expect(out.stdout).toContain('--quota-wait DURATION');
  });
});
