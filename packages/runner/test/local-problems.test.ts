import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Emulator } from '@runbook/emulator';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunEvent } from '../src/engine/events.js';
import { startEsb } from './esb.js';
import { onlyRecord, runCli, tempFiles } from './helpers.js';

// Issue 12, item 8: a read-only or non-directory state folder, or a full disk, exited 3 ("JOB could
// not be used"), and a disk filling up mid-run left the record "running" with no job ids printed.
// Now: exit 5, a local problem; nothing sent when found before the first submit; mid-run, the job
// being followed is followed to its end, no further step is submitted, and every job id is printed.
//
// Tests run as root, for whom chmod does not make a folder read-only: the read-only and full state
// folders are real tmpfs mounts (read-only, or filled up) in a private mount namespace of the CLI
// process (`unshare -rm`: a user namespace maps the caller to root inside, so this also works
// unprivileged where user namespaces are allowed). The mounts vanish with the process.

/** `unshare -rm sh -c 'mount … "$1"; shift; exec "$@"'`: the CLI runs with a tmpfs mounted on `dir`. */
function onTmpfs(dir: string, options: string, fill = false): string[] {
  const script = `mount -t tmpfs -o ${options} tmpfs "$1" || exit 97; ${fill ? 'head -c 64M /dev/zero > "$1/fill" 2>/dev/null; ' : ''}shift; exec "$@"`;
  return ['unshare', '-rm', 'sh', '-c', script, 'sh', dir];
}

/** Fails (with what to do) where this machine cannot mount a tmpfs in a private namespace. */
let probed = false;
async function needMounts(): Promise<void> {
  if (probed) return;
  const probe = await mkdtemp(join(tmpdir(), 'runbook-mount-'));
  const [command, ...args] = onTmpfs(probe, 'size=64k');
  const r = spawnSync(command!, [...args, 'true'], { encoding: 'utf8' });
  if (r.status !== 0) {
    throw new Error(
      `this test mounts a tmpfs in a private namespace with "unshare -rm" (util-linux), which failed here (exit ${r.status}: ${r.stderr}); run it where unshare and mount namespaces are allowed`,
    );
  }
  probed = true;
}

let emu: Emulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

const RUNBOOK = `version: 1
name: lp
biz: 1
defaults:
  account: root
  timeout: 60
steps:
  - name: one
    hosts: ["127.0.0.1"]
    script: echo one
`;

const events = (stdout: string) =>
  stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as RunEvent);

describe('local problems exit 5', () => {
  it('a state folder under a regular file (ENOTDIR): exit 5 before anything is sent; runs says so too', async () => {
    const esb = await startEsb();
    emu = esb.emu;
    const dir = await tempFiles({ 'rb.yaml': RUNBOOK });
    const res = await runCli(['apply', 'rb.yaml', '--yes', '--state-dir', 'rb.yaml/runs'], {
      cwd: dir,
      env: esb.env,
    });
    expect(res.code).toBe(5);
    expect(res.stderr).toContain('a part of the path is a file, not a folder (ENOTDIR)');
    expect(res.stderr).toContain('hint: make the state folder writable');
    expect(res.stdout).toBe('');
    expect(esb.emu.calls().fast_execute_script ?? 0).toBe(0);
    const runs = await runCli(['runs', '--state-dir', 'rb.yaml'], { cwd: dir });
    expect(runs.code).toBe(5);
  });

  it('a read-only state folder: exit 5 before anything is sent', async () => {
    await needMounts();
    const esb = await startEsb();
    emu = esb.emu;
    const dir = await tempFiles({ 'rb.yaml': RUNBOOK });
    await mkdir(join(dir, 'state'));
    const res = await runCli(['apply', 'rb.yaml', '--yes', '--state-dir', 'state'], {
      cwd: dir,
      env: esb.env,
      prefix: onTmpfs(join(dir, 'state'), 'ro,size=64k'),
    });
    expect(res.code).toBe(5);
    expect(res.stderr).toContain('the file system is read-only (EROFS)');
    expect(esb.emu.calls().fast_execute_script ?? 0).toBe(0);
  });

  it('a full disk before the first submit: exit 5, nothing sent', async () => {
    await needMounts();
    const esb = await startEsb();
    emu = esb.emu;
    const dir = await tempFiles({ 'rb.yaml': RUNBOOK });
    await mkdir(join(dir, 'state'));
    const res = await runCli(['apply', 'rb.yaml', '--yes', '--state-dir', 'state'], {
      cwd: dir,
      env: esb.env,
      prefix: onTmpfs(join(dir, 'state'), 'size=64k', true),
    });
    expect(res.code).toBe(5);
    expect(res.stderr).toContain('the disk is full (ENOSPC)');
    expect(res.stderr).toContain('hint: free some space');
    expect(esb.emu.calls().fast_execute_script ?? 0).toBe(0);
  });

  it('a run folder that cannot take the record (read-only), found after the locks: exit 5, nothing sent', async () => {
    await needMounts();
    const esb = await startEsb();
    emu = esb.emu;
    const dir = await tempFiles({
      'rb.yaml': `${RUNBOOK}  - name: two\n    hosts: ["127.0.0.1"]\n    script: echo two\n`,
    });
    const first = await runCli(['apply', 'rb.yaml', '--yes', '--only', 'one'], { cwd: dir, env: esb.env });
    expect(first.code).toBe(0);
    const { runId } = await onlyRecord(dir);
    const folder = join(dir, '.runbook', 'runs', runId);
    const res = await runCli(['apply', 'rb.yaml', '--yes', '--resume', runId], {
      cwd: dir,
      env: esb.env,
      prefix: [
        'unshare',
        '-rm',
        'sh',
        '-c',
        'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && shift && exec "$@"',
        'sh',
        folder,
      ],
    });
    expect(res.code).toBe(5);
    expect(res.stderr).toContain(`cannot save the record of run ${runId}`);
    expect(res.stderr).toContain('the file system is read-only (EROFS)');
    expect(esb.emu.jobs()).toHaveLength(1);
  });

  it('the disk fills up mid-run: the step is followed to its end, no further step is sent, every job id is printed, exit 5', async () => {
    await needMounts();
    const dir = await tempFiles({});
    const state = join(dir, 'state');
    await mkdir(state);
    // Runs with --local: the embedded emulator's scripts run inside the CLI's mount namespace, so the
    // second step can fill the state folder's disk while the run goes on.
    await writeFile(
      join(dir, 'rb.yaml'),
      `version: 1
name: fill
biz: 1
defaults:
  account: root
  timeout: 60
steps:
  - name: s1
    hosts: ["127.0.0.1"]
    script: echo one
  - name: s2
    hosts: ["127.0.0.1"]
    script: head -c 64M /dev/zero > ${state}/fill; echo filled
  - name: s3
    hosts: ["127.0.0.1"]
    script: echo three
`,
    );
    const res = await runCli(
      ['apply', 'rb.yaml', '--local', '--yes', '--ui', 'json', '--state-dir', 'state'],
      {
        cwd: dir,
        prefix: onTmpfs(state, 'size=256k'),
        timeoutMs: 30_000,
      },
    );
    expect(res.code).toBe(5);
    const evs = events(res.stdout);
    const submitted = evs.filter((e) => e.type === 'step.submitted');
    expect(submitted.map((e) => (e.type === 'step.submitted' ? e.step : ''))).toEqual(['s1', 's2']);
    expect(evs.some((e) => e.type === 'step.submitting' && e.step === 's3')).toBe(false);
    expect(evs.find((e) => e.type === 'step.finished' && e.step === 's2')).toMatchObject({ ok: true });
    expect(evs.at(-1)).toMatchObject({ type: 'run.finished', exitCode: 5 });
    expect(res.stderr).toContain('the disk is full (ENOSPC)');
    for (const e of submitted) {
      if (e.type === 'step.submitted') expect(res.stderr).toContain(`  ${e.step}: job ${e.jobInstanceId} (`);
    }
  });
});
