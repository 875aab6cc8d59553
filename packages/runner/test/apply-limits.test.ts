import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startEsb } from './esb.js';
import { runCli, tempFiles } from './helpers.js';

// A secret that makes params longer than JOB takes: apply stops before sending anything (exit 2),
// names the secret and its variable, and never prints the value.
const RUNBOOK = `version: 1
name: lim
biz: 1
secrets:
  payload: LIM_PAYLOAD
defaults:
  account: root
steps:
  - name: push
    hosts: ["127.0.0.1"]
    script: echo pushed
    params: "--payload \${{ secrets.payload }}"
`;

const CANARY = `lim-canary-${process.pid}-`;
const LONG = CANARY + 'q'.repeat(48_200);
const BYTES = `--payload ${LONG}`.length.toLocaleString('en-US');
const MESSAGE = `rb.yaml:12:13: sensitive params with secrets.payload (from LIM_PAYLOAD) filled in are ${BYTES} bytes; JOB takes at most 48,128 bytes of sensitive params (before base64); nothing was sent`;

const runs = async (dir: string) => readdir(join(dir, '.runbook', 'runs')).catch(() => []);

describe('apply with a secret that makes params too long for JOB', () => {
  const started: Array<{ close(): Promise<void> }> = [];
  afterAll(async () => {
    for (const s of started) await s.close();
  });

  it('--local: exit 2 before the run starts, the variable named, the value never printed', async () => {
    const dir = await tempFiles({ 'rb.yaml': RUNBOOK });
    const res = await runCli(['apply', 'rb.yaml', '--local', '--yes'], {
      cwd: dir,
      env: { LIM_PAYLOAD: LONG },
    });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(MESSAGE);
    expect(`${res.stdout}${res.stderr}`).not.toContain(CANARY);
    // No run was started: nothing recorded, so nothing could have been submitted.
    expect(await runs(dir)).toEqual([]);
  });

  it('against an ESB: exit 2 and the server saw no call at all', async () => {
    const { emu, env } = await startEsb();
    started.push(emu);
    const dir = await tempFiles({ 'rb.yaml': RUNBOOK });
    const res = await runCli(['apply', 'rb.yaml', '--yes'], { cwd: dir, env: { ...env, LIM_PAYLOAD: LONG } });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(MESSAGE);
    expect(`${res.stdout}${res.stderr}`).not.toContain(CANARY);
    expect(emu.jobs()).toEqual([]);
    expect(emu.calls().fast_execute_script ?? 0).toBe(0);
    // The same runbook with a value that fits runs.
    const ok = await runCli(['apply', 'rb.yaml', '--yes'], {
      cwd: dir,
      env: { ...env, LIM_PAYLOAD: 'short-value' },
    });
    expect(ok.code).toBe(0);
    expect(emu.jobs()).toHaveLength(1);
  });
});
