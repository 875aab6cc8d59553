import { render } from 'ink';
import type {
  ConfirmFn,
  ConfirmRequest,
  EventSink,
  HostResult,
  RunControl,
  RunEvent,
} from '../../engine/events.js';
import { escapeConfirm, escapeControls, escapeEvent } from '../controls.js';
import { App } from './components/App.js';
import { resumeCommand } from './format.js';
import { type Command, type KeyInfo, keyCommand } from './keys.js';
import { focusedStep, isActive, reduce } from './reducer.js';
import { type Action, initialState, type ViewState } from './state.js';
import { createTheme } from './theme.js';

export interface TuiOptions {
  stdout: NodeJS.WriteStream;
  stdin: NodeJS.ReadStream;
  /** No colours (NO_COLOR); defaults to whether NO_COLOR is set. */
  noColor?: boolean;
  /** The most frames a second (default 10); events in between are folded into the next frame. */
  maxFps?: number;
  /** Clock for elapsed times and the spinner (tests pin it). */
  clock?: () => number;
  /** How often elapsed times are redrawn while a step runs, in ms (default 1000). */
  tickMs?: number;
  /** How the process leaves on the second Ctrl-C (default `process.exit`). */
  exit?: (code: number) => void;
  /** Called after each redraw with the state drawn (tests and benchmarks count frames with it). */
  onDraw?: (state: ViewState) => void;
  /**
   * Reads JOB's partial log of a running step's job (hosts with their logs, masked like every
   * event). With it, a running step's open output is refreshed from JOB; without, it shows when the
   * step ends. Called only while that output is open, at most once per `refreshMs`.
   */
  fetchLogs?: (step: string, jobInstanceId: number) => Promise<HostResult[]>;
  /** Least time between two partial-log reads of an open running step (default 5000 ms). */
  refreshMs?: number;
  /** The address of JOB's page for a step's job (BK_JOB_WEB_URL set). */
  jobLink?: (step: string, jobInstanceId: number) => string | undefined;
}

export interface Tui {
  /** Feed every engine event. */
  emit: EventSink;
  /** Shows the question in the bottom bar; resolves with the person's choice. */
  confirm: ConfirmFn;
  /** The Ctrl-C bar steers the run through this. */
  setControl(control: RunControl): void;
  /** Resolves once the last frame (the recap) is written and Ink is unmounted. */
  done(): Promise<void>;
}

const EXIT_INTERRUPTED = 130;

/**
 * Starts the live terminal UI. Events fold into a view state at once (cheap: no per-host work on
 * progress); the screen is redrawn at most `maxFps` times a second, plus once a second while a
 * step runs, so a burst of events or 10,000 hosts cost no more than a quiet run.
 */
export function startTui(options: TuiOptions): Tui {
  const { stdout, stdin } = options;
  const clock = options.clock ?? Date.now;
  const theme = createTheme(options.noColor ?? process.env.NO_COLOR !== undefined);
  const maxFps = Math.max(1, options.maxFps ?? 10);
  const minInterval = 1000 / maxFps;
  const interactive = stdin.isTTY === true;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const refreshMs = Math.max(1, options.refreshMs ?? 5000);

  let state: ViewState = initialState();
  let control: RunControl | undefined;
  let timer: NodeJS.Timeout | undefined;
  let lastDraw = Number.NEGATIVE_INFINITY;
  let closed = false;
  const questions: { request: ConfirmRequest; resolve: (accepted: boolean) => void }[] = [];

  const onKey = (input: string, key: KeyInfo) => {
    // Keys pressed faster than they are read arrive together: "restart-web\r" is the name then
    // Enter, "jj" is j twice (text typed into a question stays whole).
    if (input.length > 1 && /[\r\n]/.test(input)) {
      const parts = input.split(/\r\n|\r|\n/);
      parts.forEach((part, i) => {
        if (part !== '') onKey(part, {});
        if (i < parts.length - 1) onKey('\r', { return: true });
      });
      return;
    }
    if (input.length > 1 && state.confirm?.request.typeToConfirm === undefined && /^[ -~]+$/.test(input)) {
      for (const ch of input) onKey(ch, {});
      return;
    }
    const cmd = keyCommand(state, input, key);
    if (cmd) run(cmd);
  };
  const element = () => (
    <App
      view={state}
      now={clock()}
      width={stdout.columns || 80}
      height={stdout.rows || 24}
      theme={theme}
      onKey={interactive ? onKey : undefined}
      refreshMs={options.fetchLogs ? refreshMs : undefined}
      jobLink={options.jobLink}
    />
  );
  const instance = render(element(), { stdout, stdin, exitOnCtrlC: false, patchConsole: false, maxFps });
  const exited = instance.waitUntilExit().catch(() => undefined);

  function draw() {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (closed) return;
    lastDraw = performance.now();
    instance.rerender(element());
    options.onDraw?.(state);
  }
  function schedule() {
    if (timer || closed) return;
    const wait = lastDraw + minInterval - performance.now();
    if (wait <= 0) draw();
    else timer = setTimeout(draw, wait);
  }
  function apply(action: Action) {
    state = reduce(state, action);
    syncRefresh();
  }

  // JOB's partial log of the running step whose output is open: read at most once per refreshMs,
  // one read at a time, and only while that output stays open and the step runs.
  const lastRead = new Map<string, number>();
  let refreshTimer: NodeJS.Timeout | undefined;
  let reading = false;
  function refreshTarget(): { step: string; job: number } | undefined {
    if (!options.fetchLogs || !state.log || state.finished || state.left || closed) return undefined;
    const step = focusedStep(state);
    if (step?.phase !== 'running' || step.jobInstanceId === undefined) return undefined;
    return { step: step.name, job: step.jobInstanceId };
  }
  function syncRefresh() {
    const target = refreshTarget();
    if (!target) {
      clearTimeout(refreshTimer);
      refreshTimer = undefined;
      return;
    }
    if (reading || refreshTimer) return;
    const since =
      performance.now() - (lastRead.get(`${target.step}\u0000${target.job}`) ?? Number.NEGATIVE_INFINITY);
    refreshTimer = setTimeout(readPartial, Math.max(0, refreshMs - since));
    refreshTimer.unref();
  }
  async function readPartial() {
    refreshTimer = undefined;
    const target = refreshTarget();
    if (!target || !options.fetchLogs) return;
    reading = true;
    lastRead.set(`${target.step}\u0000${target.job}`, performance.now());
    try {
      const hosts = await options.fetchLogs(target.step, target.job);
      const shown = hosts.map((h) => ({ ...h, ip: escapeControls(h.ip), tag: escapeControls(h.tag) }));
      state = reduce(state, { type: 'ui.partial', step: target.step, at: clock(), hosts: shown });
    } catch (err) {
      const error = escapeControls((err as Error)?.message ?? String(err));
      state = reduce(state, { type: 'ui.partial', step: target.step, at: clock(), error });
    } finally {
      reading = false;
    }
    schedule();
    syncRefresh();
  }

  // Elapsed times and the spinner move once a tick, and only while something runs. The tick lands
  // just after the running step's elapsed time turns a second, so no second is shown twice.
  const tickMs = options.tickMs ?? 1000;
  let tick: NodeJS.Timeout | undefined;
  function armTick() {
    const active = state.steps.find(isActive);
    const since = active?.startedAt === undefined ? 0 : clock() - active.startedAt;
    const delay = tickMs - (((since % tickMs) + tickMs) % tickMs) + Math.min(20, tickMs / 10);
    tick = setTimeout(() => {
      if (state.steps.some(isActive)) draw();
      armTick();
    }, delay);
    tick.unref();
  }
  armTick();
  const onResize = () => draw();
  stdout.on('resize', onResize);

  function ask() {
    const next = questions[0];
    if (next && !state.confirm) {
      apply({ type: 'ui.confirm', request: next.request });
      draw();
    }
  }
  function answer(accepted: boolean) {
    const q = questions.shift();
    apply({ type: 'ui.confirm.close' });
    q?.resolve(accepted);
    draw();
    ask();
  }
  function leave() {
    apply({ type: 'ui.leave' });
    if (control && !state.finished) control.detach('second Ctrl-C: left at once');
    for (const q of questions.splice(0)) q.resolve(false);
    // Once the run has finished, its own exit code stands; before, leaving is an interruption.
    const code = state.finished?.exitCode ?? EXIT_INTERRUPTED;
    void close(leftLines(state)).then(() => exit(code));
  }
  function run(cmd: Command) {
    switch (cmd.kind) {
      case 'dispatch':
        apply(cmd.action);
        draw();
        return;
      case 'answer':
        answer(cmd.accepted);
        return;
      case 'mismatch':
        apply({ type: 'ui.confirm.mismatch' });
        draw();
        return;
      case 'detach':
      case 'terminate':
        if (!control) {
          leave();
          return;
        }
        apply({ type: 'ui.interrupt.choose', choice: cmd.kind });
        draw();
        if (cmd.kind === 'detach') control.detach('Ctrl-C: detach chosen');
        else control.terminate('Ctrl-C: terminate chosen');
        return;
      case 'leave':
        leave();
        return;
    }
  }

  let closing: Promise<void> | undefined;
  function close(trailer?: string): Promise<void> {
    closing ??= (async () => {
      draw();
      closed = true;
      clearTimeout(tick);
      clearTimeout(refreshTimer);
      stdout.off('resize', onResize);
      instance.unmount();
      await exited;
      // Plain lines after the last frame, which the terminal may wrap, so they copy whole.
      if (trailer) stdout.write(trailer);
    })();
    return closing;
  }

  return {
    emit(raw: RunEvent) {
      // Text is shown escaped; host logs are cleaned line by line when a step's failures are grouped.
      const event = escapeEvent(raw, { keepLogs: true });
      apply(event);
      if (event.type === 'run.finished' || event.type === 'run.interrupted') {
        // The engine stopped waiting for an answer (a signal, say): the question is moot.
        for (const q of questions.splice(0)) q.resolve(false);
        draw();
      } else schedule();
    },
    confirm(request) {
      if (!interactive || closed) return Promise.resolve(false);
      return new Promise<boolean>((resolve) => {
        questions.push({ request: escapeConfirm(request), resolve });
        ask();
      });
    },
    setControl(c) {
      control = c;
    },
    done() {
      for (const q of questions.splice(0)) q.resolve(false);
      return close();
    },
  };
}

/**
 * What stays on screen when the person leaves a run in progress: the run id and the command that
 * resumes it, made from what the run announced (after the run, apply prints the engine's own).
 */
export function leftLines(state: ViewState): string | undefined {
  const run = state.run;
  if (!run || state.finished) return undefined;
  const command = resumeCommand(run.runbook.path, run.runId, run.endpoint);
  const job = run.endpoint.local
    ? 'the local emulator stopped with the runner, and its job with it'
    : `run ${run.runId} may still have a job running on JOB`;
  return `runbook: left at once; ${job}.\nresume it with: ${command}\n`;
}
