import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers.js';
import { type EmulatorProcess, startEmulatorProcess } from './emulator-process.js';

/*
 * Emulator safety. Already tested in @runbook/emulator, not repeated here:
 * - a non-loopback bind is refused without the flag: test/bin.test.ts "refuses bad options and a
 *   public host without --allow-non-loopback", test/admin.test.ts "refuses to bind a non-loopback
 *   address without allowNonLoopback";
 * - admin endpoints answer loopback peers only: test/admin.test.ts "answers loopback peers only",
 *   "a non-loopback peer gets 403";
 * - wrong credentials are rejected with ESB's codes: test/auth.test.ts.
 * Here: the standalone process as the campaigns use it, and the runner facing wrong credentials.
 */
let emu: EmulatorProcess;
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'runbook-safety-'));
  emu = await startEmulatorProcess(
    dir,
    'apps:\n  safe-app: safe-secret-CANARY\nusers:\n  alice: { token: alice-token-CANARY, permissions: all }\nexec: simulate\nsimulate: { durationMs: 5 }\n',
    ['--exec', 'simulate'],
  );
  await writeFile(
    join(dir, 'rb.yaml'),
    'version: 1\nname: safe\nbiz: 1\ndefaults: { account: root, timeout: 60 }\nsteps:\n  - name: a\n    hosts: ["10.0.0.1"]\n    script: echo a\n',
  );
});
afterAll(async () => {
  await emu?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('emulator safety, as the campaigns run it (standalone runbook-emulator)', () => {
  it('binds loopback and serves its admin endpoints to this (loopback) peer', async () => {
    expect(emu.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await emu.jobs()).toEqual([]);
  });

  for (const [what, creds] of [
    ['a wrong app secret', { BK_APP_CODE: 'safe-app', BK_APP_SECRET: 'nope-CANARY-x', BK_USERNAME: 'alice' }],
    [
      'an unknown app code',
      { BK_APP_CODE: 'other', BK_APP_SECRET: 'safe-secret-CANARY', BK_USERNAME: 'alice' },
    ],
    [
      'a wrong bk_token',
      { BK_APP_CODE: 'safe-app', BK_APP_SECRET: 'safe-secret-CANARY', BK_TOKEN: 'bad-token-CANARY' },
    ],
    [
      'an unknown user',
      { BK_APP_CODE: 'safe-app', BK_APP_SECRET: 'safe-secret-CANARY', BK_USERNAME: 'mallory' },
    ],
  ] as const) {
    it(`${what}: rejected, nothing runs, the runner exits 3 and prints no credential`, async () => {
      const out = await runCli(['apply', 'rb.yaml', '--yes', '--ui', 'stream'], {
        cwd: dir,
        env: { BK_ESB_URL: emu.url, ...creds },
      });
      expect(out.code).toBe(3);
      expect(out.stderr + out.stdout).toMatch(/CORE_AUTH|authentication|verification/i);
      expect(out.stderr + out.stdout).not.toMatch(/CANARY/);
      expect(await emu.jobs()).toEqual([]);
    });
  }
});
