import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runDir } from '../../src/record/store.js';
import { renderHtml } from '../../src/report/html.js';
import { logReader } from '../../src/report/logs.js';
import { renderMarkdown } from '../../src/report/md.js';
import { buildModel } from '../../src/report/model.js';
import type { ReportRecord } from '../../src/report/record-view.js';
import { startEsb } from '../esb.js';
import { block, exited, onlyRecord, runCli, spawnCli, tempFiles, waitFor } from '../helpers.js';
import { rollingResumed } from './fixtures.js';
import { normalise } from './normalise.js';

// Issue 19: `runbook report RUN` from the record alone. The records come from real runs through the
// emulator (a run that succeeded; one that failed, was fixed and resumed; one interrupted; a rolling
// one in report-rolling.test.ts), and from a fixture in the contract's shape for what no engine
// run makes yet here (host outputs, a partial step, a resume that changed a script).

const hosts = '["127.0.0.1", "127.0.0.2", "127.0.0.3"]';
const runbook = (fixed: string) => `version: 1
name: svc-maintenance
description: restart the app behind the balancer
biz: 1
vars:
  port: { type: integer, default: 8080 }
defaults:
  account: root
  timeout: 60
steps:
  - name: check-disk
    hosts: ${hosts}
    script: |
${block('echo "disk ok: 41% used"')}
  - name: restart
    hosts: ${hosts}
    script: |
${block(`if [ ! -e ${fixed} ]; then
  case "$RUNBOOK_EMU_HOST_IP" in
    127.0.0.2|127.0.0.3) echo "restarting app"; echo "port \${{ vars.port }} still in use"; exit 3 ;;
  esac
fi
echo "restarted"`)}
  - name: verify
    hosts: ${hosts}
    script: |
${block('echo healthy')}
`;

const slowRunbook = `version: 1
name: svc-slow
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
${block('sleep 30\necho slow done')}
  - name: after
    hosts: ["127.0.0.1"]
    script: |
${block('echo after done')}
`;

/** A runbook secret echoed by a failing script: masked in the logs and the record, so in the report. */
const CANARY = 'CANARY-rep-<&>"q\'-9Zx';
const secretRunbook = `version: 1
name: svc-secret
biz: 1
secrets:
  api_key: { env: RB_API_KEY, description: a canary }
defaults:
  account: root
  timeout: 60
steps:
  - name: uses-key
    hosts: ["127.0.0.1", "127.0.0.2"]
    params: "\${{ secrets.api_key }}"
    script: |
${block('echo "calling with $1"\nexit 2')}
`;

const SNAP = './__snapshots__';
const runs: Record<string, { dir: string; record: ReportRecord }> = {};

/** Both formats of a record's report, as the command renders them (logs read from the run folder). */
const renderBoth = (record: ReportRecord, readLog: (rel: string) => string) => {
  const model = buildModel(record, { readLog });
  return { md: renderMarkdown(model), html: renderHtml(model) };
};
const fromDir = (dir: string, record: ReportRecord) =>
  renderBoth(normalise(record, dir), logReader(runDir(join(dir, '.runbook', 'runs'), record.runId)));

beforeAll(async () => {
  const esb = await startEsb();
  try {
    // A run that succeeded.
    const ok = await tempFiles({ 'rb.yaml': runbook('/') });
    const first = await runCli(['apply', 'rb.yaml', '--yes'], { cwd: ok, env: esb.env });
    expect(first.code, first.stderr).toBe(0);
    runs.succeeded = { dir: ok, record: await onlyRecord(ok) };

    // A run that failed on two hosts; the cause is fixed on the hosts, and the run resumed.
    const failing = await tempFiles({ 'rb.yaml': '' });
    await writeFile(join(failing, 'rb.yaml'), runbook(join(failing, 'fixed')));
    const failed = await runCli(['apply', 'rb.yaml', '--yes'], { cwd: failing, env: esb.env });
    expect(failed.code, failed.stderr).toBe(1);
    const id = (await onlyRecord(failing)).runId as string;
    await writeFile(join(failing, 'fixed'), 'yes\n');
    const resumed = await runCli(['apply', 'rb.yaml', '--yes', '--resume', id], {
      cwd: failing,
      env: { ...esb.env, BK_USERNAME: 'fixer' },
    });
    expect(resumed.code, resumed.stderr).toBe(0);
    runs.resumed = { dir: failing, record: await onlyRecord(failing) };

    // A run interrupted while a step runs on JOB.
    const slow = await tempFiles({ 'rb.yaml': slowRunbook });
    const child = spawnCli(['apply', 'rb.yaml', '--yes', '--poll-initial', '50ms'], {
      cwd: slow,
      env: esb.env,
    });
    child.stdin.end();
    await waitFor('the slow step to run', async () => {
      const r = await onlyRecord(slow);
      return r?.steps[1]?.state === 'running' ? true : undefined;
    });
    child.kill('SIGINT');
    expect((await exited(child)).code).toBe(130);
    runs.interrupted = { dir: slow, record: await onlyRecord(slow) };

    // A run whose failing hosts printed a secret.
    const secret = await tempFiles({ 'rb.yaml': secretRunbook });
    const leaked = await runCli(['apply', 'rb.yaml', '--yes'], {
      cwd: secret,
      env: { ...esb.env, RB_API_KEY: CANARY },
    });
    expect(leaked.code, leaked.stderr).toBe(1);
    runs.secret = { dir: secret, record: await onlyRecord(secret) };
  } finally {
    // Everything below reads the records alone: JOB is gone.
    await esb.emu.close();
  }
}, 120_000);

describe('report snapshots (both formats)', () => {
  it('a run that succeeded', async () => {
    const { dir, record } = runs.succeeded!;
    expect(record.operator).toBe('tester');
    expect(record.finishedAt).toBeDefined();
    expect(record.steps.every((s) => s.startedAt !== undefined)).toBe(true);
    const { md, html } = fromDir(dir, record);
    await expect(md).toMatchFileSnapshot(`${SNAP}/succeeded.md`);
    await expect(html).toMatchFileSnapshot(`${SNAP}/succeeded.html`);
  });

  it('a run that failed on two hosts, fixed and resumed by another operator', async () => {
    const { dir, record } = runs.resumed!;
    expect(record.state).toBe('succeeded');
    expect(record.operator).toBe('tester');
    expect(record.resumes).toMatchObject([{ operator: 'fixer', changes: [] }]);
    const { md, html } = fromDir(dir, record);
    expect(md).toContain('| 1 | 2026-12-01 02:01:40 UTC | fixer | nothing in the runbook |');
    await expect(md).toMatchFileSnapshot(`${SNAP}/failed-resumed.md`);
    await expect(html).toMatchFileSnapshot(`${SNAP}/failed-resumed.html`);
  });

  it('a run interrupted while a step ran on JOB', async () => {
    const { dir, record } = runs.interrupted!;
    expect(record.state).toBe('interrupted');
    expect(record.steps.map((s) => s.state)).toEqual(['succeeded', 'detached', 'pending']);
    const { md, html } = fromDir(dir, record);
    expect(md).toContain('left running in JOB, not followed to its end');
    // The detached step's bar has no end: it runs to the end of the timeline, dashed.
    expect(html).toMatch(
      /<rect data-bar="" data-step="slow" data-result="detached" class="bar b-unknown open"/,
    );
    await expect(md).toMatchFileSnapshot(`${SNAP}/interrupted.md`);
    await expect(html).toMatchFileSnapshot(`${SNAP}/interrupted.html`);
  });

  it('a rolling run that failed in its second batch, resumed after a changed script, with outputs (fixture)', async () => {
    const { record, logs } = rollingResumed();
    const { md, html } = renderBoth(record, (rel) => logs[rel] ?? '');
    await expect(md).toMatchFileSnapshot(`${SNAP}/rolling-resumed.fixture.md`);
    await expect(html).toMatchFileSnapshot(`${SNAP}/rolling-resumed.fixture.html`);
  });
});

describe('the earlier attempt of a step a resume ran again', () => {
  it('stays in the record, and runbook logs prints its logs with --attempts', async () => {
    const { dir, record } = runs.resumed!;
    const restart = record.steps.find((s) => s.name === 'restart')!;
    const attempts = restart.attempts ?? [];
    // The first run's job and result, and the two hosts it failed on with their own logs.
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({ state: 'failed', counts: { succeeded: 1, failed: 2 } });
    expect(attempts[0]!.jobInstanceId).not.toBe(restart.jobInstanceId);
    expect(attempts[0]!.hosts!.map((h) => [h.ip, h.log])).toEqual([
      ['127.0.0.2', 'logs/restart/0-127.0.0.2.attempt-1.log'],
      ['127.0.0.3', 'logs/restart/0-127.0.0.3.attempt-1.log'],
    ]);
    const latest = await runCli(['logs', record.runId, '--step', 'restart'], { cwd: dir });
    expect(latest.code).toBe(0);
    expect(latest.stdout.match(/^==> restart /gm)).toHaveLength(3);
    expect(latest.stdout).not.toContain('still in use');
    expect(latest.stderr).toContain('2 logs of earlier attempts not shown');
    const all = await runCli(['logs', record.runId, '--step', 'restart', '--attempts'], { cwd: dir });
    expect(all.code).toBe(0);
    expect(all.stderr).toBe('');
    expect(all.stdout).toMatch(
      /==> restart 0:127\.0\.0\.2 attempt 1 \(failed, exit 3\) <==\n.*job_start\nrestarting app\nport 8080 still in use\n/,
    );
    expect(all.stdout).toMatch(
      /==> restart 0:127\.0\.0\.2 attempt 2 \(ok, exit 0\) <==\n.*job_start\nrestarted\n/,
    );
    // Earlier attempts first, then the latest.
    expect(all.stdout.indexOf('attempt 1')).toBeLessThan(all.stdout.indexOf('attempt 2'));
    const linked = await runCli(['logs', record.runId, '--step', 'restart', '--attempts'], {
      cwd: dir,
      env: { BK_JOB_WEB_URL: 'https://job.example.com/' },
    });
    const first = attempts[0]!.jobInstanceId!;
    expect(linked.stdout).toContain(
      `==> restart attempt 1: job ${first} in JOB: https://job.example.com/biz/1/execute/quick-launch/${first} <==`,
    );
    const one = await runCli(['logs', record.runId, '--host', '127.0.0.1', '--attempts'], { cwd: dir });
    expect(one.stdout).not.toContain('attempt 1');
  }, 60_000);
});

describe('runbook report (the command)', () => {
  it('prints the Markdown of the last run, with JOB gone, the same as the library renders it', async () => {
    const { dir, record } = runs.resumed!;
    const out = await runCli(['report', 'last'], { cwd: dir });
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    const model = buildModel(record, {
      readLog: logReader(runDir(join(dir, '.runbook', 'runs'), record.runId)),
    });
    expect(out.stdout).toBe(renderMarkdown(model));
    expect(out.stdout).toContain('| **Operator** | tester |');
    const byId = await runCli(['report', record.runId, '--state-dir', join(dir, '.runbook', 'runs')], {
      cwd: '/',
    });
    expect(byId.stdout).toBe(out.stdout);
  }, 120_000);

  it('links JOB jobs when BK_JOB_WEB_URL is set; writes HTML with -o (the format follows the name)', async () => {
    const { dir, record } = runs.succeeded!;
    const md = await runCli(['report', 'last'], {
      cwd: dir,
      env: { BK_JOB_WEB_URL: 'https://job.example.com/' },
    });
    const job = record.steps[0]!.jobInstanceId!;
    expect(md.stdout).toContain(`[${job}](https://job.example.com/biz/1/execute/quick-launch/${job})`);
    const out = await runCli(['report', record.runId, '-o', 'report.html'], { cwd: dir });
    expect(out.code).toBe(0);
    expect(out.stderr).toContain(`report of run ${record.runId} written to report.html`);
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toMatch(/^<!doctype html>/);
    const md2 = await runCli(['report', 'last', '--format', 'md', '-o', 'r.html'], { cwd: dir });
    expect(md2.code).toBe(0);
    expect(readFileSync(join(dir, 'r.html'), 'utf8')).toMatch(/^# Run /);
  }, 120_000);

  it('a run that is not there: exit 2, the runs that are, and the likely one', async () => {
    const { dir, record } = runs.succeeded!;
    const typo = `${record.runId.slice(0, -1)}${record.runId.endsWith('0') ? '1' : '0'}`;
    const bad = await runCli(['report', typo], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toContain(`no run "${typo}"`);
    expect(bad.stderr).toContain(`did you mean ${record.runId}?`);
    expect(bad.stderr).toContain(`recent runs: ${record.runId}`);
    const suffix = await runCli(['report', record.runId.slice(-6)], { cwd: dir });
    expect(suffix.code).toBe(2);
    expect(suffix.stderr).toContain(`did you mean ${record.runId}?`);
    const degenerate = ['../etc', '', 'x', '運行', 'a'.repeat(5000)];
    const results = await Promise.all(degenerate.map((arg) => runCli(['report', arg], { cwd: dir })));
    for (const [i, r] of results.entries()) {
      expect(r.code, degenerate[i]).toBe(2);
      expect(r.stderr).toContain('recent runs:');
    }
    const none = await runCli(['report', 'last'], { cwd: await tempFiles({}) });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('no run recorded in');
  }, 120_000);

  it('a secret the hosts printed is masked in both formats, in every form', async () => {
    const { dir } = runs.secret!;
    const [md, html] = await Promise.all([
      runCli(['report', 'last'], { cwd: dir }),
      runCli(['report', 'last', '--format', 'html'], { cwd: dir }),
    ]);
    expect(md.code).toBe(0);
    expect(html.code).toBe(0);
    expect(md.stdout).toContain('calling with ***');
    expect(html.stdout).toContain('calling with ***');
    const forms = [
      CANARY,
      CANARY.slice(0, 12),
      JSON.stringify(CANARY).slice(1, -1),
      'CANARY-rep-&lt;&amp;&gt;',
    ];
    for (const text of [md.stdout, md.stderr, html.stdout, html.stderr]) {
      for (const f of forms) expect(text).not.toContain(f);
    }
  }, 120_000);

  it('usage: --help, no RUN, a bad --format, an -o that cannot be written', async () => {
    const { dir } = runs.succeeded!;
    const help = await runCli(['report', '--help'], { cwd: dir });
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: runbook report RUN [options]');
    expect(help.stdout).toContain('--format md|html');
    expect((await runCli(['--help'])).stdout).toContain('runbook report RUN');
    const noRun = await runCli(['report'], { cwd: dir });
    expect(noRun.code).toBe(2);
    expect(noRun.stderr).toContain('report needs a run id (see runbook runs) or last: runbook report RUN');
    const pdf = await runCli(['report', 'last', '--format', 'pdf'], { cwd: dir });
    expect(pdf.code).toBe(2);
    expect(pdf.stderr).toContain('--format pdf: give md or html');
    const unwritable = await runCli(['report', 'last', '-o', join(dir, 'no', 'such', 'r.md')], { cwd: dir });
    expect(unwritable.code).toBe(5);
    expect(unwritable.stderr).toContain('cannot write the report to');
    expect(existsSync(join(dir, 'no'))).toBe(false);
  }, 120_000);
});
