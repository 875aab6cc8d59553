import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../src/engine/events.js';
import { App, finishedLines } from '../../src/render/tui/components/App.js';
import { reduce } from '../../src/render/tui/reducer.js';
import { type Action, initialState, type ViewState } from '../../src/render/tui/state.js';
import { createTheme } from '../../src/render/tui/theme.js';
import { textWidth } from '../../src/render/tui/wrap.js';
import * as E from './events.js';
import { renderSized } from './fakes.js';

const theme = createTheme(true);
const fold = (actions: Action[], from: ViewState = initialState()) => actions.reduce(reduce, from);
const NOW = E.T0 + 65_000;

/** The screen for a view: 100 columns through ink-testing-library, other sizes through a sized fake. */
function frame(view: ViewState, size: [number, number] = [100, 30], now = NOW): string {
  const [width, height] = size;
  const app = <App view={view} now={now} width={width} height={height} theme={theme} onKey={() => {}} />;
  const r = width === 100 ? render(app) : renderSized(app, width, height);
  const out = r.lastFrame() ?? '';
  r.unmount();
  return out;
}

const steps = (): RunEvent[] => [
  E.started([
    ['prepare', 2],
    ['deploy-app', 5],
    ['cleanup', 2],
  ]),
  E.submitting('prepare', 1),
  E.submitted('prepare', 1, 1001),
  E.finished('prepare', 4, E.twoOk(), 3),
  E.submitting('deploy-app', 5),
  E.submitted('deploy-app', 5, 1002),
];
const failingHosts = () => [
  ...E.twoOk(),
  E.host('10.0.0.3', 104, 3, 'copying release 1.4.2\ncp: /srv/app: No space left on device\n'),
  E.host('10.0.0.4', 104, 3, 'copying release 1.4.2\ncp: /srv/app: No space left on device\n'),
  E.host('10.0.0.5', 310, -1, ''),
];
const failed = () =>
  fold([
    ...steps(),
    E.finished('deploy-app', 40, failingHosts(), 35),
    E.submitting('cleanup', 41),
    E.submitted('cleanup', 41, 1003),
  ]);

describe('frames', () => {
  it('running: header, finished rows, the running step with its counters and the pending one', () => {
    const view = fold([
      ...steps(),
      E.progress(
        'deploy-app',
        30,
        E.counts({ total: 5, succeeded: 2, failed: 1, running: 1, waiting: 1 }),
        25,
      ),
    ]);
    expect(frame(view)).toMatchInlineSnapshot(`
      "runbook maintenance runbooks/maintenance.yaml · git 3f2a9c1+dirty
      endpoint local emulator http://127.0.0.1:40123 ESB v2 · biz 2 · run 7c1e2a3b-0d4f-4e5a-9b6c-1d2e3f4…
       ✔ prepare        3s  job 1001  ok 2/2
         10.0.0.[1-2] (2 hosts): ok
           │ ok
      ›◓ deploy-app  1m00s  job 1002
          ok 2  failed 1  running 1  waiting 1  agent errors 0  of 5
       · cleanup            2 hosts
      ↑↓ step · tab group · enter output · ctrl-c stop"
    `);
  });

  it('a failed step: its hosts grouped by status, exit code and output, with the last log lines', () => {
    expect(frame(failed())).toMatchInlineSnapshot(`
      "runbook maintenance runbooks/maintenance.yaml · git 3f2a9c1+dirty
      endpoint local emulator http://127.0.0.1:40123 ESB v2 · biz 2 · run 7c1e2a3b-0d4f-4e5a-9b6c-1d2e3f4…
       ✔ prepare        3s  job 1001  ok 2/2
         10.0.0.[1-2] (2 hosts): ok
           │ ok
       ✖ deploy-app    35s  job 1002  3 of 5 failed (1 agent error) · ok 2
         10.0.0.[3-4] (2 hosts): failed, exit 3
           │ copying release 1.4.2
           │ cp: /srv/app: No space left on device
         10.0.0.5 (1 host): agent error
           │ (no output)
         10.0.0.[1-2] (2 hosts): ok
           │ ok
       ◓ cleanup       24s  job 1003
          waiting for JOB · 2 hosts

      deploy-app: 3 failed hosts in 2 groups  (tab: next group, enter: all output)
       › failed, exit 3 · 2 hosts: 10.0.0.[3-4]
           │ copying release 1.4.2
           │ cp: /srv/app: No space left on device
         agent error · 1 host: 10.0.0.5
           │ (no output)
      ↑↓ step · tab group · enter output · ctrl-c stop"
    `);
  });

  it('a failed step: tab selects the next group, enter shows all its output gathered', () => {
    const view = fold([{ type: 'ui.group', delta: 1 }], failed());
    expect(frame(view)).toContain(' › agent error · 1 host: 10.0.0.5');
    expect(
      frame(
        fold(
          [
            { type: 'ui.group', delta: -1 },
            { type: 'ui.log', open: true },
          ],
          view,
        ),
      ),
    ).toMatchInlineSnapshot(`
      "runbook maintenance runbooks/maintenance.yaml · git 3f2a9c1+dirty
      endpoint local emulator http://127.0.0.1:40123 ESB v2 · biz 2 · run 7c1e2a3b-0d4f-4e5a-9b6c-1d2e3f4…
       ✔ prepare        3s  job 1001  ok 2/2
         10.0.0.[1-2] (2 hosts): ok
           │ ok
       ✖ deploy-app    35s  job 1002  3 of 5 failed (1 agent error) · ok 2
         10.0.0.[3-4] (2 hosts): failed, exit 3
           │ copying release 1.4.2
           │ cp: /srv/app: No space left on device
         10.0.0.5 (1 host): agent error
           │ (no output)
         10.0.0.[1-2] (2 hosts): ok
           │ ok
       ◓ cleanup       24s  job 1003
          waiting for JOB · 2 hosts

      deploy-app: output of 5 hosts in 3 groups  (esc: back, ↑↓: scroll)
         10.0.0.[3-4] (2 hosts): failed, exit 3
           │ copying release 1.4.2
           │ cp: /srv/app: No space left on device
         10.0.0.5 (1 host): agent error
           │ (no output)
         10.0.0.[1-2] (2 hosts): ok
           │ ok
      esc back · ↑↓ scroll · ctrl-c stop"
    `);
  });

  it('a confirmation: the question, what runs where, and explicit choices', () => {
    const view = fold([
      E.started([
        ['prepare', 2],
        ['deploy-app', 5],
      ]),
      { type: 'ui.confirm', request: { question: 'Apply maintenance to 7 hosts?', hostCount: 7 } },
    ]);
    expect(frame(view)).toMatchInlineSnapshot(`
      "runbook maintenance runbooks/maintenance.yaml · git 3f2a9c1+dirty
      endpoint local emulator http://127.0.0.1:40123 ESB v2 · biz 2 · run 7c1e2a3b-0d4f-4e5a-9b6c-1d2e3f4…
      ›· prepare            2 hosts
       · deploy-app         5 hosts
      ── confirm ─────────────────────────────────────────────────────────────────────────────────────────
      ? Apply maintenance to 7 hosts?
        runs on 7 hosts
        [y] yes, run it    [n] no, stop here"
    `);
  });

  it('a confirmation of a production-sized step: the step name to type, and a wrong name said so', () => {
    const request = {
      step: 'deploy-app',
      question: 'Run deploy-app on 2,000 hosts?',
      hostCount: 2000,
      typeToConfirm: 'deploy-app',
    };
    const view = fold([
      ...steps().slice(0, 4),
      { type: 'ui.confirm', request },
      { type: 'ui.confirm.type', text: 'deploy' },
      { type: 'ui.confirm.mismatch' },
      { type: 'ui.confirm.type', text: 'deploy-a' },
    ]);
    expect(frame(fold([{ type: 'ui.confirm.mismatch' }], view), [80, 24])).toContain(
      'That is not the step name; type it again or press Esc.',
    );
    expect(frame(view, [80, 24])).toMatchInlineSnapshot(`
      "runbook maintenance runbooks/maintenance.yaml · git 3f2a9c1+dirty
      endpoint local emulator http://127.0.0.1:40123 ESB v2 · biz 2 · run 7c1e2a3b-0d…
       ✔ prepare        3s  job 1001  ok 2/2
         10.0.0.[1-2] (2 hosts): ok
           │ ok
       · deploy-app         5 hosts
       · cleanup            2 hosts
      ── confirm ─────────────────────────────────────────────────────────────────────
      ? Run deploy-app on 2,000 hosts?
        runs step deploy-app on 2,000 hosts
        Production-sized: type deploy-app and press Enter to run it, Esc to decline.
        › deploy-a_"
    `);
  });

  it('the Ctrl-C bar: detach, terminate, keep watching; then what was chosen', () => {
    const view = fold([
      ...steps(),
      E.progress('deploy-app', 30, E.counts({ total: 5, running: 5 }), 25),
      { type: 'ui.interrupt.open' },
    ]);
    expect(frame(view, [80, 24])).toMatchInlineSnapshot(`
      "runbook maintenance runbooks/maintenance.yaml · git 3f2a9c1+dirty
      endpoint local emulator http://127.0.0.1:40123 ESB v2 · biz 2 · run 7c1e2a3b-0d…
       ✔ prepare        3s  job 1001  ok 2/2
         10.0.0.[1-2] (2 hosts): ok
           │ ok
      ›◓ deploy-app  1m00s  job 1002
          ok 0  failed 0  running 5  waiting 0  agent errors 0  of 5
       · cleanup            2 hosts
      ── Ctrl-C ──────────────────────────────────────────────────────────────────────
      Stop following this run?
       › [d] detach: stop here; the local emulator and its job stop with the runner
         [t] terminate the job
         [k] keep watching
      Ctrl-C again leaves at once."
    `);
    const detaching = frame(fold([{ type: 'ui.interrupt.choose', choice: 'detach' }], view), [80, 24]);
    expect(detaching.replace(/\s+/g, ' ')).toContain(
      'Detaching: no new step will be submitted; the local emulator stops with the runner, and the job with it.',
    );
    // Against a JOB server, a detached job keeps running there.
    const remote = fold(
      [{ type: 'ui.interrupt.open' }],
      fold([E.started([['prepare', 2]], false), E.submitted('prepare', 1, 9)]),
    );
    expect(frame(remote, [80, 24])).toContain('[d] detach (job keeps running on JOB)');
    expect(frame(fold([{ type: 'ui.interrupt.choose', choice: 'detach' }], remote), [80, 24])).toContain(
      'Detaching: no new step will be submitted; the job keeps running on JOB.',
    );
  });

  it('the recap: a line per step, the exit code and its meaning, the run id', () => {
    const view = fold([
      ...steps(),
      E.finished('deploy-app', 40, failingHosts(), 35),
      E.runFinished(41, 1, 'step deploy-app failed'),
    ]);
    expect(frame(view, [80, 24])).toMatchInlineSnapshot(`
      "runbook maintenance runbooks/maintenance.yaml · git 3f2a9c1+dirty
      endpoint local emulator http://127.0.0.1:40123 ESB v2 · biz 2 · run 7c1e2a3b-0d…
       ✔ prepare        3s  job 1001  ok 2/2
         10.0.0.[1-2] (2 hosts): ok
           │ ok
       ✖ deploy-app    35s  job 1002  3 of 5 failed (1 agent error) · ok 2
         10.0.0.[3-4] (2 hosts): failed, exit 3
           │ copying release 1.4.2
           │ cp: /srv/app: No space left on device
         10.0.0.5 (1 host): agent error
           │ (no output)
         10.0.0.[1-2] (2 hosts): ok
           │ ok
      ── recap ───────────────────────────────────────────────────────────────────────
       ✔ prepare        3s  ok on 2/2 hosts
       ✖ deploy-app    35s  failed on 3/5 hosts
       – cleanup            not run
      exit 1: a step failed on JOB (step deploy-app failed)
      run id 7c1e2a3b-0d4f-4e5a-9b6c-1d2e3f405162"
    `);
  });

  it('the recap of an interrupted run: the step left running on JOB (stopped under --local) and exit 130', () => {
    const view = fold([
      ...steps(),
      { ts: E.at(30), type: 'run.interrupted', signal: 'SIGINT', action: 'detach' },
      E.runFinished(30, 130, 'interrupted'),
    ]);
    const out = frame(view, [80, 24]);
    expect(out).toMatch(/ » deploy-app +stopped with the local emulator/);
    expect(out).not.toContain('left running');
    expect(out).toContain('exit 130: interrupted');
    const [, ...rest] = steps();
    const remote = fold([
      E.started(
        [
          ['prepare', 2],
          ['deploy-app', 5],
          ['cleanup', 2],
        ],
        false,
      ),
      ...rest,
      { ts: E.at(30), type: 'run.interrupted', signal: 'SIGINT', action: 'detach' },
      E.runFinished(30, 130, 'interrupted'),
    ]);
    expect(frame(remote, [80, 24])).toMatch(/ » deploy-app +left running on JOB/);
    const terminated = fold([
      ...steps(),
      { ts: E.at(30), type: 'run.interrupted', signal: 'Ctrl-C', action: 'terminate' },
      E.runFinished(31, 130, 'interrupted'),
    ]);
    expect(frame(terminated, [80, 24])).toMatch(/ » deploy-app +JOB was asked to terminate it/);
  });

  it('a step error: its code, message and hint, and what to check when the job may have started', () => {
    const view = fold([
      ...steps().slice(0, 5),
      {
        ts: E.at(9),
        type: 'step.error',
        step: 'deploy-app',
        error: {
          code: 'CORE_MAY_HAVE_STARTED',
          message: 'the answer to fast_execute_script was lost',
          hint: 'look for the job in JOB before resuming',
        },
        mayHaveStarted: true,
      },
      E.runFinished(9, 3, 'step deploy-app could not be submitted'),
    ]);
    expect(frame(view, [100, 30])).toMatchInlineSnapshot(`
      "runbook maintenance runbooks/maintenance.yaml · git 3f2a9c1+dirty
      endpoint local emulator http://127.0.0.1:40123 ESB v2 · biz 2 · run 7c1e2a3b-0d4f-4e5a-9b6c-1d2e3f4…
       ✔ prepare        3s  job 1001  ok 2/2
         10.0.0.[1-2] (2 hosts): ok
           │ ok
       ! deploy-app     4s  may have started: CORE_MAY_HAVE_STARTED
      deploy-app: CORE_MAY_HAVE_STARTED the answer to fast_execute_script was lost
         hint: look for the job in JOB before resuming
         The job may have started: check JOB; resume asks before doing anything with it.
      ── recap ───────────────────────────────────────────────────────────────────────────────────────────
       ✔ prepare        3s  ok on 2/2 hosts
       ! deploy-app     4s  may have started (check JOB)
       – cleanup            not run
      exit 3: JOB or ESB could not be used (step deploy-app could not be submitted)
      run id 7c1e2a3b-0d4f-4e5a-9b6c-1d2e3f405162"
    `);
  });

  it('a resumed run: the header says so, and a re-attached job is marked', () => {
    const [first, ...rest] = steps();
    const view = fold([
      { ...first!, resumedFrom: E.RUN_ID } as RunEvent,
      ...rest.slice(0, 4),
      { ...E.submitted('deploy-app', 5, 1002), reattached: true } as RunEvent,
    ]);
    const out = frame(view, [120, 30]);
    expect(out).toContain(`run ${E.RUN_ID} (resumed)`);
    expect(out).toMatch(/deploy-app +1m00s +job 1002 \(re-attached\)/);
  });

  it('10,000 hosts: counts, never rows', () => {
    const running = fold([
      E.started([['fan-out', 10_000]]),
      E.submitting('fan-out', 1),
      E.submitted('fan-out', 1, 2001),
      E.progress(
        'fan-out',
        30,
        E.counts({ total: 10_000, succeeded: 4210, failed: 12, running: 5000, waiting: 770, agentError: 8 }),
        29,
      ),
    ]);
    expect(frame(running, [80, 24])).toMatchInlineSnapshot(`
      "runbook maintenance runbooks/maintenance.yaml · git 3f2a9c1+dirty
      endpoint local emulator http://127.0.0.1:40123 ESB v2 · biz 2 · run 7c1e2a3b-0d…
      ›◓ fan-out  1m04s  job 2001
          ok 4,210  failed 12  running 5,000  waiting 770  agent errors 8  of 10,000
      ↑↓ step · tab group · enter output · ctrl-c stop"
    `);
    const hosts = Array.from({ length: 10_000 }, (_, i) =>
      E.host(
        `10.${i >> 8}.${i & 255}.1`,
        i < 9_990 ? 104 : 310,
        i < 9_990 ? 1 : -1,
        i < 9_990 ? 'No space left on device\n' : '',
      ),
    );
    const done = fold([E.finished('fan-out', 60, hosts, 59)], running);
    const out = frame(done, [80, 24]);
    expect(out).toMatchInlineSnapshot(`
      "runbook maintenance runbooks/maintenance.yaml · git 3f2a9c1+dirty
      endpoint local emulator http://127.0.0.1:40123 ESB v2 · biz 2 · run 7c1e2a3b-0d…
       ✖ fan-out    59s  job 2001  10,000 of 10,000 failed (10 agent errors) · ok 0
         10.[0-38].[0-255].1, 10.39.[0-5].1 (9,990 hosts): failed, exit 1
           │ No space left on device
         10.39.[6-15].1 (10 hosts): agent error
           │ (no output)
      fan-out: 10,000 failed hosts in 2 groups  (tab: next group, enter: all output)
       › failed, exit 1 · 9,990 hosts: 10.[0-38].[0-255].1, 10.39.[0-5].1
           │ No space left on device
         agent error · 10 hosts: 10.39.[6-15].1
           │ (no output)
      ↑↓ step · tab group · enter output · ctrl-c stop"
    `);
    expect(out.split('\n').length).toBeLessThanOrEqual(24);
  });
});

describe('small screens', () => {
  const views = (): [string, ViewState][] => {
    const hosts = Array.from({ length: 300 }, (_, i) =>
      E.host(`10.0.${i >> 8}.${i & 255}`, 104, i % 7, `line a\nline b ${i % 7}\n`),
    );
    return [
      ['running', fold([...steps(), E.progress('deploy-app', 30, E.counts({ total: 5, running: 5 }), 25)])],
      ['failed', failed()],
      ['many groups', fold([...steps(), E.finished('deploy-app', 40, hosts, 35)])],
      [
        'confirm',
        fold(
          [
            {
              type: 'ui.confirm',
              request: { step: 'deploy-app', question: 'Run?', hostCount: 5, typeToConfirm: 'deploy-app' },
            },
          ],
          failed(),
        ),
      ],
      ['ctrl-c', fold([{ type: 'ui.interrupt.open' }], failed())],
      ['recap', fold([E.runFinished(60, 1, 'a step failed')], failed())],
    ];
  };

  for (const [width, height] of [
    [80, 24],
    [60, 20],
    [40, 12],
  ] as const) {
    it(`truncates, never wraps, and never outgrows ${width}×${height}`, () => {
      for (const [name, view] of views()) {
        const r = renderSized(
          <App view={view} now={NOW} width={width} height={height} theme={theme} onKey={() => {}} />,
          width,
          height,
        );
        const out = r.lastFrame();
        r.unmount();
        // The header, then each finished step's row and what it leaves below it (output, error).
        const props = { view, now: NOW, width, height, theme };
        const staticLines =
          2 +
          view.staticItems
            .filter((i) => i !== 'header')
            .reduce((n, i) => n + 1 + finishedLines(view.steps[view.index[i]!]!, props).length, 0);
        const lines = out.replace(/\n$/, '').split('\n');
        for (const line of lines) expect(line.length, `${name}: ${line}`).toBeLessThanOrEqual(width);
        expect(lines.length - staticLines, name).toBeLessThan(height);
      }
    });
  }

  it('the many-groups failure at 60×20 keeps the selected group in view', () => {
    const view = fold([
      ...steps(),
      E.finished(
        'deploy-app',
        40,
        Array.from({ length: 300 }, (_, i) =>
          E.host(`10.0.${i >> 8}.${i & 255}`, 104, i % 7, `line a\nline b ${i % 7}\n`),
        ),
        35,
      ),
      { type: 'ui.group', delta: 6 },
    ]);
    expect(frame(view, [60, 20])).toMatchInlineSnapshot(`
      "runbook maintenance runbooks/maintenance.yaml · git 3f2a9c1…
      endpoint local emulator http://127.0.0.1:40123 ESB v2 · biz…
       ✔ prepare        3s  job 1001  ok 2/2
         10.0.0.[1-2] (2 hosts): ok
           │ ok
       ✖ deploy-app    35s  job 1002  300 of 300 failed · ok 0
         10.0.0.[0,7,14,21,28,35,42,49,56,63,70,77,84,91,98,105,
           112,119,126,133,140,147,154,161, … (43 hosts): failed
           │ line a
           │ line b 0
         10.0.0.[1,8,15,22,29,36,43,50,57,64,71,78,85,92,99,106,
           113,120,127,134,141,148, … (43 hosts): failed, exit 1
           │ line a
           │ line b 1
         10.0.0.[2,9,16,23,30,37,44,51,58,65,72,79,86,93,100,107,
           114,121,128,135,142,149, … (43 hosts): failed, exit 2
           │ line a
           │ line b 2
         10.0.0.[3,10,17,24,31,38,45,52,59,66,73,80,87,94,101,108,
           115,122,129,136,143,150, … (43 hosts): failed, exit 3
           │ line a
           │ line b 3
         10.0.0.[4,11,18,25,32,39,46,53,60,67,74,81,88,95,102,109,
           116,123,130,137,144,151, … (43 hosts): failed, exit 4
           │ line a
           │ line b 4
         … 2 more groups (85 hosts)
         the rest: runbook logs
           7c1e2a3b-0d4f-4e5a-9b6c-1d2e3f405162 --step deploy-app
       · cleanup            2 hosts

      deploy-app: 300 failed hosts in 7 groups  (tab: next group,…
         failed, exit 3 · 43 hosts: 10.0.0.[3,10,17,24,31,38,45,5…
           │ line a
           │ line b 3
         failed, exit 4 · 43 hosts: 10.0.0.[4,11,18,25,32,39,46,5…
           │ line a
           │ line b 4
         failed, exit 5 · 43 hosts: 10.0.0.[5,12,19,26,33,40,47,5…
           │ line a
           │ line b 5
       › failed, exit 6 · 42 hosts: 10.0.0.[6,13,20,27,34,41,48,5…
           │ line a
           │ line b 6
         + 3 more groups above
      ↑↓ step · tab group · enter output · ctrl-c stop"
    `);
  });
});

describe('gathered output and errors that are never cut', () => {
  const hosts = [1, 2, 3, 4, 5, 6, 7, 8, 10].map((d) =>
    E.host(`10.0.1.${d}`, 9, 0, `[2026-01-02 03:04:0${d % 10}][PID:${d}] job_start\ndisk usage of /: 42%\n`),
  );

  it('a finished step keeps its output under its row, hosts folded, without JOB’s job_start line', () => {
    const view = fold([
      E.started([['check-disk', 9]]),
      E.submitted('check-disk', 1, 1001),
      E.finished('check-disk', 3, [...hosts, E.host('10.0.2.1', 104, 3, 'df: /: I/O error\n')], 2),
      E.runFinished(4, 1, 'a step failed'),
    ]);
    const out = frame(view, [80, 24]);
    expect(out).toContain('10.0.2.1 (1 host): failed, exit 3\n     │ df: /: I/O error');
    expect(out).toContain('10.0.1.[1-8,10] (9 hosts): ok\n     │ disk usage of /: 42%');
    expect(out).not.toContain('job_start');
    // Failures first.
    expect(out.indexOf('failed, exit 3')).toBeLessThan(out.indexOf('(9 hosts): ok'));
  });

  it('the outputs a step set stay under its row, folded by value, after its output', () => {
    const withOutput = (ip: string, stale: string) => ({
      ...E.host(ip, 9, 0, `::output stale=${stale}\n`),
      outputs: { stale },
    });
    const view = fold([
      E.started([['check-config', 3]]),
      E.submitted('check-config', 1, 1001),
      E.finished(
        'check-config',
        3,
        [withOutput('10.0.0.1', 'no'), withOutput('10.0.0.2', 'yes'), withOutput('10.0.0.3', 'no')],
        2,
      ),
      E.runFinished(4, 0, 'every step succeeded'),
    ]);
    const out = frame(view, [80, 24]);
    expect(out).toContain('   output stale="no" on 10.0.0.[1,3]\n   output stale="yes" on 10.0.0.2\n');
    expect(out.indexOf('│ ::output stale=')).toBeLessThan(out.indexOf('   output stale="no"'));
    expect(out.indexOf('   output stale="yes"')).toBeLessThan(out.indexOf('recap'));
  });

  it('a few lines per group in the last frame, then the command that prints the rest', () => {
    const long = Array.from({ length: 12 }, (_, i) => `line ${i + 1}`).join('\n');
    const view = fold([
      E.started([['report', 2]]),
      E.submitted('report', 1, 1001),
      E.finished('report', 3, [E.host('10.0.0.1', 9, 0, long), E.host('10.0.0.2', 9, 0, long)], 2),
      E.runFinished(4, 0, 'every step succeeded'),
    ]);
    const out = frame(view, [100, 30]);
    expect(out).toContain('│ line 3\n');
    expect(out).not.toContain('│ line 4\n');
    expect(out).toContain('… 9 more lines');
    expect(out).toContain(`the rest: runbook logs ${E.RUN_ID} --step report`);
  });

  it('Enter on a running step shows JOB’s partial log, gathered', () => {
    const view = fold([
      E.started([['slow', 3]]),
      E.submitted('slow', 1, 1001),
      E.progress('slow', 2, E.counts({ total: 3, running: 3 }), 1),
      { type: 'ui.log', open: true },
      {
        type: 'ui.partial',
        step: 'slow',
        at: NOW - 2000,
        hosts: [
          E.host('10.0.0.1', 7, -1, '[t][PID:1] job_start\nhalf way there\n'),
          E.host('10.0.0.2', 7, -1, '[t][PID:2] job_start\nhalf way there\n'),
          E.host('10.0.0.3', 5, -1, ''),
        ],
      },
    ]);
    expect(frame(view, [100, 30])).toMatchInlineSnapshot(`
      "runbook maintenance runbooks/maintenance.yaml · git 3f2a9c1+dirty
      endpoint local emulator http://127.0.0.1:40123 ESB v2 · biz 2 · run 7c1e2a3b-0d4f-4e5a-9b6c-1d2e3f4…
      ›◓ slow  1m04s  job 1001
          ok 0  failed 0  running 3  waiting 0  agent errors 0  of 3

      slow: output of 3 hosts in 2 groups · partial log from JOB, 2s ago (refreshed every 5s while open) …
         10.0.0.[1-2] (2 hosts): running
           │ half way there
         10.0.0.3 (1 host): waiting
           │ (no output)
      esc back · ↑↓ scroll · ctrl-c stop"
    `);
  });

  it("links each step to its job's page in JOB when BK_JOB_WEB_URL is set", () => {
    const jobLink = (_step: string, id: number) => `https://job.example.com/biz/2/execute/quick-launch/${id}`;
    const view = fold([
      E.started([
        ['check', 2],
        ['deploy', 2],
      ]),
      E.submitted('check', 1, 1001),
      E.finished('check', 3, E.twoOk(), 2),
      E.submitted('deploy', 4, 1002),
      { type: 'ui.log', open: true },
    ]);
    const r = render(
      <App view={view} now={NOW} width={100} height={30} theme={theme} onKey={() => {}} jobLink={jobLink} />,
    );
    const out = r.lastFrame() ?? '';
    r.unmount();
    expect(out).toContain('   in JOB: https://job.example.com/biz/2/execute/quick-launch/1001');
    expect(out).toContain('   in JOB: https://job.example.com/biz/2/execute/quick-launch/1002');
    expect(frame(view)).not.toContain('in JOB');
  });

  it('a long JOB rejection is wrapped at 60 columns: every refused host is on screen', () => {
    const refused = Array.from({ length: 12 }, (_, i) => `0:10.9.9.${i + 1}`);
    const message = `fast_execute_script failed: 主机无效，请检查源或目标主机是否存在于配置平台的业务[2]下；另外，主机需跨业务执行请联系作业平台管理员将其添加到主机白名单。无效的12台主机：[${refused.join(', ')}] (code 1244002, request_id 7f3e)`;
    const view = fold([
      E.started([['deploy', 14]]),
      E.submitting('deploy', 1),
      {
        ts: E.at(2),
        type: 'step.error',
        step: 'deploy',
        error: {
          code: 'CORE_BAD_REQUEST',
          message,
          hint: `JOB refused these 12 hosts: ${refused.join(', ')}; they are not in business 2 in CMDB (配置平台)`,
        },
      },
      E.runFinished(2, 2, 'step deploy was refused'),
    ]);
    const out = frame(view, [60, 40]);
    const lines = out.split('\n');
    for (const line of lines) expect(textWidth(line), line).toBeLessThanOrEqual(60);
    expect(out.slice(out.indexOf('deploy: CORE_BAD_REQUEST'))).not.toContain('…');
    expect(out).toContain('exit 2: the runbook or the command line is invalid; nothing\n');
    const flat = out.replace(/\n\s*/g, ' ');
    for (const host of refused) expect(flat).toContain(host);
    expect(flat).toContain('(code 1244002, request_id 7f3e)');
    expect(flat).toContain('hint: JOB refused these 12 hosts:');
  });
});
