import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import type { Emulator } from '@runbook/emulator';
import { afterEach, describe, expect, it } from 'vitest';
import { processStart } from '../src/record/process.js';
import { runLockPath } from '../src/record/run-locks.js';
import { jobsOf, startEsb } from './esb.js';
import { exited, onlyRecord, runCli, spawnCli, tempFiles, waitFor } from './helpers.js';

// Issue 12, item 3: two `--resume` of one run started together both submitted (the busy check read
// a pid long before the new process wrote it). Now an exclusive lock is taken before anything is
// decided: per run, and per runbook + JOB scope for a new run.

const runbook = (slowSeconds: number) => `version: 1
name: lk
biz: 1
defaults:
  account: root
  timeout: 60
steps:
  - name: first
    hosts: ["127.0.0.1"]
    script: echo first
  - name: slow
    hosts: ["127.0.0.1"]
    script: sleep ${slowSeconds}; echo slow done
`;

let emu: Emulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

/** A pid that no process has: a process that ran and was reaped. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  const pid = child.pid!;
  await new Promise((r) => child.on('close', r));
  return pid;
}

/** Writes a lock file as another process would have left it. */
async function plantLock(path: string, holder: { pid: number; start?: string }): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(
    path,
    JSON.stringify({
      ...holder,
      host: hostname(),
      since: '2026-11-27T10:00:00.000Z',
      command: 'runbook apply planted.yaml',
      nonce: 'planted',
    }),
  );
}

describe('locks: one process per run, one apply per runbook and JOB scope', () => {
  it('two --resume of one run started at the same instant: exactly one submits, the other is refused naming it', async () => {
    const esb = await startEsb();
    emu = esb.emu;
    const dir = await tempFiles({ 'rb.yaml': runbook(2) });
    // A run whose second step was not run yet: a resume submits it.
    const first = await runCli(['apply', 'rb.yaml', '--yes', '--only', 'first'], { cwd: dir, env: esb.env });
    expect(first.code).toBe(0);
    const { runId } = await onlyRecord(dir);
    const args = ['apply', 'rb.yaml', '--yes', '--resume', runId];
    const a = spawnCli(args, { cwd: dir, env: esb.env });
    const b = spawnCli(args, { cwd: dir, env: esb.env });
    a.stdin.end();
    b.stdin.end();
    const [ra, rb] = await Promise.all([exited(a), exited(b)]);
    expect(jobsOf(esb.emu, 'lk', 'slow')).toHaveLength(1);
    expect([ra.code, rb.code].sort()).toEqual([0, 2]);
    const [winner, loser] = ra.code === 0 ? [a, rb] : [b, ra];
    expect(loser.stderr).toContain(`run ${runId} is being applied by process ${winner.pid} (since `);
    expect(loser.stderr).toContain(`runbook apply rb.yaml --yes --resume ${runId}`);
    expect(loser.stderr).toContain('nothing was sent');
    expect(loser.stdout).toBe('');
    const done = await onlyRecord(dir);
    expect(done.state).toBe('succeeded');
    expect(done.resumedAt).toHaveLength(1);
  });

  it('three applies of one runbook to one JOB scope at once: one runs, two are refused; --allow-concurrent and separate state folders run', async () => {
    const esb = await startEsb();
    emu = esb.emu;
    const dir = await tempFiles({ 'rb.yaml': runbook(2) });
    const kids = [0, 1, 2].map(() => spawnCli(['apply', 'rb.yaml', '--yes'], { cwd: dir, env: esb.env }));
    for (const k of kids) k.stdin.end();
    const results = await Promise.all(kids.map((k) => exited(k)));
    expect(results.map((r) => r.code).sort()).toEqual([0, 2, 2]);
    const winner = kids[results.findIndex((r) => r.code === 0)]!;
    for (const r of results.filter((x) => x.code === 2)) {
      expect(r.stderr).toContain(
        `/rb.yaml on ${esb.emu.url} (biz 1) is being applied by process ${winner.pid}`,
      );
      expect(r.stderr).toContain('--allow-concurrent');
    }
    expect(jobsOf(esb.emu, 'lk', 'first')).toHaveLength(1);
    expect(jobsOf(esb.emu, 'lk', 'slow')).toHaveLength(1);

    // On purpose: both run, each its own run.
    const both = [0, 1].map(() =>
      spawnCli(['apply', 'rb.yaml', '--yes', '--allow-concurrent'], { cwd: dir, env: esb.env }),
    );
    for (const k of both) k.stdin.end();
    expect((await Promise.all(both.map((k) => exited(k)))).map((r) => r.code)).toEqual([0, 0]);
    expect(jobsOf(esb.emu, 'lk', 'slow')).toHaveLength(3);

    // Separate state folders do not see each other's locks.
    const apart = ['s1', 's2'].map((s) =>
      spawnCli(['apply', 'rb.yaml', '--yes', '--state-dir', s], { cwd: dir, env: esb.env }),
    );
    for (const k of apart) k.stdin.end();
    expect((await Promise.all(apart.map((k) => exited(k)))).map((r) => r.code)).toEqual([0, 0]);
    expect(jobsOf(esb.emu, 'lk', 'slow')).toHaveLength(5);
  });

  it('a lock whose process is gone, or whose pid now runs another process, is taken over; a live one is not', async () => {
    const esb = await startEsb();
    emu = esb.emu;
    const dir = await tempFiles({ 'rb.yaml': runbook(0) });
    const first = await runCli(['apply', 'rb.yaml', '--yes', '--only', 'first'], { cwd: dir, env: esb.env });
    expect(first.code).toBe(0);
    const { runId } = await onlyRecord(dir);
    const lock = runLockPath(join(dir, '.runbook', 'runs'), runId);
    const resume = () => runCli(['apply', 'rb.yaml', '--yes', '--resume', runId], { cwd: dir, env: esb.env });

    // Held by a live process (this one, with its true start time): refused, nothing sent.
    await plantLock(lock, {
      pid: process.pid,
      ...(processStart(process.pid) ? { start: processStart(process.pid) } : {}),
    });
    const refused = await resume();
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      `run ${runId} is being applied by process ${process.pid} (since 2026-11-27T10:00:00.000Z: runbook apply planted.yaml)`,
    );
    expect(jobsOf(esb.emu, 'lk', 'slow')).toHaveLength(0);

    // The same pid with another start time: the pid was reused by another process.
    await plantLock(lock, { pid: process.pid, start: 'another-boot:1' });
    const reused = await resume();
    expect(reused.stderr).toContain(`took over the lock of run ${runId} from process ${process.pid}`);
    expect(reused.code).toBe(0);
    expect(jobsOf(esb.emu, 'lk', 'slow')).toHaveLength(1);

    // A pid no process has.
    const dead = await deadPid();
    await plantLock(lock, { pid: dead });
    const again = await resume();
    expect(again.stderr).toContain(`took over the lock of run ${runId} from process ${dead}`);
    expect(again.code).toBe(0);
    // The run had succeeded: the resume sent nothing.
    expect(jobsOf(esb.emu, 'lk', 'slow')).toHaveLength(1);
  });

  it('a recorded pid alone never blocks a resume; a run whose process was killed shows as interrupted', async () => {
    const esb = await startEsb();
    emu = esb.emu;
    const dir = await tempFiles({ 'rb.yaml': runbook(30) });
    const child = spawnCli(['apply', 'rb.yaml', '--yes'], { cwd: dir, env: esb.env });
    child.stdin.end();
    const running = await waitFor('the slow step to run', async () => {
      const r = await onlyRecord(dir);
      return r?.steps[1].state === 'running' ? r : undefined;
    });
    const live = await runCli(['runs', '--json'], { cwd: dir });
    expect(JSON.parse(live.stdout)).toMatchObject({ runId: running.runId, state: 'running' });
    child.kill('SIGKILL');
    await exited(child);
    const listed = await runCli(['runs'], { cwd: dir });
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(new RegExp(`${running.runId}\\s+interrupted \\(process gone\\)`));
    const json = await runCli(['runs', '--json'], { cwd: dir });
    expect(JSON.parse(json.stdout)).toMatchObject({ state: 'interrupted', processGone: true });

    // The record still names the killed process's pid; a live process now holding that pid number
    // (here: this test process) must not block the resume.
    const rec = await onlyRecord(dir);
    rec.pid = process.pid;
    await writeFile(join(dir, '.runbook', 'runs', rec.runId, 'record.json'), JSON.stringify(rec));
    const resumed = spawnCli(['apply', 'rb.yaml', '--yes', '--resume', rec.runId], {
      cwd: dir,
      env: esb.env,
    });
    resumed.stdin.end();
    await waitFor('the resume to re-attach', () =>
      resumed.output().stdout.includes('re-attached to job') ? true : undefined,
    );
    resumed.kill('SIGTERM');
    const end = await exited(resumed);
    expect(end.code).toBe(130);
    expect(jobsOf(esb.emu, 'lk', 'slow')).toHaveLength(1);
  });
});
