import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { needTmux, TmuxScreen } from './tmux.js';

/**
 * The real terminal: `runbook apply … --local --ui tui` inside tmux at a fixed size, read back with
 * `capture-pane` as a person would read it. CI installs tmux (.ci/run); without it these tests fail
 * with a message saying so rather than pass quietly.
 */

const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'runbook.js');

const EMULATOR = `businesses:
  "1":
    hosts:
      - { ip: 127.0.0.1 }
      - { ip: 127.0.0.2 }
      - { ip: 127.0.0.3 }
      - { ip: 127.0.0.4, agent: offline }
`;

const FAILING = `version: 1
name: tui-e2e
biz: 1
defaults:
  account: root
  timeout: 60
steps:
  - name: prepare
    hosts: ["127.0.0.1", "127.0.0.2"]
    script: |
      echo preparing
  - name: deploy
    hosts: ["127.0.0.1", "127.0.0.2", "127.0.0.3", "127.0.0.4"]
    on_failure: continue
    script: |
      echo "copying release 1.4.2"
      sleep 2
      if [ "$RUNBOOK_EMU_HOST_IP" != 127.0.0.1 ]; then echo "cp: /srv/app: No space left on device"; exit 3; fi
  - name: verify
    hosts: ["127.0.0.1"]
    script: |
      echo healthy
`;

const CONFIRMING = `version: 1
name: tui-confirm
biz: 1
defaults:
  account: root
  timeout: 60
steps:
  - name: check
    hosts: ["127.0.0.1"]
    script: |
      echo checked
  - name: restart
    hosts: ["127.0.0.1", "127.0.0.2"]
    confirm: Restart the service on both hosts?
    script: |
      echo restarted
`;

const SLOW = `version: 1
name: tui-slow
biz: 1
defaults:
  account: root
  timeout: 60
steps:
  - name: long-task
    hosts: ["127.0.0.1", "127.0.0.2"]
    script: |
      sleep 4
      echo finished
  - name: after
    hosts: ["127.0.0.1"]
    script: |
      echo after
`;

const BROWSING = `version: 1
name: tui-keys
biz: 1
defaults:
  account: root
  timeout: 60
steps:
  - name: prepare
    hosts: ["127.0.0.1"]
    script: |
      echo preparing
  - name: deploy
    hosts: ["127.0.0.1", "127.0.0.2", "127.0.0.4"]
    on_failure: continue
    script: |
      for i in 1 2 3 4 5 6 7 8; do echo "log line $i"; done
      echo "cp: /srv/app: No space left on device"
      exit 3
  - name: verify
    hosts: ["127.0.0.1"]
    script: |
      sleep 8
      echo healthy
`;

const PARTIAL = `version: 1
name: tui-partial
biz: 1
defaults:
  account: root
  timeout: 60
steps:
  - name: half-way
    hosts: ["127.0.0.1", "127.0.0.2"]
    script: |
      echo "half way there"
      sleep 9
      echo "all done"
`;

/** The repository, where runbooks/maintenance.yaml and its emulator.local.yaml are. */
const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');

let dirs: string[] = [];
const TYPED = `version: 1
name: tui-typed
biz: 1
defaults:
  account: root
  timeout: 60
steps:
  - name: restart-web
    hosts:
${Array.from({ length: 120 }, (_, i) => `      - "10.1.0.${i + 1}"`).join('\n')}
    confirm: Restart the service on every web host?
    script: |
      echo restarted
`;

/** No processes: the emulator simulates 120 hosts that all succeed. */
const SIMULATED = `exec: simulate
simulate:
  durationMs: [100, 400]
  failRate: 0
  agentErrorRate: 0
  logLines: 1
`;

async function workdir(runbook: string, emulator = EMULATOR): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'runbook-tui-'));
  dirs.push(dir);
  await writeFile(join(dir, 'rb.yaml'), runbook);
  await writeFile(join(dir, 'emu.yaml'), emulator);
  return dir;
}

const apply = (...flags: string[]) =>
  `node ${BIN} apply rb.yaml --local --emulator-config emu.yaml --ui tui --state-dir state ${flags.join(' ')}`;

let screens: TmuxScreen[] = [];
function screen(width: number, height: number): TmuxScreen {
  needTmux();
  const s = new TmuxScreen(width, height);
  screens.push(s);
  return s;
}
afterEach(async () => {
  for (const s of screens) s.kill();
  screens = [];
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  dirs = [];
});

/** The lines of a capture, without the blank ones tmux pads the screen with. */
const lines = (text: string) => text.split('\n').filter((l) => l.trim() !== '');

describe('the TUI in a real terminal (tmux)', () => {
  for (const [width, height] of [
    [100, 30],
    [60, 20],
  ] as const) {
    it(`${width}×${height}: the steps, the counters while running, the grouped failure and the recap`, async () => {
      const dir = await workdir(FAILING);
      const tty = screen(width, height);
      tty.start(apply('--yes'), dir);

      const header = await tty.until('the header', (t) =>
        t.includes('endpoint local emulator http://127.0.0.1:'),
      );
      expect(header).toContain('runbook tui-e2e rb.yaml');
      // The running step's counters: running hosts of 4 (the offline agent fails at once).
      const running = await tty.until('the running counters of deploy', (t) =>
        /(running|run) [1-3] .*of 4/.test(t),
      );
      expect(running).toMatch(/ ✔ prepare +\d+s +job \d+ +ok 2\/2/);
      expect(running).toMatch(/[◐◓◑◒] deploy +\d+s +job \d+/);

      expect(await tty.exitCode()).toBe(1);
      const end = tty.all();
      const shown = lines(end);
      for (const line of shown) expect(line.length, line).toBeLessThanOrEqual(width);
      expect(end).toMatch(/ ✖ deploy +\d+s +job \d+ +3 of 4 failed \(1 agent error\)/);
      expect(end).toMatch(/ ✔ verify +\d+s +job \d+ +ok 1\/1/);
      // Each finished step keeps its output below its row: hosts folded, failures first.
      expect(end).toContain('127.0.0.[2-3] (2 hosts): failed, exit 3');
      expect(end).toContain('│ cp: /srv/app: No space left on device');
      expect(end).toContain('127.0.0.4 (1 host): agent error');
      expect(end).toContain('127.0.0.[1-2] (2 hosts): ok');
      expect(end).toContain('│ healthy');
      expect(end).not.toContain('job_start');
      expect(end).toContain('── recap ──');
      expect(end).toMatch(/ ✖ deploy +\d+s +failed on 3\/4 hosts/);
      expect(end).toContain('exit 1: a step failed on JOB');
      expect(end).toMatch(/run id \d{8}-\d{6}-[0-9a-f]+/);
      // The command to continue: whole in the recap when it fits, else pointed to below it.
      expect(end).toContain('next: the command to continue this run is printed below');
      const runId = /run id (\d{8}-\d{6}-[0-9a-f]+)/.exec(end)?.[1];
      expect(end.replace(/\s/g, '')).toContain(
        `runbookapplyrb.yaml--resume${runId}--local--emulator-configemu.yaml--state-dirstate`,
      );
      // Below the last frame, apply's own lines (the command, which the terminal may wrap).
      const after = shown.findIndex((l) => l.startsWith('runbook: run '));
      expect(after).toBeGreaterThan(0);
      // Nothing of the frame is wider than the screen (errors and host lists wrap, the rest is cut).
      for (const line of shown.slice(0, after)) expect(line.length, line).toBeLessThanOrEqual(width);
    });
  }

  it('asks in the bottom bar and goes on with y; the step confirm too', async () => {
    const dir = await workdir(CONFIRMING);
    const tty = screen(80, 24);
    tty.start(apply(), dir);
    await tty.until(
      'the run question',
      (t) => t.includes('[y] yes, run it') && t.includes('runs on 2 hosts'),
    );
    tty.keys('y');
    const second = await tty.until('the step question', (t) =>
      t.includes('? Restart the service on both hosts?'),
    );
    expect(second).toMatch(/ ✔ check +\d+s +job \d+ +ok 1\/1/);
    expect(second).toContain('runs step restart on 2 hosts');
    tty.keys('y');
    expect(await tty.exitCode()).toBe(0);
    const end = tty.all();
    expect(end).toMatch(/ ✔ restart +\d+s +ok on 2\/2 hosts/);
    expect(end).toContain('exit 0: every step succeeded');
  });

  it('a production-sized step (100+ hosts) takes its name typed: a wrong name is refused, the right one runs', async () => {
    const dir = await workdir(TYPED, SIMULATED);
    const tty = screen(80, 24);
    tty.start(apply(), dir);
    await tty.until('the run question', (t) => t.includes('[y] yes, run it'));
    tty.keys('y');
    const ask = await tty.until(
      'the typed question',
      (t) => t.includes('Production-sized: type restart-web'),
      20_000,
      true,
    );
    expect(ask).toContain('? Restart the service on every web host?');
    expect(ask).toContain('runs step restart-web on 120 hosts');
    tty.keys('y');
    await tty.until('the y typed, not taken as yes', (t) => t.includes('› y_'), 20_000, true);
    tty.keys('BSpace');
    tty.keys('restart', 'Enter');
    await tty.until('the refusal', (t) => t.includes('That is not the step name'), 20_000, true);
    tty.keys('restart-web', 'Enter');
    expect(await tty.exitCode()).toBe(0);
    expect(tty.all()).toMatch(/ ✔ restart-web +\d+s +ok on 120\/120 hosts/);
  });

  it('n declines: nothing more is sent and the exit code says why', async () => {
    const dir = await workdir(CONFIRMING);
    const tty = screen(80, 24);
    tty.start(apply(), dir);
    await tty.until('the run question', (t) => t.includes('[y] yes, run it'));
    tty.keys('n');
    expect(await tty.exitCode()).toBe(4);
    const end = tty.all();
    expect(end).toContain('exit 4: a confirmation was declined');
    expect(end).toMatch(/ – check +not run/);
  });

  it('Ctrl-C shows the bar; d detaches, and the run id and resume command stay on screen', async () => {
    const dir = await workdir(SLOW);
    const tty = screen(100, 30);
    tty.start(apply('--yes'), dir);
    await tty.until('the running step', (t) => /[◐◓◑◒] long-task/.test(t));
    tty.keys('C-c');
    // Under --local the embedded emulator stops with the runner: the bar says so.
    const bar = await tty.until('the Ctrl-C bar', (t) =>
      t.includes('[d] detach: stop here; the local emulator and its job stop with the runner'),
    );
    expect(bar).toContain('[t] terminate the job');
    expect(bar).toContain('[k] keep watching');
    expect(bar).toContain('Ctrl-C again leaves at once.');
    tty.keys('d');
    expect(await tty.exitCode()).toBe(130);
    const end = tty.all();
    expect(end).toContain('exit 130: interrupted');
    expect(end).toMatch(/» long-task +stopped with the local emulator/);
    expect(end).not.toContain('left running');
    expect(end).toMatch(/runbook apply rb\.yaml --resume \d{8}-\d{6}-[0-9a-f]+ --local/);
  });

  it("keys: Enter shows a step's output gathered, Esc goes back, k and j move between steps", async () => {
    const dir = await workdir(BROWSING);
    const tty = screen(80, 24);
    tty.start(apply('--yes'), dir);
    const failed = await tty.until(
      'the failure while verify runs',
      (t) => /[◐◓◑◒] verify/.test(t) && t.includes('deploy: 3 failed hosts'),
    );
    // Before Enter: a few lines per group (the first ones below the finished row, the last ones in
    // the failure panel), never the middle of the log.
    expect(failed).toContain('│ … 6 more lines');
    expect(failed).not.toContain('│ log line 5\n');
    tty.keys('Enter');
    // From here on, only what is on screen now: earlier frames may linger in the scrollback.
    const log = await tty.until(
      'the output',
      (t) => t.includes('deploy: output of 3 hosts in 2 groups'),
      20_000,
      true,
    );
    expect(log).toContain('127.0.0.[1-2] (2 hosts): failed, exit 3');
    expect(log).toContain('│ log line 5\n');
    expect(log).toContain('esc back · ↑↓ scroll');
    tty.keys('Escape');
    await tty.until(
      'the groups again',
      (t) => t.includes('(tab: next group, enter: all output)'),
      20_000,
      true,
    );
    tty.keys('k');
    await tty.until('prepare in focus', (t) => t.includes('prepare: succeeded on every host'), 20_000, true);
    tty.keys('j', 'j');
    await tty.until('verify in focus', (t) => t.includes('verify: running on JOB'), 20_000, true);
    expect(await tty.exitCode()).toBe(1);
  }, 60_000);

  it('follows a resize: after shrinking to 60×20 the live lines fit the new width', async () => {
    const dir = await workdir(SLOW);
    const tty = screen(100, 30);
    tty.start(apply('--yes'), dir);
    await tty.until('the running step', (t) => /[◐◓◑◒] long-task/.test(t));
    tty.resize(60, 20);
    const narrow = await tty.until('a redraw at 60 columns', (t) =>
      /ok 0 +fail 0 +run 2 +wait 0 +agent 0 +of 2/.test(t),
    );
    expect(narrow).toMatch(/[◐◓◑◒] long-task/);
    expect(await tty.exitCode()).toBe(0);
    const end = tty.screen();
    expect(end).toContain('exit 0: every step succeeded');
    // Drawn for the new width: the recap's rule spans exactly 60 columns.
    expect(lines(end).find((l) => l.startsWith('── recap '))).toHaveLength(60);
  });

  it('honours NO_COLOR: no colour in the cells, where without it there is', async () => {
    const colour = /\x1b\[[0-9;]*(3[0-7]|9[0-7]|38;)[0-9;]*m/;
    const plain = screen(100, 30);
    plain.start(apply('--yes'), await workdir(FAILING), { NO_COLOR: '1' });
    expect(await plain.exitCode()).toBe(1);
    expect(plain.all(true)).not.toMatch(colour);
    const coloured = screen(100, 30);
    coloured.start(apply('--yes'), await workdir(FAILING), { TERM: 'xterm-256color' });
    expect(await coloured.exitCode()).toBe(1);
    expect(coloured.all(true)).toMatch(colour);
  }, 60_000);

  it("runbooks/maintenance.yaml --local: the last frame keeps check-disk's output", async () => {
    const state = await mkdtemp(join(tmpdir(), 'runbook-tui-state-'));
    dirs.push(state);
    const tty = screen(100, 45);
    tty.start(
      `node ${BIN} apply runbooks/maintenance.yaml --local --yes --ui tui --state-dir ${state}`,
      REPO,
    );
    expect(await tty.exitCode(60_000)).toBe(0);
    // What is on screen at the end, not the scrollback: the run's output needs no second command.
    const end = tty.screen();
    expect(end).toMatch(/ ✔ check-disk +\d+s +job \d+ +ok 4\/4/);
    expect(end).toMatch(/127\.0\.0\.\[1-4\] \(4 hosts\): ok\n +│ disk usage of \/: \d+%/);
    expect(end).toContain('exit 0: every step succeeded');
    expect(end).not.toContain('job_start');
  });

  it('Enter on a running step shows its partial output, read from JOB while it runs', async () => {
    const dir = await workdir(PARTIAL);
    const tty = screen(100, 30);
    tty.start(apply('--yes'), dir);
    await tty.until('the running step', (t) => /[◐◓◑◒] half-way/.test(t), 20_000, true);
    tty.keys('Enter');
    const open = await tty.until(
      'the partial output',
      (t) => t.includes('│ half way there') && t.includes('partial log from JOB'),
      20_000,
      true,
    );
    expect(open).toContain('half-way: output of 2 hosts');
    expect(open).toContain('127.0.0.[1-2] (2 hosts): running');
    expect(open).not.toContain('│ all done');
    expect(open).toMatch(/[◐◓◑◒] half-way/);
    tty.keys('Escape');
    expect(await tty.exitCode()).toBe(0);
    expect(tty.all()).toContain('│ all done');
  });
});
