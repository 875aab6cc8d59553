import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Emulator } from '@runbook/emulator';
import { afterEach, describe, expect, it } from 'vitest';
import { jobsOf, startEsb } from './esb.js';
import { exited, onlyRecord, runCli, spawnCli, tempFiles, waitFor } from './helpers.js';

// Issue 12, item 6: SIGHUP (an SSH session dropping) exited 129 with the record left "running"
// forever; and a signal right after the record was made killed the runner before its handlers
// existed (signals cases 21 and 48 of seed 20261127 on a loaded machine).

const runbook = (slowSeconds: number) => `version: 1
name: hup
biz: 1
defaults:
  account: root
  timeout: 60
steps:
  - name: before
    hosts: ["127.0.0.1"]
    script: echo before
  - name: slow
    hosts: ["127.0.0.1"]
    script: sleep ${slowSeconds}; echo slow done
  - name: after
    hosts: ["127.0.0.1"]
    script: echo after
`;

let emu: Emulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

const slowRunning = (dir: string) =>
  waitFor('the slow step to be running', async () => {
    const r = await onlyRecord(dir);
    return r?.steps[1].state === 'running' ? r : undefined;
  });

describe('SIGHUP and early signals', () => {
  it('SIGHUP is handled like SIGTERM: the job is left alone, the record says interrupted, the resume command is printed', async () => {
    const esb = await startEsb();
    emu = esb.emu;
    const dir = await tempFiles({ 'rb.yaml': runbook(2) });
    const child = spawnCli(['apply', 'rb.yaml', '--yes'], { cwd: dir, env: esb.env });
    child.stdin.end();
    const record = await slowRunning(dir);
    child.kill('SIGHUP');
    const res = await exited(child);
    expect(res.code).toBe(130);
    expect(res.stdout).toContain('interrupted (SIGHUP): the running job is left alone');
    expect(res.stderr).toContain(`runbook apply rb.yaml --resume ${record.runId}`);
    const saved = await onlyRecord(dir);
    expect(saved).toMatchObject({ state: 'interrupted', exitCode: 130 });
    expect(saved.steps.map((s: { state: string }) => s.state)).toEqual(['succeeded', 'detached', 'pending']);
    // Its locks went with it: the resume goes on at once, and follows the job instead of resubmitting.
    const resumed = await runCli(['apply', 'rb.yaml', '--yes', '--resume', record.runId], {
      cwd: dir,
      env: esb.env,
    });
    expect(resumed.stderr).toBe('');
    expect(resumed.code).toBe(0);
    expect(jobsOf(esb.emu, 'hup', 'slow')).toHaveLength(1);
    expect(await readdir(join(dir, '.runbook', 'runs'))).toEqual([record.runId]);
  });

  it('SIGHUP with --terminate-on-interrupt asks JOB to terminate the running job', async () => {
    const esb = await startEsb();
    emu = esb.emu;
    const dir = await tempFiles({ 'rb.yaml': runbook(20) });
    const child = spawnCli(['apply', 'rb.yaml', '--yes', '--terminate-on-interrupt'], {
      cwd: dir,
      env: esb.env,
    });
    child.stdin.end();
    await slowRunning(dir);
    child.kill('SIGHUP');
    const res = await exited(child);
    expect(res.code).toBe(130);
    expect(res.stdout).toContain('interrupted (SIGHUP): terminating the running job');
    expect(esb.emu.calls().operate_job_instance).toBe(1);
    expect(await onlyRecord(dir)).toMatchObject({ state: 'interrupted', exitCode: 130 });
  });

  it.each(['SIGTERM', 'SIGHUP'] as const)(
    '%s the moment the record exists (the terminal UI still loading) finishes the record; what was sent is in it',
    async (signal) => {
      const esb = await startEsb();
      emu = esb.emu;
      const dir = await tempFiles({ 'rb.yaml': runbook(1) });
      // The terminal UI loads React after the record is made: the widest window there is before the
      // first submit. How wide depends on the machine (the bundled CLI loads it in tens of ms), so the
      // signal may come before the submit or after it; either way the record is finished and knows it.
      const child = spawnCli(['apply', 'rb.yaml', '--yes', '--ui', 'tui'], { cwd: dir, env: esb.env });
      child.stdin.end();
      const runs = join(dir, '.runbook', 'runs');
      const file = await waitFor('the record to exist', async () => {
        const names = (await readdir(runs).catch(() => [] as string[])).filter((n) => !n.startsWith('.'));
        return names.length === 1 ? join(runs, names[0]!, 'record.json') : undefined;
      });
      await waitFor('the record to be written', () =>
        readFile(file, 'utf8').then(
          () => true,
          () => undefined,
        ),
      );
      child.kill(signal);
      const res = await exited(child);
      expect(res.code).toBe(130);
      const saved = JSON.parse(await readFile(file, 'utf8'));
      expect(saved).toMatchObject({ state: 'interrupted', exitCode: 130 });
      const known = saved.steps.map((s: { jobInstanceId?: number }) => s.jobInstanceId).filter(Boolean);
      expect(esb.emu.jobs().map((j) => j.jobInstanceId)).toEqual(known);
    },
  );

  it('a signal while the run is being prepared stops it cleanly: no record and nothing sent, or a finished record', async () => {
    const esb = await startEsb();
    emu = esb.emu;
    const dir = await tempFiles({ 'rb.yaml': runbook(1) });
    const child = spawnCli(['apply', 'rb.yaml', '--yes'], { cwd: dir, env: esb.env });
    child.stdin.end();
    // The run's lock is the first thing apply takes, before it reads the runbook.
    await waitFor('the lock', async () =>
      (await readdir(join(dir, '.runbook', 'runs', '.locks')).catch(() => [])).length > 0 ? true : undefined,
    );
    child.kill('SIGHUP');
    const res = await exited(child);
    expect(res.code).toBe(130);
    const saved = await onlyRecord(dir);
    if (res.stderr.includes('SIGHUP before the run started; nothing was sent')) {
      expect(saved).toBeUndefined();
      expect(esb.emu.jobs()).toHaveLength(0);
    } else {
      // The run had begun: it stopped at once, and its record knows every job it started.
      expect(saved).toMatchObject({ state: 'interrupted', exitCode: 130 });
      const known = saved.steps.map((s: { jobInstanceId?: number }) => s.jobInstanceId).filter(Boolean);
      expect(esb.emu.jobs().map((j) => j.jobInstanceId)).toEqual(known);
    }
  });
});
