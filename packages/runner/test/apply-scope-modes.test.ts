/**
 * `runbook apply --local --yes`, end to end (real HTTP, real processes), against the embedded
 * emulator playing JOB 2.x and JOB 3.x with `bkBizIdCompatible` off (every call must carry
 * `bk_scope_type` + `bk_scope_id`, the read calls included): the same runbook succeeds on both; a
 * business set, in JOB's set range or not, is named by its scope type on every call.
 */

import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempFiles } from './helpers.js';
import { readRecordFile } from './reliability/invariants.js';

/** Businesses 2 and 5 (a CMDB business set: its type says so), and the business set 9991001. */
const BUSINESSES = `businesses:
  "2": {}
  "5": { type: biz_set }
  "9991001": {}
`;
const JOB3 = `job: { generation: 3, bizIdCompatible: false }\n${BUSINESSES}`;
const JOB2 = `job: { generation: 2 }\n${BUSINESSES}`;

const runbook = (scope: string) => `version: 1
name: scoped
${scope}
defaults:
  account: root
  timeout: 60
steps:
  - name: first
    hosts: ["127.0.0.1", "0:127.0.0.2"]
    script: echo "first $((6*7))"
  - name: second
    hosts: ["127.0.0.1"]
    params: "--n 2"
    script: echo "second $1 $2"
`;

let dir: string;
beforeAll(async () => {
  dir = await tempFiles({
    'job3.yaml': JOB3,
    'job2.yaml': JOB2,
    'biz.yaml': runbook('biz: 2'),
    'set.yaml': runbook('scope: { type: biz_set, id: 9991001 }'),
    'set-in-range.yaml': runbook('biz: 9991001'),
    'set5.yaml': runbook('scope: { type: biz_set, id: 5 }'),
    'wrong-type.yaml': runbook('scope: { type: biz_set, id: 2 }'),
  });
});

/** `apply FILE --local --yes --emulator-config CONFIG`, with its own state folder. */
async function apply(file: string, config: string) {
  const state = join(dir, `state-${file}-${config}`);
  const out = await runCli(
    ['apply', file, '--local', '--yes', '--ui', 'stream', '--emulator-config', config, '--state-dir', state],
    { cwd: dir, timeoutMs: 60_000 },
  );
  const runId = /^\S+ run (\S+)$/m.exec(out.stdout)?.[1] ?? '';
  return { ...out, record: runId ? readRecordFile(state, runId) : undefined };
}

/** The run succeeded, both steps ran their script on their hosts, and the record says so. */
function expectSucceeded(out: Awaited<ReturnType<typeof apply>>): void {
  expect(out.stderr).toBe('');
  expect(out.code).toBe(0);
  // The two hosts printed the same: their output is gathered once, under both of them.
  expect(out.stdout.split('first 42').length - 1).toBe(1);
  expect(out.stdout).toMatch(/\(2 hosts\): [^\n]*\n {4}first 42\n/);
  expect(out.stdout).toContain('second --n 2');
  expect(out.record?.state).toBe('succeeded');
  expect(out.record?.steps.map((s) => s.state)).toEqual(['succeeded', 'succeeded']);
}

describe('apply --local: JOB 3.x with the scope fields required, and JOB 2.x', () => {
  for (const config of ['job3.yaml', 'job2.yaml']) {
    it(`biz: 2 succeeds against ${config}`, async () => {
      expectSucceeded(await apply('biz.yaml', config));
    });

    it(`a business set, scope: {type: biz_set, id: 9991001} or biz: 9991001, succeeds against ${config}`, async () => {
      expectSucceeded(await apply('set.yaml', config));
      expectSucceeded(await apply('set-in-range.yaml', config));
    });

    it(`scope: {type: biz_set, id: 5}, a set outside 8000000–9999999, succeeds against ${config}`, async () => {
      const out = await apply('set5.yaml', config);
      expectSucceeded(out);
    });
  }

  it('the scope type is what JOB 3.x reads: biz_set 2 is refused there (no such set), nothing runs', async () => {
    const out = await apply('wrong-type.yaml', 'job3.yaml');
    expect(out.code).toBe(3);
    expect(out.stdout).toContain('code 1243049');
    expect(out.stdout).toContain('business set 2 does not exist');
    expect(out.stdout).not.toContain('first 42');
    expect(out.record?.steps[0]?.state).toBe('error');
    expect(out.record?.steps[0]?.jobInstanceId).toBeUndefined();
  });

  it('JOB 2.x knows no scopes: the same runbook runs there in business 2', async () => {
    expectSucceeded(await apply('wrong-type.yaml', 'job2.yaml'));
  });

  it('plan shows the scope as written: biz_set 5', async () => {
    const out = await runCli(['plan', 'set5.yaml'], { cwd: dir });
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('scope biz_set 5');
  });
});
