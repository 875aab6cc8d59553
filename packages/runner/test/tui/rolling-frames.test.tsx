import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../src/engine/events.js';
import { App } from '../../src/render/tui/components/App.js';
import { reduce } from '../../src/render/tui/reducer.js';
import { type Action, initialState, type ViewState } from '../../src/render/tui/state.js';
import { createTheme } from '../../src/render/tui/theme.js';
import * as E from './events.js';

const theme = createTheme(true);
const fold = (actions: Action[], from: ViewState = initialState()) => actions.reduce(reduce, from);

function frame(view: ViewState): string {
  const r = render(
    <App view={view} now={E.T0 + 65_000} width={100} height={30} theme={theme} onKey={() => {}} />,
  );
  const out = r.lastFrame() ?? '';
  r.unmount();
  return out;
}

const batchStarted = (s: number, batch: number, failed: number): RunEvent => ({
  ts: E.at(s),
  type: 'batch.started',
  step: 'restart',
  batch,
  batches: 5,
  hosts: 2,
  keys: [`0:10.0.0.${batch * 2 - 1}`, `0:10.0.0.${batch * 2}`],
  failed,
  maxFail: 2,
});

const firstBatch = (): RunEvent[] => [
  E.started([['restart', 10]]),
  batchStarted(1, 1, 0),
  { ...E.submitting('restart', 1), batch: 1 } as RunEvent,
  { ...E.submitted('restart', 1, 2001), batch: 1 } as RunEvent,
  {
    ts: E.at(5),
    type: 'batch.finished',
    step: 'restart',
    batch: 1,
    batches: 5,
    ok: false,
    counts: E.counts({ total: 2, succeeded: 1, failed: 1 }),
    hosts: [E.host('10.0.0.1', 9, 0, 'ok\n', 0), E.host('10.0.0.2', 104, 3, 'boom\n')],
    failed: 1,
    maxFail: 2,
    jobInstanceId: 2001,
  },
];

describe('a rolling step in the terminal UI', () => {
  it('shows the batch and the failure budget used while it runs, and the pause before the next batch', () => {
    const waiting = fold([
      ...firstBatch(),
      { ts: E.at(5), type: 'batch.waiting', step: 'restart', batch: 2, batches: 5, pauseMs: 30_000 },
    ]);
    expect(frame(waiting)).toContain('batch 1/5 · failed 1/2 allowed · pausing 30s before the next');
    const second = fold(
      [batchStarted(36, 2, 1), { ...E.submitted('restart', 36, 2002), batch: 2 } as RunEvent],
      waiting,
    );
    const f = frame(second);
    expect(f).toContain('batch 2/5 · failed 1/2 allowed');
    expect(f).not.toContain('pausing');
    expect(f).toContain('job 2002');
  });

  it('a partial step says so in its row and in the recap; an ignored one too', () => {
    const hosts = [E.host('10.0.0.1', 9, 0, 'ok\n'), E.host('10.0.0.2', 104, 3, 'boom\n')];
    const partial = fold([
      ...firstBatch(),
      { ...E.finished('restart', 60, hosts, 55), result: 'partial' } as RunEvent,
      E.runFinished(61, 1, 'step restart failed on some hosts, within its failure budget'),
    ]);
    const f = frame(partial);
    expect(f).toContain('(partial');
    expect(f).toContain('exit 1');
    const ignored = fold([
      ...firstBatch(),
      { ...E.finished('restart', 60, hosts, 55), result: 'failed', ignored: true } as RunEvent,
      E.runFinished(61, 0, 'every step succeeded but restart, whose failure is ignored (on_failure: ignore)'),
    ]);
    expect(frame(ignored)).toContain('(ignored)');
  });
});
