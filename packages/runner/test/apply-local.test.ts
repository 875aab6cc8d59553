import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempFiles } from './helpers.js';

const runbook = (script: string) => `version: 1
name: e2e
biz: 1
defaults:
  account: root
  timeout: 60
steps:
  - name: marker
    hosts: ["127.0.0.1", "0:127.0.0.2"]
    script: |
${script
  .split('\n')
  .map((l) => `      ${l}`)
  .join('\n')}
`;

describe('runbook apply --local, end to end through HTTP and real processes', () => {
  it('runs the script on every host and prints each host output', async () => {
    const marker = `marker-${process.pid}-${Date.now()}`;
    const dir = await tempFiles({ 'rb.yaml': runbook(`echo "${marker} $((6*7))"`) });
    const res = await runCli(['apply', join(dir, 'rb.yaml'), '--local', '--yes'], { cwd: dir });
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    // The output comes back only if the emulator ran bash: $((6*7)) is computed by the shell.
    expect(res.stdout.split(`${marker} 42`).length - 1).toBe(1);
    // Identical outputs are printed once, under their hosts folded into a range.
    expect(res.stdout).toContain('[marker] 127.0.0.[1-2] (2 hosts): ok\n');
    expect(res.stdout).not.toContain('job_start');
    // --no-gather prints host by host, JOB's job_start line included.
    const each = await runCli(['apply', join(dir, 'rb.yaml'), '--local', '--yes', '--no-gather'], {
      cwd: dir,
    });
    expect(each.code).toBe(0);
    expect(each.stdout.split(`${marker} 42`).length - 1).toBe(2);
    expect(each.stdout).toContain('[marker] 0:127.0.0.1: ok\n');
    expect(each.stdout).toContain('[marker] 0:127.0.0.2: ok\n');
    expect(each.stdout).toMatch(/\] job_start\n/);
  });

  it('exits 1 and shows the failing host when a script exits non-zero', async () => {
    const dir = await tempFiles({ 'rb.yaml': runbook('echo about to fail\nexit 3') });
    const res = await runCli(['apply', join(dir, 'rb.yaml'), '--local', '--yes'], { cwd: dir });
    expect(res.code).toBe(1);
    expect(res.stdout).toContain('[marker] FAILED');
    expect(res.stdout).toContain('127.0.0.[1-2] (2 hosts): failed, exit 3');
    expect(res.stdout).toContain('about to fail');
  });
});
