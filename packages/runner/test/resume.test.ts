import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Emulator } from '@runbook/emulator';
import { afterEach, describe, expect, it } from 'vitest';
import { jobsOf, startEsb } from './esb.js';
import { block, exited, onlyRecord, runCli, spawnCli, tempFiles, waitFor } from './helpers.js';

/** Three steps; the middle one runs long enough to be interrupted while JOB runs it. */
const runbook = (slowSeconds: number, tail = '') => `version: 1
name: rs
biz: 1
defaults:
  account: root
  timeout: 60
steps:
  - name: before
    hosts: ["127.0.0.1"]
    script: |
${block('echo before done')}
  - name: slow
    hosts: ["127.0.0.1", "127.0.0.2"]
    script: |
${block(`sleep ${slowSeconds}\necho slow done${tail}`)}
  - name: after
    hosts: ["127.0.0.1"]
    script: |
${block('echo after done')}
`;

let emu: Emulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

/** Waits until the record says the slow step's job is running on JOB. */
const slowRunning = (dir: string) =>
  waitFor('the slow step to be running', async () => {
    const r = await onlyRecord(dir);
    const s = r?.steps.find((x: { name: string }) => x.name === 'slow');
    return s?.state === 'running' && s.jobInstanceId
      ? { record: r, jobInstanceId: s.jobInstanceId as number }
      : undefined;
  });

describe('runbook apply --resume', () => {
  it('after the runner is killed while a job runs, re-attaches to that job instead of submitting it again', async () => {
    const esb = await startEsb();
    emu = esb.emu;
    const dir = await tempFiles({ 'rb.yaml': runbook(2) });
    const first = spawnCli(['apply', 'rb.yaml', '--yes', '--poll-initial', '50ms'], {
      cwd: dir,
      env: esb.env,
    });
    const { record, jobInstanceId } = await slowRunning(dir);
    first.kill('SIGKILL');
    await exited(first);
    expect(record.state).toBe('running');

    const res = await runCli(
      ['apply', 'rb.yaml', '--yes', '--resume', record.runId, '--poll-initial', '50ms'],
      {
        cwd: dir,
        env: esb.env,
      },
    );
    // The killed process left its locks behind: they are taken over, saying so, and nothing else is said.
    expect(res.stderr).toContain(`took over the lock of run ${record.runId} from process ${first.pid}`);
    expect(
      res.stderr
        .split('\n')
        .filter((l) => l && !/^runbook: took over the lock of .* no longer running$/.test(l)),
    ).toEqual([]);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain(`[before] skipped: succeeded in run ${record.runId}`);
    expect(res.stdout).toContain(`[slow] re-attached to job ${jobInstanceId}`);
    expect(res.stdout).toContain('slow done');
    // One job per step on JOB, though the slow one was followed by two processes.
    expect(jobsOf(esb.emu, 'rs', 'before')).toHaveLength(1);
    expect(jobsOf(esb.emu, 'rs', 'slow')).toHaveLength(1);
    expect(jobsOf(esb.emu, 'rs', 'after')).toHaveLength(1);
    const done = await onlyRecord(dir);
    expect(done.runId).toBe(record.runId);
    expect(done.state).toBe('succeeded');
    expect(done.steps.map((s: { state: string }) => s.state)).toEqual([
      'succeeded',
      'succeeded',
      'succeeded',
    ]);
    expect(done.resumedAt).toHaveLength(1);

    // Resuming a run that succeeded sends nothing.
    const again = await runCli(['apply', 'rb.yaml', '--yes', '--resume', record.runId], {
      cwd: dir,
      env: esb.env,
    });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('nothing to run: every step is skipped');
    expect(esb.emu.jobs()).toHaveLength(3);
  });

  it('SIGINT: stops submitting, leaves the job running, prints the resume command, exits 130; a changed runbook is refused', async () => {
    const esb = await startEsb();
    emu = esb.emu;
    const dir = await tempFiles({ 'rb.yaml': runbook(2) });
    const child = spawnCli(['apply', 'rb.yaml', '--yes', '--poll-initial', '50ms'], {
      cwd: dir,
      env: esb.env,
    });
    const { record, jobInstanceId } = await slowRunning(dir);
    child.kill('SIGINT');
    const res = await exited(child);
    expect(res.code).toBe(130);
    expect(res.stdout).toContain('interrupted (SIGINT): the running job is left alone');
    expect(res.stderr).toContain(`runbook apply rb.yaml --resume ${record.runId}`);
    const saved = await onlyRecord(dir);
    expect(saved.state).toBe('interrupted');
    expect(saved.steps.map((s: { state: string }) => s.state)).toEqual(['succeeded', 'detached', 'pending']);
    expect(saved.steps[1].jobInstanceId).toBe(jobInstanceId);
    expect(jobsOf(esb.emu, 'rs', 'after')).toHaveLength(0);
    // JOB was not asked to stop the job: it finishes on its own.
    await waitFor('the slow job to finish on JOB', () =>
      esb.emu.jobs().find((j) => j.jobInstanceId === jobInstanceId && j.status === 3),
    );

    await writeFile(join(dir, 'rb.yaml'), runbook(3));
    const refused = await runCli(['apply', 'rb.yaml', '--yes', '--resume', record.runId], {
      cwd: dir,
      env: esb.env,
    });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      `cannot resume run ${record.runId} with this runbook: a resume never runs again a step that succeeded, nor changes a step whose job may still run
  step slow changed (script) while its job ${jobInstanceId} from the earlier run may still be running the earlier version
nothing was sent
hint: restore the runbook as it was and resume first (the running job is followed, never sent again); change it once that step has finished:
  runbook apply rb.yaml --resume ${record.runId}
`,
    );
    expect(esb.emu.jobs()).toHaveLength(2);

    await writeFile(join(dir, 'rb.yaml'), runbook(2));
    const resumed = await runCli(['apply', 'rb.yaml', '--yes', '--resume', record.runId], {
      cwd: dir,
      env: esb.env,
    });
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toContain(`[slow] re-attached to job ${jobInstanceId}`);
    expect(jobsOf(esb.emu, 'rs', 'slow')).toHaveLength(1);
    expect(jobsOf(esb.emu, 'rs', 'after')).toHaveLength(1);
  });

  it('--terminate-on-interrupt asks JOB to terminate the running job', async () => {
    const esb = await startEsb();
    emu = esb.emu;
    const dir = await tempFiles({ 'rb.yaml': runbook(20) });
    const child = spawnCli(
      ['apply', 'rb.yaml', '--yes', '--terminate-on-interrupt', '--poll-initial', '50ms'],
      {
        cwd: dir,
        env: esb.env,
      },
    );
    const { jobInstanceId } = await slowRunning(dir);
    child.kill('SIGTERM');
    const res = await exited(child);
    expect(res.code).toBe(130);
    expect(res.stdout).toContain('interrupted (SIGTERM): terminating the running job');
    expect(esb.emu.calls().operate_job_instance).toBe(1);
    const job = await waitFor('the job to be terminated', () =>
      esb.emu.jobs().find((j) => j.jobInstanceId === jobInstanceId && j.status !== 2 && j.status !== 10),
    );
    expect(job.status).toBe(11);
  });

  it('a submit whose answer was lost is recorded as "may have started"; resume will not resubmit it without a person', async () => {
    const esb = await startEsb();
    emu = esb.emu;
    esb.emu.setFaults([{ call: 'fast_execute_script', kind: 'drop_after_create', times: 1 }]);
    const dir = await tempFiles({
      'rb.yaml': `version: 1\nname: lost\nbiz: 1\ndefaults: { account: root }\nsteps:\n  - name: one\n    hosts: ["127.0.0.1"]\n    script: echo one\n`,
    });
    const res = await runCli(['apply', 'rb.yaml', '--yes'], { cwd: dir, env: esb.env });
    expect(res.code).toBe(3);
    expect(res.stdout).toContain('the job MAY HAVE STARTED');
    expect(res.stdout).toContain('lost/one');
    expect(esb.emu.jobs()).toHaveLength(1);
    const record = await onlyRecord(dir);
    expect(record.steps[0].state).toBe('may-have-started');

    const again = await runCli(['apply', 'rb.yaml', '--yes', '--resume', record.runId], {
      cwd: dir,
      env: esb.env,
    });
    expect(again.code).toBe(4);
    expect(again.stderr).toContain('no terminal');
    expect(esb.emu.jobs()).toHaveLength(1);
  });

  it('a --local run stopped mid-job cannot be re-attached (its emulator stopped with it): resume asks a person', async () => {
    const dir = await tempFiles({ 'rb.yaml': runbook(5) });
    const child = spawnCli(['apply', 'rb.yaml', '--local', '--yes', '--poll-initial', '50ms'], { cwd: dir });
    const { record } = await slowRunning(dir);
    child.kill('SIGINT');
    const res = await exited(child);
    expect(res.code).toBe(130);
    expect(res.stdout).toContain('the embedded emulator stops with the runner');
    expect(res.stderr).toContain(`runbook apply rb.yaml --resume ${record.runId} --local`);
    const again = await runCli(['apply', 'rb.yaml', '--local', '--yes', '--resume', record.runId], {
      cwd: dir,
    });
    expect(again.code).toBe(4);
    expect(again.stderr).toContain('in the embedded emulator of the earlier run, which stopped with it');
    expect(again.stderr).toContain('--yes does not answer that');
    expect((await onlyRecord(dir)).steps.map((s: { state: string }) => s.state)).toEqual([
      'succeeded',
      'detached',
      'pending',
    ]);
  });

  it('a second signal while the first is being handled exits at once, with the resume command', async () => {
    const esb = await startEsb();
    emu = esb.emu;
    // Terminating takes long here, so the run is still handling the first signal when the second comes.
    esb.emu.setFaults([{ call: 'operate_job_instance', kind: 'latency', ms: 15_000 }]);
    const dir = await tempFiles({ 'rb.yaml': runbook(20) });
    const child = spawnCli(
      ['apply', 'rb.yaml', '--yes', '--terminate-on-interrupt', '--poll-initial', '50ms'],
      {
        cwd: dir,
        env: esb.env,
      },
    );
    const { record } = await slowRunning(dir);
    child.kill('SIGTERM');
    await waitFor('the terminate request', () => (esb.emu.calls().operate_job_instance ? true : undefined));
    child.kill('SIGINT');
    const res = await exited(child, 10_000);
    expect(res.code).toBe(130);
    expect(res.stderr).toContain(
      `second SIGINT: exiting now. Run id ${record.runId}; resume with: runbook apply rb.yaml --resume ${record.runId}`,
    );
    const saved = await onlyRecord(dir);
    expect(saved.steps[1]).toMatchObject({ state: 'detached', jobInstanceId: expect.any(Number) });
  });
});
