import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { tempFiles } from '../helpers.js';
import { needTmux, TmuxScreen } from './tmux.js';

/**
 * `runbook plan` on a real terminal (tmux), read back with its attributes: coloured there, plain
 * when piped, with `--no-color` or with NO_COLOR. Without tmux this fails, saying so.
 */

const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'runbook.js');
const RB = `version: 1
name: plan-colour
biz: 1
defaults:
  account: root
steps:
  - name: check-disk
    hosts: ["127.0.0.1", "127.0.0.2"]
    script: df -h
  - name: verify
    hosts: ["127.0.0.1"]
    script: echo ok
`;

let screens: TmuxScreen[] = [];
let dir: string | undefined;
afterEach(async () => {
  for (const s of screens) s.kill();
  screens = [];
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

/** Runs `runbook plan rb.yaml ARGS` in a terminal and returns the screen, escapes included. */
async function planOnTerminal(args: string, env = ''): Promise<string> {
  needTmux();
  dir ??= await tempFiles({ 'rb.yaml': RB });
  const s = new TmuxScreen(120, 40);
  screens.push(s);
  // The test's own NO_COLOR or FORCE_COLOR must not decide for the terminal.
  s.start(`env -u NO_COLOR -u FORCE_COLOR ${env} ${args.replace('PLAN', `node ${BIN} plan rb.yaml`)}`, dir);
  expect(await s.exitCode()).toBe(0);
  return s.all(true);
}

const BOLD = /\x1b\[[0-9;]*1m/;

describe('plan on a terminal', () => {
  it('is coloured on a terminal, and reads the same', async () => {
    const text = await planOnTerminal('PLAN');
    expect(text).toMatch(BOLD);
    expect(text).toContain('2 steps on 2 distinct hosts (3 host targets over all steps).');
    expect(text.replace(/\x1b\[[0-9;]*m/g, '')).toContain('1. check-disk');
  });

  it('is plain when piped, with --no-color, or with NO_COLOR', async () => {
    for (const [args, env] of [
      ['PLAN | cat', ''],
      ['PLAN --no-color', ''],
      ['PLAN', 'NO_COLOR=1'],
    ] as const) {
      const text = await planOnTerminal(args, env);
      expect(text, `${env} ${args}`).toContain('1. check-disk');
      expect(text, `${env} ${args}`).not.toMatch(BOLD);
    }
  });
});
