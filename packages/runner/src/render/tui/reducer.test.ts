import { describe, expect, it } from 'vitest';
import * as E from '../../../test/tui/events.js';
import type { RunEvent } from '../../engine/events.js';
import { stepLines } from './components/StepRow.js';
import { groupFailures, outputKeys } from './groups.js';
import { focusedStep, reduce, selectedGroup } from './reducer.js';
import { type Action, initialState, type ViewState } from './state.js';
import { createTheme } from './theme.js';

/** A number written in letters only, so that outputs differ in more than digits. */
const letters = (n: number) => n.toString(26).replace(/\d/g, (d) => 'qrstuvwxyz'[Number(d)]!);
const fold = (actions: Action[], from: ViewState = initialState()) => actions.reduce(reduce, from);
const three = () =>
  E.started([
    ['prepare', 2],
    ['deploy', 5],
    ['cleanup', 2],
  ]);
const failing = () => [
  E.host('10.0.0.1', 9, 0, 'ok\n'),
  E.host('10.0.0.2', 104, 3, 'copying\ndisk full\n'),
  E.host('10.0.0.3', 310, -1, ''),
  E.host('10.0.0.4', 104, 3, 'copying\ndisk full\n', 2),
  E.host('10.0.0.5', 104, 3, 'copying\ndisk almost full\n'),
];

describe('reduce', () => {
  it("shows a wait for JOB's quota on the submitting step, and forgets it at the next submit", () => {
    const waiting: RunEvent = {
      type: 'step.waiting',
      ts: E.at(2),
      step: 'prepare',
      reason: 'quota',
      code: 1244032,
      message: 'quota full',
      waitMs: 2000,
      waitedMs: 0,
      limitMs: 600_000,
    };
    const s = fold([three(), E.submitting('prepare', 1), waiting]);
    expect(s.steps[0]).toMatchObject({
      phase: 'submitting',
      waiting: { code: 1244032, message: 'quota full', waitMs: 2000 },
    });
    expect(fold([E.submitting('prepare', 4)], s).steps[0]?.waiting).toBeUndefined();
    const row = stepLines(s.steps[0]!, {
      now: E.T0 + 3000,
      width: 200,
      nameWidth: 8,
      theme: createTheme(true),
    });
    expect(
      row
        .flat()
        .map((seg) => seg.text)
        .join(''),
    ).toContain("JOB's running-job quota is full (code 1244032): submitting again in");
  });

  it('starts with every announced step pending and the header for <Static>', () => {
    const s = fold([three()]);
    expect(s.steps.map((x) => [x.name, x.phase, x.hostCount])).toEqual([
      ['prepare', 'pending', 2],
      ['deploy', 'pending', 5],
      ['cleanup', 'pending', 2],
    ]);
    expect(s.staticItems).toEqual(['header']);
    expect(s.run?.endpoint).toEqual({ url: 'http://127.0.0.1:40123', local: true, transport: 'v2' });
  });

  it('follows a step from submit to finish, and never changes the state it is given', () => {
    const before = fold([three(), E.submitting('prepare', 1)]);
    const frozen = structuredClone(before);
    const after = fold(
      [E.submitted('prepare', 2, 1001), E.progress('prepare', 3, E.counts({ total: 2, running: 2 }), 2)],
      before,
    );
    expect(before).toEqual(frozen);
    const step = after.steps[0]!;
    expect(step).toMatchObject({ phase: 'running', jobInstanceId: 1001, startedAt: E.T0 + 1000, status: 2 });
    expect(step.counts?.running).toBe(2);
    const done = fold([E.finished('prepare', 4, E.twoOk(), 3)], after);
    expect(done.steps[0]).toMatchObject({ phase: 'succeeded', elapsedMs: 3000, groups: [] });
    expect(done.staticItems).toEqual(['header', 'prepare']);
  });

  it('ignores a late progress event of a finished step', () => {
    const s = fold([three(), E.submitted('prepare', 1, 1), E.finished('prepare', 3, E.twoOk(), 2)]);
    expect(reduce(s, E.progress('prepare', 4, E.counts({ total: 2, running: 2 }), 3))).toBe(s);
  });

  it('groups failed hosts by status, exit code and output, biggest group first', () => {
    const groups = groupFailures(failing());
    expect(groups).toEqual([
      {
        status: 104,
        exitCode: 3,
        lines: ['copying', 'disk full'],
        hosts: ['10.0.0.2', '2:10.0.0.4'],
        folded: '10.0.0.2, 2:10.0.0.4',
      },
      {
        status: 104,
        exitCode: 3,
        lines: ['copying', 'disk almost full'],
        hosts: ['10.0.0.5'],
        folded: '10.0.0.5',
      },
      { status: 310, exitCode: -1, lines: [], hosts: ['10.0.0.3'], folded: '10.0.0.3' },
    ]);
  });

  it('groups 10,000 failed hosts with one output into one group, and 10,000 outputs into 10,000', () => {
    const same = Array.from({ length: 10_000 }, (_, i) =>
      E.host(`10.${i >> 8}.${i & 255}.1`, 104, 1, 'no space\n'),
    );
    expect(groupFailures(same).map((g) => [g.hosts.length, g.folded])).toEqual([
      [10_000, '10.[0-38].[0-255].1, 10.39.[0-15].1'],
    ]);
    const distinct = same.map((h, i) => ({ ...h, log: `error ${letters(i)}\n` }));
    expect(groupFailures(distinct)).toHaveLength(10_000);
  });

  it('keys outputs by their shape (digit runs as one) and by their exact text', () => {
    const a = outputKeys('took 12 ms on 10.0.0.1\n');
    const b = outputKeys('took 3 ms on 192.168.10.200\n');
    expect(a.shape).toBe(b.shape);
    expect(a.exact).not.toBe(b.exact);
    expect(outputKeys('took 12 ms').shape).not.toBe(outputKeys('took 12 s').shape);
    expect(outputKeys('a1b').shape).not.toBe(outputKeys('a1 b').shape);
    expect(outputKeys('same').exact).toBe(outputKeys('same').exact);
  });

  it('groups outputs that differ only in numbers or the host address, and counts them', () => {
    const hosts = [
      E.host('10.0.0.1', 104, 1, '[12:00:01][PID:101] 10.0.0.1: disk 97% full\n'),
      E.host('10.0.0.2', 104, 1, '[12:00:02][PID:202] 10.0.0.2: disk 98% full\n'),
      E.host('10.0.0.3', 104, 1, '[12:00:03][PID:303] 10.0.0.3: permission denied\n'),
    ];
    expect(groupFailures(hosts)).toEqual([
      {
        status: 104,
        exitCode: 1,
        lines: ['[12:00:01][PID:101] 10.0.0.1: disk 97% full'],
        hosts: ['10.0.0.1', '10.0.0.2'],
        folded: '10.0.0.[1-2]',
        variants: 2,
      },
      {
        status: 104,
        exitCode: 1,
        lines: ['[12:00:03][PID:303] 10.0.0.3: permission denied'],
        hosts: ['10.0.0.3'],
        folded: '10.0.0.3',
      },
    ]);
  });

  it('keeps a step error, with "may have started" when the submit answer was lost', () => {
    const s = fold([
      three(),
      E.submitting('prepare', 1),
      {
        ts: E.at(4),
        type: 'step.error',
        step: 'prepare',
        error: { code: 'RUNNER_MAY_HAVE_STARTED', message: 'the submit answer was lost' },
        mayHaveStarted: true,
      },
    ]);
    expect(s.steps[0]).toMatchObject({ phase: 'error', elapsedMs: 3000, error: { mayHaveStarted: true } });
    expect(s.staticItems).toContain('prepare');
  });

  it('marks the steps that never started as not run when the run ends', () => {
    const s = fold([
      three(),
      E.submitted('prepare', 1, 1),
      E.finished('prepare', 3, failing(), 2),
      E.runFinished(4, 1, 'a step failed'),
    ]);
    expect(s.steps.map((x) => x.phase)).toEqual(['failed', 'not-run', 'not-run']);
    expect(s.finished).toEqual({ ok: false, exitCode: 1, reason: 'a step failed', runId: E.RUN_ID });
  });

  it('ends on the last failure, whatever step the person was looking at', () => {
    const s = fold([
      three(),
      E.submitted('prepare', 1, 1),
      E.finished('prepare', 3, failing(), 2),
      { type: 'ui.focus', delta: 2 },
      E.runFinished(4, 1, 'a step failed'),
    ]);
    expect(s.focus).toBeUndefined();
    expect(focusedStep(s)?.name).toBe('prepare');
  });

  it('adds a step the run did not announce instead of dropping its events', () => {
    const s = fold([three(), E.submitted('extra', 1, 9)]);
    expect(s.steps.map((x) => x.name)).toEqual(['prepare', 'deploy', 'cleanup', 'extra']);
    expect(s.index.extra).toBe(3);
  });
});

describe('focus', () => {
  const running = (): RunEvent[] => [
    three(),
    E.submitted('prepare', 1, 1),
    E.finished('prepare', 3, E.twoOk(), 2),
    E.submitted('deploy', 4, 2),
  ];

  it('follows the running step, then the last failure', () => {
    const s = fold(running());
    expect(focusedStep(s)?.name).toBe('deploy');
    const f = fold([E.finished('deploy', 9, failing(), 5), E.submitted('cleanup', 10, 3)], s);
    expect(focusedStep(f)?.name).toBe('deploy');
  });

  it('moves between steps within bounds, and between the groups of a step', () => {
    let s = fold([...running(), E.finished('deploy', 9, failing(), 5)]);
    s = fold([{ type: 'ui.focus', delta: -1 }], s);
    expect(focusedStep(s)?.name).toBe('prepare');
    s = fold([{ type: 'ui.focus', delta: -5 }], s);
    expect(focusedStep(s)?.name).toBe('prepare');
    s = fold(
      [
        { type: 'ui.focus', delta: 1 },
        { type: 'ui.group', delta: 1 },
      ],
      s,
    );
    expect(selectedGroup(s)?.lines).toEqual(['copying', 'disk almost full']);
    s = fold([{ type: 'ui.group', delta: 10 }], s);
    expect(s.group).toBe(2);
    s = fold([{ type: 'ui.focus', delta: 9 }], s);
    expect(focusedStep(s)?.name).toBe('cleanup');
    expect(s.group).toBe(0);
  });

  it('opens the output of any step, running or done, and bounds its scroll', () => {
    expect(reduce(initialState(), { type: 'ui.log', open: true }).log).toBeUndefined();
    const s = fold(running());
    expect(reduce(s, { type: 'ui.log', open: true }).log).toEqual({ scroll: 0 });
    const f = fold([E.finished('deploy', 9, failing(), 5), { type: 'ui.log', open: true }], s);
    expect(f.log).toEqual({ scroll: 0 });
    // Gathered: 10.0.0.[2,4] and 10.0.0.5 (2 lines each), 10.0.0.3 (no output), 10.0.0.1 (1 line).
    expect(
      focusedStep(f)
        ?.gathered?.all()
        .map((g) => [g.hosts, g.statusText, g.lines.length]),
    ).toEqual([
      ['10.0.0.2, 2:10.0.0.4', 'failed, exit 3', 2],
      ['10.0.0.3', 'agent error', 0],
      ['10.0.0.5', 'failed, exit 3', 2],
      ['10.0.0.1', 'ok', 1],
    ]);
    expect(fold([{ type: 'ui.log.scroll', delta: 50 }], f).log).toEqual({ scroll: 9 });
    expect(fold([{ type: 'ui.log.scroll', delta: -3 }], f).log).toEqual({ scroll: 0 });
    expect(fold([{ type: 'ui.log', open: false }], f).log).toBeUndefined();
  });

  it("keeps JOB's partial log of a running step, and drops it once the step finishes", () => {
    const s = fold(running());
    const name = s.steps.find((x) => x.phase === 'running')!.name;
    const partial = fold(
      [
        {
          type: 'ui.partial',
          step: name,
          at: 5,
          hosts: [E.host('10.0.0.1', 7, -1, '[t][PID:1] job_start\nhalf\n')],
        },
      ],
      s,
    );
    const step = partial.steps.find((x) => x.name === name)!;
    expect(step.partial).toEqual({
      at: 5,
      groups: [{ hosts: '10.0.0.1', count: 1, failed: false, statusText: 'running', lines: ['half'] }],
    });
    const failedFetch = fold([{ type: 'ui.partial', step: name, at: 6, error: 'ESB down' }], partial);
    expect(failedFetch.steps.find((x) => x.name === name)?.partialError).toBe('ESB down');
    const done = fold([E.finished(name, 9, E.twoOk(), 5)], failedFetch).steps.find((x) => x.name === name)!;
    expect(done.partial).toBeUndefined();
    expect(done.partialError).toBeUndefined();
    expect(done.gathered?.all()[0]).toMatchObject({ hosts: '10.0.0.[1-2]', lines: ['ok'] });
    // A partial log that arrives after the end changes nothing.
    expect(
      fold(
        [{ type: 'ui.partial', step: name, at: 7, error: 'late' }],
        fold([E.finished(name, 9, E.twoOk(), 5)], s),
      ).steps.find((x) => x.name === name)?.partialError,
    ).toBeUndefined();
  });
});

describe('bars', () => {
  it('keeps a question with what was typed, and forgets it once answered', () => {
    let s = fold([
      {
        type: 'ui.confirm',
        request: { step: 'deploy', question: 'Run?', hostCount: 5000, typeToConfirm: 'deploy' },
      },
    ]);
    s = fold([{ type: 'ui.confirm.type', text: 'depl' }], s);
    expect(s.confirm).toMatchObject({ typed: 'depl', mismatch: false });
    s = fold([{ type: 'ui.confirm.mismatch' }], s);
    expect(s.confirm).toMatchObject({ typed: '', mismatch: true });
    expect(fold([{ type: 'ui.confirm.close' }], s).confirm).toBeUndefined();
  });

  it('cycles the Ctrl-C choices, closes on keep watching, and closes when the run is interrupted', () => {
    let s = fold([three(), { type: 'ui.interrupt.open' }, { type: 'ui.interrupt.select', delta: -1 }]);
    expect(s.interrupt).toEqual({ selected: 2 });
    expect(fold([{ type: 'ui.interrupt.choose', choice: 'keep' }], s).interrupt).toBeUndefined();
    s = fold([{ type: 'ui.interrupt.choose', choice: 'detach' }], s);
    expect(s.interrupt).toEqual({ selected: 0, chosen: 'detach' });
    s = fold([{ ts: E.at(9), type: 'run.interrupted', signal: 'SIGINT', action: 'detach' }], s);
    expect(s.interrupt).toBeUndefined();
    expect(s.interrupted).toEqual({ signal: 'SIGINT', action: 'detach' });
  });
});
