/** Every path the runner writes or reads in a run folder stays inside it. */

import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadRunbook } from '@runbook/schema';
import { describe, expect, it } from 'vitest';
import { resolvePlan } from '../src/plan/resolve.js';
import { createRecorder, newRecord } from '../src/record/recorder.js';
import { insideDir, invalidLogPath, logPath, runDir, writeLogs } from '../src/record/store.js';
import { runCli, tempFiles } from './helpers.js';

const unsafe = (f: () => unknown) => {
  try {
    f();
  } catch (err) {
    return (err as { code?: string }).code;
  }
  return 'accepted';
};

describe('the run folder is a boundary', () => {
  it('insideDir takes relative paths below the folder and refuses every way out', () => {
    expect(insideDir('/state/run-1', 'logs/one/0-10.0.0.1.log')).toBe('/state/run-1/logs/one/0-10.0.0.1.log');
    for (const rel of [
      '../x',
      'logs/../../x',
      '/etc/passwd',
      'logs/a\u0000b',
      '',
      '.',
      'logs/one/../../..',
    ]) {
      expect(
        unsafe(() => insideDir('/state/run-1', rel)),
        rel,
      ).toBe('RUNNER_UNSAFE_PATH');
    }
  });

  it("log names are made only of checked pieces: a host's ip or cloud id can never make a path", () => {
    expect(logPath('one', 0, '10.0.0.1')).toBe('logs/one/0-10.0.0.1.log');
    expect(logPath('one', 3, '2001:db8::1')).toBe('logs/one/3-2001:db8::1.log');
    expect(invalidLogPath('one', 4)).toBe('logs/one/invalid-4.log');
    for (const [step, cloud, ip] of [
      ['one', 0, '../../x'],
      ['one', 0, 'a/b'],
      ['one', 0, '/etc/passwd'],
      ['one', -1, '10.0.0.1'],
      ['one', 1.5, '10.0.0.1'],
      ['..', 0, '10.0.0.1'],
      ['one', 0, 'a\u0000b'],
    ] as const) {
      expect(
        unsafe(() => logPath(step, cloud, ip)),
        `${step} ${cloud} ${ip}`,
      ).toBe('RUNNER_UNSAFE_PATH');
    }
    expect(unsafe(() => runDir('/state', '../x'))).toBe('RUNNER_BAD_RUN_ID');
  });

  it('writeLogs refuses a path outside the run folder and writes nothing there', async () => {
    const dir = await tempFiles({ 'runs/r1/keep': '' });
    const run = join(dir, 'runs', 'r1');
    expect(unsafe(() => writeLogs(run, [{ path: '../../escaped.log', text: 'x' }]))).toBe(
      'RUNNER_UNSAFE_PATH',
    );
    expect(existsSync(join(dir, 'escaped.log'))).toBe(false);
    writeLogs(run, [{ path: 'logs/one/0-10.0.0.1.log', text: 'ok\n' }]);
    expect(readFileSync(join(run, 'logs/one/0-10.0.0.1.log'), 'utf8')).toBe('ok\n');
  });

  it('runbook logs refuses a record whose log path leads outside the run folder, and prints nothing from there', async () => {
    const dir = await tempFiles({
      'rb.yaml':
        'version: 1\nname: p\nbiz: 1\ndefaults:\n  account: root\nsteps:\n  - name: one\n    hosts: ["10.0.0.1"]\n    script: echo one\n',
      'outside.log': 'OUTSIDE-CONTENT-CANARY\n',
    });
    const loaded = await loadRunbook(join(dir, 'rb.yaml'));
    if (!loaded.ok) throw new Error('fixture does not load');
    const resolved = resolvePlan(loaded.runbook, { runId: 'run-paths', requireSecrets: true });
    if (!resolved.ok) throw new Error('fixture does not resolve');
    const root = join(dir, 'state');
    const rec = createRecorder(
      root,
      newRecord(resolved.plan, { url: 'http://127.0.0.1:1', local: false }, join(dir, 'rb.yaml')),
    );
    const ts = new Date().toISOString();
    rec.onEvent({ type: 'step.submitted', ts, step: 'one', jobInstanceId: 5, jobInstanceName: 'p/one' });
    const counts = { total: 1, succeeded: 1, failed: 0, running: 0, waiting: 0, agentError: 0 };
    const host = { ip: '10.0.0.1', cloud: 0, status: 9, exitCode: 0, tag: '', log: 'inside\n' };
    rec.onEvent({
      type: 'step.finished',
      ts,
      step: 'one',
      status: 3,
      ok: true,
      counts,
      hosts: [host],
      elapsedMs: 1,
    });
    const file = join(root, 'run-paths', 'record.json');
    const record = JSON.parse(readFileSync(file, 'utf8'));
    expect(record.steps[0].hosts[0].log).toBe('logs/one/0-10.0.0.1.log');
    record.steps[0].hosts[0].log = '../../outside.log';
    writeFileSync(file, JSON.stringify(record));
    const out = await runCli(['logs', 'run-paths', '--state-dir', root], { cwd: dir });
    expect(out.stdout).not.toContain('OUTSIDE-CONTENT-CANARY');
    expect(out.stdout).toContain('refused');
    expect(out.code).toBe(0);
    expect(readdirSync(join(root, 'run-paths'))).toEqual(expect.arrayContaining(['record.json', 'logs']));
  });
});
