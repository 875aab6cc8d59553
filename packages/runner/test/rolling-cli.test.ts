/**
 * Rolling steps through the CLI, against the emulator as an ESB: a SIGINT in the pause between two
 * batches, then `--resume` submits only the batch not started; a partial step exits 1 listing its
 * hosts; after the cause of a failure is fixed, `--resume` reruns only the failed and never-run hosts;
 * `--rerun-all-hosts` without `--resume` is refused. The emulator's jobs prove what was sent.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Emulator } from '@runbook/emulator';
import { afterEach, describe, expect, it } from 'vitest';
import { jobsOf, startEsb } from './esb.js';
import { block, exited, onlyRecord, runCli, spawnCli, tempFiles, waitFor } from './helpers.js';

let emu: Emulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

const ip = (n: number) => `127.0.0.${n}`;

/** Step `roll` on hosts 1…n with `rolling`, then step `after`; a host fails while `fail-IP` exists in `dir`. */
function runbook(dir: string, n: number, rolling: string): string {
  const hosts = Array.from({ length: n }, (_, i) => `"${ip(i + 1)}"`).join(', ');
  const script = `if [ -f "${dir}/fail-$RUNBOOK_EMU_HOST_IP" ]; then echo "broken on $RUNBOOK_EMU_HOST_IP"; exit 3; fi
echo "restarted $RUNBOOK_EMU_HOST_IP"`;
  return `version: 1
name: rc
biz: 1
defaults:
  account: root
  timeout: 60
steps:
  - name: roll
    hosts: [${hosts}]
    rolling: ${rolling}
    script: |
${block(script)}
  - name: after
    hosts: ["${ip(1)}"]
    script: |
${block('echo after')}
`;
}

async function setup(n: number, rolling: string, failing: number[] = []) {
  const esb = await startEsb();
  emu = esb.emu;
  const dir = await tempFiles({});
  writeFileSync(join(dir, 'rb.yaml'), runbook(dir, n, rolling));
  for (const h of failing) writeFileSync(join(dir, `fail-${ip(h)}`), '');
  const apply = (...extra: string[]) => [
    'apply',
    'rb.yaml',
    '--yes',
    '--ui',
    'stream',
    '--poll-initial',
    '100ms',
    ...extra,
  ];
  return { dir, env: esb.env, apply };
}

const rollJobs = () => jobsOf(emu!, 'rc', 'roll').map((j) => j.hosts.map((h) => h.ip));

describe('rolling steps through the CLI', () => {
  it('SIGINT in the pause between batches, then --resume submits only the batch not started', async () => {
    const s = await setup(2, '{ batch: "1", pause: 60s }');
    const first = spawnCli(s.apply(), { cwd: s.dir, env: s.env });
    await waitFor(
      'the pause before batch 2',
      () => (first.output().stdout.includes('pausing') ? true : undefined),
      20_000,
    );
    first.kill('SIGINT');
    const out = await exited(first);
    expect(out.code).toBe(130);
    expect(out.stdout).toContain('[roll batch 1/2] succeeded');
    expect(out.stdout).toContain('pausing 60 s before batch 2/2');
    expect(rollJobs()).toEqual([[ip(1)]]);
    const record = await onlyRecord(s.dir);
    expect(record.steps[0].state).toBe('pending');
    expect(record.steps[0].batches.map((b: { state: string }) => b.state)).toEqual(['succeeded']);

    const res = await runCli([...s.apply(), '--resume', record.runId], { cwd: s.dir, env: s.env });
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('[roll batch 2/2] starting on 1 host');
    // No batch twice: host 1 once, host 2 once.
    expect(rollJobs()).toEqual([[ip(1)], [ip(2)]]);
    const after = await onlyRecord(s.dir);
    expect(after.steps[0].state).toBe('succeeded');
    expect(
      after.steps[0].batches.map((b: { index: number; jobInstanceId: number }) => [b.index, b.jobInstanceId]),
    ).toEqual(jobsOf(emu!, 'rc', 'roll').map((j, i) => [i + 1, j.jobInstanceId]));
  });

  it('a partial step: the run goes on and exits 1 listing the failed hosts', async () => {
    const s = await setup(4, '{ batch: "2", max_fail: 1 }', [2]);
    const res = await runCli(s.apply(), { cwd: s.dir, env: s.env });
    expect(res.code).toBe(1);
    expect(res.stdout).toContain('[roll batch 2/2] starting on 2 hosts (failed 1/1 allowed)');
    expect(res.stdout).toContain('[roll] PARTLY FAILED');
    expect(res.stdout).toContain('[after] succeeded');
    expect(res.stdout).toContain(`[roll] failed hosts (1): ${ip(2)}`);
    expect(res.stdout).toMatch(
      /run FAILED: step roll failed on some hosts, within its failure budget \(exit 1\)/,
    );
    expect(rollJobs()).toEqual([
      [ip(1), ip(2)],
      [ip(3), ip(4)],
    ]);
  });

  it('after a fix, --resume reruns only the failed and the never-run hosts; then the next step', async () => {
    const s = await setup(6, '{ batch: "2" }', [3]);
    const first = await runCli(s.apply(), { cwd: s.dir, env: s.env });
    expect(first.code).toBe(1);
    expect(rollJobs()).toEqual([
      [ip(1), ip(2)],
      [ip(3), ip(4)],
    ]);
    expect(jobsOf(emu!, 'rc', 'after')).toHaveLength(0);
    rmSync(join(s.dir, `fail-${ip(3)}`));
    const record = await onlyRecord(s.dir);
    const res = await runCli([...s.apply(), '--resume', record.runId], { cwd: s.dir, env: s.env });
    expect(res.code).toBe(0);
    // Host 3 failed, 5 and 6 never ran: only they, in batches of 2; 1, 2 and 4 succeeded and are not sent again.
    expect(rollJobs()).toEqual([[ip(1), ip(2)], [ip(3), ip(4)], [ip(3), ip(5)], [ip(6)]]);
    expect(jobsOf(emu!, 'rc', 'after')).toHaveLength(1);
    const after = await onlyRecord(s.dir);
    expect(after.steps.map((x: { state: string }) => x.state)).toEqual(['succeeded', 'succeeded']);
  });

  it('--rerun-all-hosts without --resume is refused before anything is sent', async () => {
    const s = await setup(1, '{ batch: "1" }');
    const res = await runCli([...s.apply(), '--rerun-all-hosts'], { cwd: s.dir, env: s.env });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('--rerun-all-hosts goes with --resume RUN');
    expect(emu!.jobs()).toHaveLength(0);
  });
});
