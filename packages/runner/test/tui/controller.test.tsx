import { describe, expect, it } from 'vitest';
import type { RunControl } from '../../src/engine/events.js';
import { startTui } from '../../src/render/tui/index.js';
import * as E from './events.js';
import { FakeStdin, FakeStdout } from './fakes.js';

function setup(opts: { tty?: boolean } = {}) {
  const stdout = new FakeStdout(100, 30);
  const stdin = new FakeStdin(opts.tty ?? true);
  const exits: number[] = [];
  const tui = startTui({
    stdout: stdout as unknown as NodeJS.WriteStream,
    stdin: stdin as unknown as NodeJS.ReadStream,
    noColor: true,
    clock: () => E.T0 + 65_000,
    exit: (code) => exits.push(code),
  });
  const calls: string[] = [];
  const control: RunControl = {
    detach: (reason) => calls.push(`detach: ${reason}`),
    terminate: (reason) => calls.push(`terminate: ${reason}`),
  };
  return { stdout, stdin, tui, exits, calls, control, output: () => stdout.frames.join('') };
}

/** Lets Ink's input handling run: key presses are parsed on the next turns of the event loop. */
const settle = () => new Promise((r) => setImmediate(r));

describe('startTui', () => {
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

  it('ends with the recap and the resume command of a failed run', async () => {
    const { tui, output } = setup();
    tui.emit(E.started([['deploy', 2]]));
    tui.emit(E.submitting('deploy', 1));
    tui.emit(E.submitted('deploy', 1, 1002));
    tui.emit(E.finished('deploy', 5, [E.host('10.0.0.1', 104, 3, 'disk full\n'), E.twoOk()[0]!], 4));
    tui.emit(E.runFinished(6, 1, 'a step failed'));
    await tui.done();
    expect(output()).toContain('exit 1: a step failed on JOB');
    expect(output()).toContain(`resume: runbook apply runbooks/maintenance.yaml --resume ${E.RUN_ID}\n`);
  });
});
