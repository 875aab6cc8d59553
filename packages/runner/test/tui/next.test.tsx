import { describe, expect, it } from 'vitest';
import { startTui } from '../../src/render/tui/index.js';
import * as E from './events.js';
import { FakeStdin, FakeStdout } from './fakes.js';

function run(width: number, next: string | undefined) {
  const stdout = new FakeStdout(width, 30);
  const tui = startTui({
    stdout: stdout as unknown as NodeJS.WriteStream,
    stdin: new FakeStdin(true) as unknown as NodeJS.ReadStream,
    noColor: true,
    clock: () => E.T0 + 10_000,
    exit: () => {},
  });
  tui.emit(E.started([['deploy', 2]]));
  tui.emit(E.submitting('deploy', 1));
  tui.emit(E.submitted('deploy', 1, 1002));
  tui.emit(E.finished('deploy', 5, [E.host('10.0.0.1', 104, 3, 'disk full\n'), E.twoOk()[0]!], 4));
  tui.emit({ ...E.runFinished(6, 1, 'a step failed'), ...(next ? { next } : {}) });
  return { tui, output: () => stdout.frames.join('') };
}

describe('the recap says what to type next', () => {
  const command = `runbook apply runbooks/maintenance.yaml --resume ${E.RUN_ID} --local`;

  it('whole, when it fits the width', async () => {
    const { tui, output } = run(120, command);
    await tui.done();
    expect(output()).toContain(`next: ${command}`);
  });

  it('never cut: on a narrow screen it points below, where apply prints it whole', async () => {
    const { tui, output } = run(60, command);
    await tui.done();
    expect(output()).not.toContain('next: runbook');
    expect(output()).toContain('next: the command to continue this run is printed below');
  });

  it('nothing when the run cannot be continued', async () => {
    const { tui, output } = run(120, undefined);
    await tui.done();
    expect(output()).not.toContain('next:');
  });
});
