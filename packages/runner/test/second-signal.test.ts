import { type Emulator, startEmulator } from '@runbook/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exited, onlyRecord, runCli, spawnCli, tempFiles, waitFor } from './helpers.js';

// Found by the signals campaign (seed 20261127, case 1): a second SIGINT while a submit was on its
// way left the step "submitting" and the record "running" with no exit code, and a --resume that
// then needed a person (no terminal) exited 4 without saying so in the record.

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator({
    config: { apps: { 'sig2-app': 'sig2-secret-value' } },
    // The submit is held open long enough for two signals to arrive while it is on its way.
    faults: [{ call: 'fast_execute_script', kind: 'latency', ms: 1500, times: 1 }],
  });
});
afterAll(async () => {
  await emu?.close();
});

const RUNBOOK = `version: 1
name: second-signal
biz: 1
defaults:
  account: root
  timeout: 60
steps:
  - name: only
    hosts: ["10.8.0.1"]
    script: echo hi
`;

describe('regression: a second signal during a submit', () => {
  it('leaves the step may-have-started and the record finished with 130; a resume with no one to ask records exit 4', async () => {
    const dir = await tempFiles({ 'rb.yaml': RUNBOOK });
    const env = {
      BK_ESB_URL: emu.url,
      BK_APP_CODE: 'sig2-app',
      BK_APP_SECRET: 'sig2-secret-value',
      BK_USERNAME: 'u',
    };
    const child = spawnCli(['apply', 'rb.yaml', '--yes', '--ui', 'json'], { cwd: dir, env });
    child.stdin.end();
    await waitFor('the submit to be on its way', () =>
      child.output().stdout.includes('"step.submitting"') ? true : undefined,
    );
    // Two identical signals sent at once may be merged by the kernel into one; these two cannot be.
    child.kill('SIGINT');
    child.kill('SIGTERM');
    const first = await exited(child);
    expect(first.code).toBe(130);
    const rec = await onlyRecord(dir);
    expect(rec).toMatchObject({ state: 'interrupted', exitCode: 130 });
    expect(rec.steps[0].state).toBe('may-have-started');

    // The submit reached the server; whether it became a job is what a person has to check.
    const submits = emu.calls().fast_execute_script;
    expect(submits).toBe(1);
    const resumed = await runCli(['apply', 'rb.yaml', '--yes', '--ui', 'json', '--resume', rec.runId], {
      cwd: dir,
      env,
    });
    expect(resumed.code).toBe(4);
    expect(resumed.stderr).toContain('may have started');
    expect(emu.calls().fast_execute_script).toBe(submits);
    expect(await onlyRecord(dir)).toMatchObject({ state: 'declined', exitCode: 4 });
  });
});
