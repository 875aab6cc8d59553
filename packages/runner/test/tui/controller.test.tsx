import { describe, expect, it } from 'vitest';
import type { HostResult, RunControl } from '../../src/engine/events.js';
import { App } from '../../src/render/tui/components/App.js';
import { startTui } from '../../src/render/tui/index.js';
import type { ViewState } from '../../src/render/tui/state.js';
import { createTheme } from '../../src/render/tui/theme.js';
import * as E from './events.js';
import { FakeStdin, FakeStdout, renderSized } from './fakes.js';

function setup(
  opts: {
    tty?: boolean;
    tickMs?: number;
    fetchLogs?: (step: string, jobInstanceId: number) => Promise<HostResult[]>;
    refreshMs?: number;
  } = {},
) {
  const stdout = new FakeStdout(100, 30);
  const draws: ViewState[] = [];
  const stdin = new FakeStdin(opts.tty ?? true);
  const exits: number[] = [];
  const tui = startTui({
    stdout: stdout as unknown as NodeJS.WriteStream,
    stdin: stdin as unknown as NodeJS.ReadStream,
    noColor: true,
    clock: () => E.T0 + 65_000,
    exit: (code) => exits.push(code),
    onDraw: (state) => draws.push(state),
    ...(opts.tickMs ? { tickMs: opts.tickMs } : {}),
    ...(opts.fetchLogs ? { fetchLogs: opts.fetchLogs } : {}),
    ...(opts.refreshMs ? { refreshMs: opts.refreshMs } : {}),
  });
  const calls: string[] = [];
  const control: RunControl = {
    detach: (reason) => calls.push(`detach: ${reason}`),
    terminate: (reason) => calls.push(`terminate: ${reason}`),
  };
  return { stdout, stdin, tui, exits, calls, control, draws, output: () => stdout.frames.join('') };
}

const theme = createTheme(true);

/** A drawn state as the screen shows it (100×30, every frame whole). */
function frameOf(view: ViewState): string {
  const r = renderSized(
    <App view={view} now={E.T0 + 65_000} width={100} height={30} theme={theme} onKey={() => {}} />,
    100,
    30,
  );
  const out = r.lastFrame() ?? '';
  r.unmount();
  return out;
}

/** Lets Ink's input handling run: key presses are parsed on the next turns of the event loop. */
const settle = () => new Promise((r) => setImmediate(r));

/** Waits for a condition, a bounded number of event-loop turns. */
async function until(what: string, cond: () => boolean, turns = 2000) {
  for (let i = 0; i < turns; i++) {
    if (cond()) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const ESC = String.fromCharCode(27);
const stripAnsi = (s: string) => s.replace(new RegExp(`${ESC}\\[[0-9;?]*[A-Za-z]`, 'g'), '');
const running = () => [
  E.started([
    ['deploy', 2],
    ['cleanup', 2],
  ]),
  E.submitting('deploy', 1),
  E.submitted('deploy', 1, 1002),
  E.progress('deploy', 3, E.counts({ total: 2, running: 2 }), 2),
];

describe('startTui', () => {
  it("reads a running step's partial log only while its output is open, and shows it gathered", async () => {
    const reads: Array<[string, number]> = [];
    let answer: (hosts: HostResult[]) => void = () => {};
    const fetchLogs = (step: string, job: number) => {
      reads.push([step, job]);
      return new Promise<HostResult[]>((resolve) => {
        answer = resolve;
      });
    };
    const { stdin, tui, draws } = setup({ fetchLogs, refreshMs: 60_000 });
    for (const e of running()) tui.emit(e);
    await settle();
    // Nothing is read while the output is closed.
    expect(reads).toEqual([]);
    stdin.write('\r');
    await until('the first read', () => reads.length === 1);
    expect(reads).toEqual([['deploy', 1002]]);
    answer([
      E.host('10.0.0.1', 7, -1, '[x][PID:1] job_start\nhalf way there\n'),
      E.host('10.0.0.2', 7, -1, '[x][PID:2] job_start\nhalf way there\n'),
    ]);
    await until('the partial output drawn', () => draws.at(-1)?.steps[0]?.partial !== undefined);
    // The state the controller drew, rendered whole (Ink writes only the last frame when CI is set).
    const shown = frameOf(draws.at(-1)!);
    expect(shown).toContain('10.0.0.[1-2] (2 hosts): running');
    expect(shown).toContain('│ half way there');
    // One read per refreshMs (a minute here): no second read follows the first answer at once.
    await settle();
    expect(reads).toHaveLength(1);
    stdin.write(ESC);
    await until('the output closed', () => draws.at(-1)?.log === undefined);
    tui.emit(E.finished('deploy', 9, E.twoOk(), 8));
    await tui.done();
    expect(reads).toHaveLength(1);
  });

  it('asks in the bottom bar and resolves with the key pressed', async () => {
    const { stdin, tui } = setup();
    tui.emit(E.started([['deploy', 2]]));
    const answer = tui.confirm({ step: 'deploy', question: 'Run deploy?', hostCount: 2 });
    await settle();
    stdin.write('y');
    await expect(answer).resolves.toBe(true);
    const no = tui.confirm({ step: 'deploy', question: 'Again?', hostCount: 2 });
    await settle();
    stdin.write('n');
    await expect(no).resolves.toBe(false);
    await tui.done();
  });

  it('declines at once when there is no keyboard to answer with', async () => {
    const { tui } = setup({ tty: false });
    await expect(tui.confirm({ question: 'Apply?', hostCount: 2 })).resolves.toBe(false);
    await tui.done();
  });

  it('ends with the recap of a failed run, leaving the resume command to apply', async () => {
    const { tui, output } = setup();
    tui.emit(E.started([['deploy', 2]]));
    tui.emit(E.submitting('deploy', 1));
    tui.emit(E.submitted('deploy', 1, 1002));
    tui.emit(E.finished('deploy', 5, [E.host('10.0.0.1', 104, 3, 'disk full\n'), E.twoOk()[0]!], 4));
    tui.emit(E.runFinished(6, 1, 'a step failed'));
    await tui.done();
    expect(output()).toContain('exit 1: a step failed on JOB');
    expect(output()).toContain(`run id ${E.RUN_ID}`);
    expect(output()).not.toContain('--resume');
  });

  it('takes a typed step name for a production-sized step, and refuses a wrong one', async () => {
    const { stdin, tui, draws } = setup();
    const request = {
      step: 'deploy',
      question: 'Run deploy on 5,000 hosts?',
      hostCount: 5000,
      typeToConfirm: 'deploy',
    };
    const wrong = tui.confirm(request);
    await settle();
    for (const ch of 'deplo') stdin.write(ch);
    stdin.write('\r');
    await until('the mismatch', () => draws.at(-1)?.confirm?.mismatch === true);
    stdin.write(ESC);
    await expect(wrong).resolves.toBe(false);
    const right = tui.confirm(request);
    await settle();
    stdin.write('deploy');
    stdin.write('\r');
    await expect(right).resolves.toBe(true);
    await tui.done();
  });

  it('Ctrl-C opens the bar; d detaches through the run control and the recap says so', async () => {
    const { stdin, tui, calls, control, draws, output, exits } = setup();
    tui.setControl(control);
    for (const e of running()) tui.emit(e);
    stdin.write('\u0003');
    await until('the Ctrl-C bar', () => draws.at(-1)?.interrupt !== undefined);
    stdin.write('d');
    await until('detach', () => calls.length === 1);
    expect(calls).toEqual(['detach: Ctrl-C: detach chosen']);
    tui.emit({ ts: E.at(5), type: 'run.interrupted', signal: 'SIGINT', action: 'detach' });
    tui.emit(E.runFinished(5, 130, 'detached'));
    await tui.done();
    expect(exits).toEqual([]);
    expect(output()).toContain('exit 130: interrupted');
    expect(output()).toContain(`run id ${E.RUN_ID}`);
  });

  it('Ctrl-C then t terminates the job; Esc keeps watching', async () => {
    const { stdin, tui, calls, control, draws } = setup();
    tui.setControl(control);
    for (const e of running()) tui.emit(e);
    stdin.write('\u0003');
    await until('the Ctrl-C bar', () => draws.at(-1)?.interrupt !== undefined);
    stdin.write(ESC);
    await until('the bar to close', () => draws.at(-1)?.interrupt === undefined);
    expect(calls).toEqual([]);
    stdin.write('\u0003');
    await until('the Ctrl-C bar again', () => draws.at(-1)?.interrupt !== undefined);
    stdin.write('t');
    await until('terminate', () => calls.length === 1);
    expect(calls).toEqual(['terminate: Ctrl-C: terminate chosen']);
    await tui.done();
  });

  it('a second Ctrl-C leaves at once: detach, last frame with run id and resume command, exit 130', async () => {
    const { stdin, tui, calls, control, draws, exits, output } = setup();
    tui.setControl(control);
    for (const e of running()) tui.emit(e);
    stdin.write('\u0003');
    await until('the Ctrl-C bar', () => draws.at(-1)?.interrupt !== undefined);
    stdin.write('\u0003');
    await until('the exit', () => exits.length === 1);
    expect(exits).toEqual([130]);
    expect(calls).toEqual(['detach: second Ctrl-C: left at once']);
    // Under --local the embedded emulator stops with the runner: the job is stopped, not left running.
    expect(output()).toContain(
      'Left at once: the local emulator stopped with the runner, and its job with it.',
    );
    expect(output()).toContain('runbook: left at once; the local emulator stopped with the runner');
    expect(output()).not.toContain('may still be running');
    expect(output()).toContain(
      `resume it with: runbook apply runbooks/maintenance.yaml --resume ${E.RUN_ID} --local\n`,
    );
    await tui.done();
  });

  it('folds a burst of events into few frames and ends on the last one', async () => {
    const { tui, draws } = setup();
    for (const e of running()) tui.emit(e);
    const before = draws.length;
    for (let i = 0; i <= 1000; i++) {
      tui.emit(
        E.progress('deploy', 3, E.counts({ total: 10_000, succeeded: i * 10, running: 10_000 - i * 10 }), 2),
      );
    }
    expect(draws.length - before).toBeLessThanOrEqual(1);
    await until('the trailing frame', () => draws.at(-1)?.steps[0]?.counts?.succeeded === 10_000);
    expect(draws.length - before).toBeLessThanOrEqual(2);
    await tui.done();
  });

  it('redraws on its own while a step runs, so elapsed times move', async () => {
    const { tui, draws } = setup({ tickMs: 20 });
    for (const e of running()) tui.emit(e);
    const before = draws.length;
    await until('three ticks', () => draws.length >= before + 3);
    await tui.done();
  });

  it('follows a resize: every line drawn after it fits the new width', async () => {
    const { tui, stdout, draws } = setup();
    for (const e of running()) tui.emit(e);
    tui.emit(E.finished('deploy', 5, [E.host('10.0.0.1', 104, 3, 'a long line of output '.repeat(10))], 4));
    const from = stdout.frames.length;
    const drawn = draws.length;
    stdout.resize(60, 20);
    expect(draws.length).toBe(drawn + 1);
    tui.emit(E.runFinished(6, 1, 'a step failed'));
    await tui.done();
    const after = stripAnsi(stdout.frames.slice(from).join(''));
    expect(after).toContain('exit 1: a step failed on JOB');
    for (const line of after.split('\n').filter((l) => !l.startsWith('resume: '))) {
      expect(line.length, line).toBeLessThanOrEqual(60);
    }
  });

  it("Ctrl-C after the run has finished leaves with the run's own exit code", async () => {
    const { stdin, tui, control, exits, calls } = setup();
    tui.setControl(control);
    for (const e of running()) tui.emit(e);
    tui.emit(E.finished('deploy', 5, E.twoOk(), 4));
    tui.emit(E.runFinished(6, 0, 'every step succeeded'));
    stdin.write('\u0003');
    await until('the exit', () => exits.length === 1);
    expect(exits).toEqual([0]);
    expect(calls).toEqual([]);
    await tui.done();
  });

  it('drops a question the engine stopped waiting for when the run is interrupted', async () => {
    const { tui, draws } = setup();
    for (const e of running()) tui.emit(e);
    const answer = tui.confirm({ step: 'cleanup', question: 'Clean up?', hostCount: 2 });
    await until('the question', () => draws.at(-1)?.confirm !== undefined);
    tui.emit({ ts: E.at(5), type: 'run.interrupted', signal: 'SIGTERM', action: 'detach' });
    await expect(answer).resolves.toBe(false);
    expect(draws.at(-1)?.confirm).toBeUndefined();
    await tui.done();
  });

  it('takes keys that arrive together one at a time', async () => {
    const { stdin, tui, draws } = setup();
    for (const e of running()) tui.emit(e);
    stdin.write('jj');
    await until('the focus to move down twice', () => draws.at(-1)?.focus === 'cleanup');
    stdin.write('kk');
    await until('the focus to move up twice', () => draws.at(-1)?.focus === 'deploy');
    await tui.done();
  });

  it('takes a name and Enter that arrive together as the name, then Enter', async () => {
    const { stdin, tui } = setup();
    const request = { step: 'deploy', question: 'Run deploy?', hostCount: 500, typeToConfirm: 'deploy' };
    const answer = tui.confirm(request);
    await settle();
    stdin.write('deploy\r');
    await expect(answer).resolves.toBe(true);
    await tui.done();
  });

  it("shows hosts' escape sequences and JOB's control characters as text, never sends them to the terminal", async () => {
    const { tui, stdin, output } = setup();
    const hostile = `before\x1b]0;pwned\x07 \x1b[8mhidden \x9b2J \x1b[?1049h after\n`;
    tui.emit(
      E.started([
        ['cleanup', 1],
        ['deploy', 1],
      ]),
    );
    const question = tui.confirm({ question: `Go? \x1b]2;asked\x07`, hostCount: 1 });
    await settle();
    stdin.write('y');
    await expect(question).resolves.toBe(true);
    tui.emit({
      ts: E.at(6),
      type: 'step.error',
      step: 'cleanup',
      error: { code: 'CORE_ESB', message: 'JOB said \x1b]0;job\x07\x9b2J', hint: 'hint \x1b[2J' },
    });
    tui.emit(E.finished('deploy', 5, [E.host('10.0.0.1', 104, 3, hostile)], 4));
    tui.emit(E.runFinished(7, 1, 'a step failed \x1b]0;reason\x07'));
    await tui.done();
    const out = output();
    // Ink draws with CSI sequences of its own; nothing else reaches the terminal raw. The focused
    // step (the last failure) shows its hosts' log; the error shows in its row.
    expect(out).not.toMatch(/\x1b\]|\x9b|\x07|\x1b\[\?1049h|\x1b\[8m/);
    expect(out).toContain('before\\x1b]0;pwned\\x07');
    expect(out).toContain('JOB said \\x1b]0;job\\x07\\u009b2J');
  });
});
