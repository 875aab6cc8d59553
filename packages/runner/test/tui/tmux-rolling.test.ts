import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { needTmux, TmuxScreen } from './tmux.js';

/** A rolling step in a real terminal: the batch and the budget used while it runs, partial at the end. */

const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'runbook.js');

const ROLLING = `version: 1
name: tui-rolling
biz: 1
defaults:
  account: root
  timeout: 60
steps:
  - name: restart
    hosts: ["127.0.0.1", "127.0.0.2", "127.0.0.3"]
    rolling: { batch: "1", max_fail: 1, pause: 3s }
    script: |
      if [ "$RUNBOOK_EMU_HOST_IP" = 127.0.0.2 ]; then echo "restart failed"; exit 3; fi
      echo restarted
  - name: verify
    hosts: ["127.0.0.1"]
    script: |
      echo healthy
`;

let dir: string | undefined;
let tty: TmuxScreen | undefined;
afterEach(async () => {
  tty?.kill();
  tty = undefined;
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('a rolling step in the TUI in a real terminal (tmux)', () => {
  it('shows "batch N/3" with the failure budget used and the pause, then the partial step in the recap', async () => {
    needTmux();
    dir = await mkdtemp(join(tmpdir(), 'runbook-tui-rolling-'));
    await writeFile(join(dir, 'rb.yaml'), ROLLING);
    tty = new TmuxScreen(100, 30);
    tty.start(`node ${BIN} apply rb.yaml --local --ui tui --state-dir state --yes`, dir);
    const paused = await tty.until('the pause after batch 2', (t) =>
      t.includes('batch 2/3 · failed 1/1 allowed · pausing 3s before the next'),
    );
    expect(paused).toMatch(/restart +\d+s +job \d+ +batch 2\/3/);
    expect(await tty.exitCode()).toBe(1);
    const end = tty.all();
    expect(end).toMatch(/✖ restart .*1 of 3 failed \(partial\)/);
    expect(end).toMatch(/ ✔ verify +\d+s +job \d+ +ok 1\/1/);
    expect(end).toContain('(partial, within its failure budget)');
    expect(end).toContain('exit 1');
    // One run with two 3 s pauses in a real terminal: bounded, above the default 30 s under load.
  }, 90_000);
});
