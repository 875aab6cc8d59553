import type { Emulator } from '@runbook/emulator';
import { afterEach, describe, expect, it } from 'vitest';
import { startEsb } from './esb.js';
import { onlyRecord, runCli, tempFiles } from './helpers.js';

let emu: Emulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

const RUNBOOK = `version: 1
name: refused
biz: 1
defaults:
  account: root
  timeout: 60
steps:
  - name: first
    hosts: ["127.0.0.1"]
    script: echo first ran
  - name: deploy
    hosts: ["127.0.0.1", "10.9.9.7", "10.9.9.8", "10.9.9.9"]
    script: echo never
`;

describe("JOB's refusal of hosts, in the stream and in runbook logs", () => {
  it('names every refused host; logs shows the error and the job links, and exits 1 when nothing matches', async () => {
    const esb = await startEsb({ businesses: { '1': { hosts: [{ ip: '127.0.0.1' }] } } });
    emu = esb.emu;
    const dir = await tempFiles({ 'rb.yaml': RUNBOOK });
    const env = { ...esb.env, BK_JOB_WEB_URL: 'https://job.example.com/' };
    const res = await runCli(['apply', 'rb.yaml', '--yes', '--ui', 'stream'], { cwd: dir, env });
    expect(res.code).toBe(3);
    // The stream: the whole error, the hint naming each refused host, and the first step's link.
    expect(res.stdout).toMatch(/\[deploy\] error: fast_execute_script failed: .*\(code 1244002/);
    expect(res.stdout).toMatch(
      /\[deploy\] error: .*\. JOB refused these 3 hosts: 0:10\.9\.9\.7, 0:10\.9\.9\.8, 0:10\.9\.9\.9; they are not in business 1/,
    );
    expect(res.stdout).toMatch(
      /\[first\] in JOB: https:\/\/job\.example\.com\/biz\/1\/execute\/quick-launch\/\d+\n/,
    );

    const { runId } = await onlyRecord(dir);
    const logs = await runCli(['logs', runId], { cwd: dir, env });
    expect(logs.code).toBe(0);
    expect(logs.stdout).toMatch(
      /==> first: job \d+ in JOB: https:\/\/job\.example\.com\/biz\/1\/execute\/quick-launch\/\d+ <==/,
    );
    expect(logs.stdout).toContain('==> first 0:127.0.0.1 (ok, exit 0) <==');
    expect(logs.stdout).toContain('==> deploy: error CORE_BAD_REQUEST <==');
    expect(logs.stdout).toContain('JOB refused these 3 hosts: 0:10.9.9.7, 0:10.9.9.8, 0:10.9.9.9;');

    const only = await runCli(['logs', runId, '--step', 'deploy'], { cwd: dir });
    expect(only.code).toBe(0);
    expect(only.stdout).toContain('==> deploy: error CORE_BAD_REQUEST <==');
    expect(only.stdout).not.toContain('in JOB');

    const none = await runCli(['logs', runId, '--host', '10.1.1.1'], { cwd: dir });
    expect(none.code).toBe(1);
    expect(none.stdout).toBe('');
    expect(none.stderr).toContain(`no saved logs match in run ${runId} for host 10.1.1.1`);
  });
});
