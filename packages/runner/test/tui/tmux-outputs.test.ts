import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { needTmux, TmuxScreen } from './tmux.js';

/** Step outputs in a real terminal: what each step set, folded by value, under its row to the end. */

const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'runbook.js');
const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');

let state: string | undefined;
let tty: TmuxScreen | undefined;
afterEach(async () => {
  tty?.kill();
  tty = undefined;
  if (state) await rm(state, { recursive: true, force: true });
  state = undefined;
});

describe('step outputs in the TUI in a real terminal (tmux)', () => {
  it('runbooks/config-drift.yaml --local: outputs under their step, the steps they chose hosts for', async () => {
    needTmux();
    state = await mkdtemp(join(tmpdir(), 'runbook-tui-outputs-'));
    tty = new TmuxScreen(100, 50);
    tty.start(
      `node ${BIN} apply runbooks/config-drift.yaml --local --yes --ui tui --state-dir ${state}`,
      REPO,
    );
    expect(await tty.exitCode(60_000)).toBe(0);
    const end = tty.screen();
    // Each output folded by value, under the step that set it and before the next step's row.
    const check = end.slice(end.indexOf(' ✔ check-config'), end.indexOf(' ✔ fix-config'));
    expect(check).toMatch(/^ {3}output stale="no" on 127\.0\.0\.\[1,3\]$/m);
    expect(check).toMatch(/^ {3}output stale="yes" on 127\.0\.0\.\[2,4\]$/m);
    expect(check).toMatch(/^ {3}output version="2\.3" on 127\.0\.0\.\[1-4\]$/m);
    // The hosts the outputs chose: fix-config and restart ran on the stale two only.
    expect(end).toMatch(/ ✔ fix-config +\d+s +job \d+ +ok 2\/2\n {3}127\.0\.0\.\[2,4\] \(2 hosts\): ok/);
    expect(end).toMatch(/ ✔ restart +\d+s +job \d+ +ok 2\/2/);
    // A bk-sops marker sets an output too, and a later step reads it.
    const leader = end.slice(end.indexOf(' ✔ find-leader'), end.indexOf(' ✔ report'));
    expect(leader).toMatch(/^ {3}output leader="127\.0\.0\.1:8080" on 127\.0\.0\.1$/m);
    expect(end).toContain('│ leader: 127.0.0.1:8080');
    expect(end).toContain('exit 0: every step succeeded');
  }, 90_000);
});
