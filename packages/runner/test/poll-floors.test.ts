import type { Emulator } from '@runbook/emulator';
import { afterEach, describe, expect, it } from 'vitest';
import { startEsb } from './esb.js';
import { runCli, tempFiles } from './helpers.js';

// Issue 12, item 10: `--poll-max 1` sent 1,578 status calls for a 3 s job. The floors (first poll
// 100 ms, then at least 1 s) hold for every user; only the tests-only RUNBOOK_TEST_FAST_POLL=1 that
// the project's own tests set lowers them.

let emu: Emulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

const RUNBOOK = `version: 1
name: pf
biz: 1
defaults:
  account: root
steps:
  - name: one
    hosts: ["127.0.0.1"]
    script: sleep 1
`;

describe('poll floors', () => {
  it('a poll below the floors is refused before anything is sent (exit 2), in the units it accepts', async () => {
    const esb = await startEsb();
    emu = esb.emu;
    const dir = await tempFiles({ 'rb.yaml': RUNBOOK });
    const env = { ...esb.env, RUNBOOK_TEST_FAST_POLL: '' };
    const max = await runCli(['apply', 'rb.yaml', '--yes', '--poll-max', '1'], { cwd: dir, env });
    expect(max.code).toBe(2);
    expect(max.stderr).toBe('runbook: --poll-max 1: must be between 1s and 1h (500, 500ms, 2s, 1m, 1h)\n');
    const initial = await runCli(['apply', 'rb.yaml', '--yes', '--poll-initial', '20'], { cwd: dir, env });
    expect(initial.code).toBe(2);
    expect(initial.stderr).toContain('--poll-initial 20: must be between 100ms and 1h');
    expect(esb.emu.calls().fast_execute_script ?? 0).toBe(0);

    // At the floors, a job of a second costs a handful of status calls.
    const ok = await runCli(['apply', 'rb.yaml', '--yes', '--poll-initial', '100ms', '--poll-max', '1s'], {
      cwd: dir,
      env,
    });
    expect(ok.code).toBe(0);
    expect(esb.emu.calls().get_job_instance_status).toBeLessThanOrEqual(8);
  });
});
