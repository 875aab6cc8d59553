import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { block, onlyRecord, runCli, tempFiles } from './helpers.js';

/** A runbook on business 2 of the local emulator (127.0.0.1–4); each host knows its IP. */
const runbook = (steps: string, extra = '') => `version: 1
name: outputs-e2e
biz: 2
${extra}defaults:
  account: root
  timeout: 60
steps:
${steps}`;

const ALL = '["127.0.0.1", "127.0.0.2", "127.0.0.3", "127.0.0.4"]';
const IP = 'ip="$RUNBOOK_EMU_HOST_IP"';

async function apply(dir: string, ...more: string[]) {
  return runCli(['apply', 'rb.yaml', '--local', '--yes', ...more], { cwd: dir, timeoutMs: 60_000 });
}

describe('steps that talk to each other, through the emulator', () => {
  it('outputs (::output and <SOPS_VAR>), from_step hosts, when on a status, fallbacks; outputs recorded per host, secrets masked', async () => {
    const dir = await tempFiles({
      'rb.yaml': runbook(
        `  - name: check
    hosts: ${ALL}
    outputs: [stale, version, token]
    params: \${{ secrets.token }}
    script: |
${block(`${IP}
case "$ip" in *.2|*.4) s=yes ;; *) s=no ;; esac
echo "::output stale=$s"
echo "prefix <SOPS_VAR>version:2.3</SOPS_VAR> suffix"
echo "::output token=$1"`)}
  - name: fix
    hosts: [{ from_step: check, status: succeeded, output: { stale: "yes" } }]
    script: echo "fixing version \${{ steps.check.outputs.version }} on $RUNBOOK_EMU_HOST_IP"
  - name: restart
    when: \${{ steps.fix.status == 'succeeded' && steps.fix.hosts_ok == 2 && steps.check.outputs.version < 2.4 }}
    hosts: [{ from_step: fix }]
    script: echo "restart \${{ steps.fix.outputs.leader || 'no-leader' }}"
  - name: token-length
    hosts: ["127.0.0.1"]
    script: v='\${{ steps.check.outputs.token }}'; echo "token length \${#v}"
  - name: never
    when: \${{ steps.check.hosts_failed > 0 }}
    hosts: ["127.0.0.1"]
    script: echo never-runs
`,
        'secrets:\n  token: E2E_OUT_TOKEN\n',
      ),
    });
    const canary = 'canary-secret-4711';
    const res = await runCli(['apply', 'rb.yaml', '--local', '--yes'], {
      cwd: dir,
      env: { E2E_OUT_TOKEN: canary },
      timeoutMs: 60_000,
    });
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('fixing version 2.3 on 127.0.0.2');
    expect(res.stdout).toContain('fixing version 2.3 on 127.0.0.4');
    expect(res.stdout).not.toContain('on 127.0.0.1');
    // Both hosts of fix restarted with the fallback: one identical output, gathered under both hosts.
    expect(res.stdout.match(/restart no-leader/g)).toHaveLength(1);
    expect(res.stdout).toMatch(/\[restart\] 127\.0\.0\.\[2,4\] \(2 hosts\): [^\n]*\n {4}restart no-leader\n/);
    expect(res.stdout).toContain('[never] skipped: when steps.check.hosts_failed > 0 is false');
    expect(res.stdout).not.toContain('never-runs');
    expect(res.stdout).toContain('2. fix: 0 hosts + hosts known after check');
    // An output holding a secret's value is read as *** by later steps: never copied into a script.
    expect(res.stdout).toContain('token length 3');
    expect(res.stdout).toContain("and hosts chosen from earlier steps' results?");
    expect(res.stdout).toContain('[check] output stale="yes" on 127.0.0.[2,4]');
    expect(res.stdout).toContain('[check] output token="***" on 127.0.0.[1-4]');
    expect(res.stdout).not.toContain(canary);
    const rec = await onlyRecord(dir);
    const check = rec.steps.find((s: { name: string }) => s.name === 'check');
    const byIp = Object.fromEntries(
      check.hosts.map((h: { ip: string; outputs: unknown }) => [h.ip, h.outputs]),
    );
    expect(byIp['127.0.0.2']).toEqual({ stale: 'yes', version: '2.3', token: '***' });
    expect(byIp['127.0.0.1']).toEqual({ stale: 'no', version: '2.3', token: '***' });
    const fix = rec.steps.find((s: { name: string }) => s.name === 'fix');
    expect(fix.hosts.map((h: { ip: string }) => h.ip).sort()).toEqual(['127.0.0.2', '127.0.0.4']);
    expect(rec.steps.find((s: { name: string }) => s.name === 'never').state).toBe('skipped');
    expect(JSON.stringify(rec)).not.toContain(canary);
  });

  it('disagreeing outputs fail the step before its submit, naming hosts and values (exit 1)', async () => {
    const dir = await tempFiles({
      'rb.yaml': runbook(`  - name: check
    hosts: ["127.0.0.1", "127.0.0.2", "127.0.0.3"]
    script: |
${block(`${IP}
case "$ip" in *.3) echo "::output version=2.4" ;; *) echo "::output version=2.3" ;; esac`)}
  - name: use
    hosts: ["127.0.0.1"]
    script: echo "version \${{ steps.check.outputs.version }}"
  - name: after
    hosts: ["127.0.0.1"]
    script: echo after
`),
    });
    const res = await apply(dir);
    expect(res.code).toBe(1);
    expect(res.stdout).toContain(
      'the hosts of step check disagree: "2.3" on 0:127.0.0.1, 0:127.0.0.2; "2.4" on 0:127.0.0.3',
    );
    expect(res.stdout).not.toMatch(/\[use\] submitt/);
    expect(res.stdout).toContain('[after] skipped: not run: step use failed');
    const rec = await onlyRecord(dir);
    const use = rec.steps.find((s: { name: string }) => s.name === 'use');
    expect(use.jobInstanceId).toBeUndefined();
    expect(use.error.code).toBe('RUNNER_LATE_VALUE');
  });

  it('an output no host printed fails the step, naming the step; an empty from_step selection skips, saying why', async () => {
    const dir = await tempFiles({
      'rb.yaml': runbook(`  - name: check
    hosts: ["127.0.0.1", "127.0.0.2"]
    script: echo "::output stale=no"
  - name: fix
    hosts: [{ from_step: check, output: { stale: "yes" } }]
    script: echo fixing
  - name: report
    hosts: ["127.0.0.1"]
    on_failure: continue
    script: echo "leader \${{ steps.check.outputs.leader }}"
`),
    });
    const res = await apply(dir);
    expect(res.stdout).toContain('[fix] skipped: from_step check (stale=yes) matched no host');
    expect(res.stdout).toContain('none of the 2 hosts of step check printed "::output leader=..."');
    expect(res.code).toBe(1);
  });

  it('a resume uses the recorded outputs of the steps it does not run again', async () => {
    const dir = await tempFiles({ 'build-id': '41\n' });
    await writeFile(
      join(dir, 'rb.yaml'),
      runbook(`  - name: produce
    hosts: ["127.0.0.1", "127.0.0.2"]
    script: echo "::output build=b-$(cat '${dir}/build-id')"
  - name: consume
    hosts: ["127.0.0.1"]
    script: |
${block(`test -f '${dir}/ready' || { echo not ready; exit 3; }
echo "deploying \${{ steps.produce.outputs.build }}"`)}
`),
    );
    const first = await apply(dir);
    expect(first.code).toBe(1);
    expect(first.stdout).toContain('not ready');
    const rec = await onlyRecord(dir);
    // The producer would now print another build: only the recorded b-41 may be used.
    await writeFile(join(dir, 'build-id'), '42\n');
    await writeFile(join(dir, 'ready'), '');
    const second = await apply(dir, '--resume', rec.runId);
    expect(second.stderr).toBe('');
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('[produce] skipped: succeeded in run');
    expect(second.stdout).not.toMatch(/\[produce\] submitt/);
    expect(second.stdout).toContain('deploying b-41');
  });
});

describe('outputs of a rolling step', () => {
  it('accumulate over its batches: every host is recorded with its outputs and later steps choose from all of them', async () => {
    const dir = await tempFiles({
      'rb.yaml': runbook(`  - name: check
    rolling: { batch: "1 +1" }
    hosts: ${ALL}
    script: |
${block(`${IP}
case "$ip" in *.1|*.4) echo "::output pick=yes" ;; *) echo "::output pick=no" ;; esac`)}
  - name: use
    hosts: [{ from_step: check, output: { pick: "yes" } }]
    script: echo "picked $RUNBOOK_EMU_HOST_IP"
`),
    });
    const res = await apply(dir);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('picked 127.0.0.1');
    expect(res.stdout).toContain('picked 127.0.0.4');
    expect(res.stdout).not.toContain('picked 127.0.0.2');
    const rec = await onlyRecord(dir);
    const check = rec.steps.find((s: { name: string }) => s.name === 'check');
    expect(check.batches.length).toBeGreaterThan(1);
    expect(
      check.hosts.map((h: { ip: string; outputs: { pick: string } }) => `${h.ip}=${h.outputs.pick}`).sort(),
    ).toEqual(['127.0.0.1=yes', '127.0.0.2=no', '127.0.0.3=no', '127.0.0.4=yes']);
  });
});

describe('plan shows what is known after which step', () => {
  it('known after, runs if, and plan --json marks', async () => {
    const dir = await tempFiles({
      'rb.yaml': runbook(`  - name: check
    hosts: ["127.0.0.1"]
    outputs: [v]
    script: echo "::output v=1"
  - name: use
    when: \${{ steps.check.outputs.v == '1' }}
    hosts: [{ from_step: check }]
    script: echo "\${{ steps.check.outputs.v }}"
`),
    });
    const text = await runCli(['plan', 'rb.yaml'], { cwd: dir });
    expect(text.code).toBe(0);
    expect(text.stdout).toContain("runs if:   steps.check.outputs.v == '1'");
    expect(text.stdout).toContain('known after check: hosts, script, when');
    expect(text.stdout).toContain('echo "<known after check>"');
    const json = await runCli(['plan', 'rb.yaml', '--json'], { cwd: dir });
    expect(json.code).toBe(0);
    const plan = JSON.parse(json.stdout);
    expect(plan.steps[1].late).toEqual([{ after: 'check', fields: ['hosts', 'script', 'when'] }]);
    expect(plan.steps[1].when).toBe("steps.check.outputs.v == '1'");
  });
});
