import type { HostResult } from '../../engine/events.js';
import type { GatheredGroup } from '../gather.js';
import { outputLines } from '../outputs.js';
import { lazyGathered } from './gathered.js';
import { groupFailures } from './groups.js';
import type { Action, FailureGroup, StepView, ViewState } from './state.js';
import { INTERRUPT_CHOICES } from './state.js';

/**
 * The view state after one engine event or one action of the person. Pure: the same state and
 * action give the same result, and the state passed in is never changed. A progress event costs
 * O(steps), never O(hosts); only `step.finished` looks at hosts, once, to group the failures.
 */
export function reduce(state: ViewState, action: Action): ViewState {
  switch (action.type) {
    case 'run.started': {
      const steps: StepView[] = action.steps.map((s) => ({
        name: s.name,
        ...(s.description === undefined ? {} : { description: s.description }),
        hostCount: s.hostCount,
        phase: 'pending',
        groups: [],
      }));
      const index: Record<string, number> = {};
      steps.forEach((s, i) => {
        index[s.name] = i;
      });
      const { type: _t, ts: _ts, steps: _s, ...run } = action;
      return { ...state, run, steps, index, staticItems: [...state.staticItems, 'header'] };
    }
    case 'step.skipped':
      return finish(
        updateStep(state, action.step, { phase: 'skipped', skipReason: action.reason }),
        action.step,
      );
    case 'step.submitting':
      return updateStep(state, action.step, {
        phase: 'submitting',
        startedAt: Date.parse(action.ts),
        waiting: undefined,
      });
    case 'step.waiting':
      return updateStep(state, action.step, {
        phase: 'submitting',
        waiting: { code: action.code, message: action.message, waitMs: action.waitMs },
      });
    case 'step.submitted': {
      const step = findStep(state, action.step);
      return updateStep(state, action.step, {
        phase: 'running',
        startedAt: step?.startedAt ?? Date.parse(action.ts),
        jobInstanceId: action.jobInstanceId,
        ...(action.reattached ? { reattached: true } : {}),
      });
    }
    case 'step.progress': {
      const step = findStep(state, action.step);
      if (step && isDone(step)) return state;
      return updateStep(state, action.step, {
        phase: 'running',
        status: action.status,
        counts: action.counts,
        startedAt: step?.startedAt ?? Date.parse(action.ts) - action.elapsedMs,
      });
    }
    case 'batch.started':
      return updateStep(state, action.step, {
        batch: { index: action.batch, of: action.batches, failed: action.failed, maxFail: action.maxFail },
        jobInstanceId: undefined,
        counts: undefined,
      });
    case 'batch.finished':
      return updateStep(state, action.step, {
        batch: {
          index: action.batch,
          of: action.batches,
          failed: action.failed,
          maxFail: action.maxFail,
        },
      });
    case 'batch.waiting': {
      const batch = findStep(state, action.step)?.batch;
      return batch ? updateStep(state, action.step, { batch: { ...batch, pauseMs: action.pauseMs } }) : state;
    }
    case 'step.finished':
      return finish(
        updateStep(state, action.step, {
          phase: action.ok ? 'succeeded' : 'failed',
          ...(action.result === 'partial' ? { partlyFailed: true } : {}),
          ...(action.ignored ? { ignored: true } : {}),
          status: action.status,
          counts: action.counts,
          elapsedMs: action.elapsedMs,
          groups: groupFailures(action.hosts),
          gathered: lazyGathered(action.hosts, HOSTS_TEXT_MAX),
          partial: undefined,
          partialError: undefined,
          ...outputsOf(action.hosts),
        }),
        action.step,
      );
    case 'step.error': {
      const step = findStep(state, action.step);
      const error = { ...action.error, ...(action.mayHaveStarted ? { mayHaveStarted: true } : {}) };
      return finish(
        updateStep(state, action.step, {
          phase: 'error',
          error,
          ...(action.jobInstanceId === undefined ? {} : { jobInstanceId: action.jobInstanceId }),
          ...(step?.startedAt === undefined ? {} : { elapsedMs: Date.parse(action.ts) - step.startedAt }),
        }),
        action.step,
      );
    }
    case 'run.interrupted': {
      const { interrupt: _i, confirm: _c, ...rest } = state;
      return { ...rest, interrupted: { signal: action.signal, action: action.action } };
    }
    case 'run.finished': {
      // The last frame shows what matters (the last failure), whatever the person was looking at.
      const { interrupt: _i, confirm: _c, focus: _f, log: _l, ...rest } = state;
      const steps = state.steps.map((s) => (s.phase === 'pending' ? { ...s, phase: 'not-run' as const } : s));
      const { type: _t, ts: _ts, ...finished } = action;
      return { ...rest, steps, finished, group: 0 };
    }
    case 'confirm.asked':
    case 'confirm.answered':
      return state;
    case 'ui.confirm':
      return { ...state, confirm: { request: action.request, typed: '', mismatch: false } };
    case 'ui.confirm.type':
      return state.confirm
        ? { ...state, confirm: { ...state.confirm, typed: action.text, mismatch: false } }
        : state;
    case 'ui.confirm.mismatch':
      return state.confirm ? { ...state, confirm: { ...state.confirm, typed: '', mismatch: true } } : state;
    case 'ui.confirm.close': {
      const { confirm: _c, ...rest } = state;
      return rest;
    }
    case 'ui.focus': {
      if (state.steps.length === 0) return state;
      const at = focusedIndex(state);
      const next = Math.min(state.steps.length - 1, Math.max(0, at + action.delta));
      const { log: _l, ...rest } = state;
      return { ...rest, focus: state.steps[next]!.name, group: 0 };
    }
    case 'ui.group': {
      const groups = focusedStep(state)?.groups.length ?? 0;
      if (groups === 0) return state;
      const { log: _l, ...rest } = state;
      return { ...rest, group: Math.min(groups - 1, Math.max(0, state.group + action.delta)) };
    }
    case 'ui.log': {
      if (!action.open) {
        const { log: _l, ...rest } = state;
        return rest;
      }
      return focusedStep(state) ? { ...state, log: { scroll: 0 } } : state;
    }
    case 'ui.log.scroll': {
      const step = focusedStep(state);
      if (!state.log || !step) return state;
      const rows = outputRows(shownOutput(step) ?? []);
      const scroll = Math.min(Math.max(0, rows - 1), Math.max(0, state.log.scroll + action.delta));
      return { ...state, log: { scroll } };
    }
    case 'ui.partial': {
      const step = findStep(state, action.step);
      if (!step || !isActive(step)) return state;
      return action.hosts
        ? updateStep(state, action.step, {
            partial: { groups: gatherView(action.hosts), at: action.at },
            partialError: undefined,
          })
        : updateStep(state, action.step, { partialError: action.error ?? 'unknown error' });
    }
    case 'ui.interrupt.open':
      return { ...state, interrupt: { selected: 0 } };
    case 'ui.interrupt.select': {
      if (!state.interrupt || state.interrupt.chosen) return state;
      const n = INTERRUPT_CHOICES.length;
      return { ...state, interrupt: { selected: (state.interrupt.selected + action.delta + n) % n } };
    }
    case 'ui.interrupt.choose': {
      if (action.choice === 'keep') {
        const { interrupt: _i, ...rest } = state;
        return rest;
      }
      return {
        ...state,
        interrupt: { selected: INTERRUPT_CHOICES.indexOf(action.choice), chosen: action.choice },
      };
    }
    case 'ui.leave': {
      const { interrupt: _i, confirm: _c, ...rest } = state;
      return { ...rest, left: true };
    }
    default:
      return state;
  }
}

/** The most characters of a group's folded host list kept in the view (the rest is counted). */
const HOSTS_TEXT_MAX = 600;

/** Hosts' output gathered for the screen: lines cleaned of what a terminal would act on. */
export function gatherView(hosts: readonly HostResult[]): GatheredGroup[] {
  return lazyGathered(hosts, HOSTS_TEXT_MAX).all();
}

/** The output to show for a step: its gathered output once finished, else JOB's partial log. */
export function shownOutput(step: StepView): GatheredGroup[] | undefined {
  return step.gathered?.all() ?? step.partial?.groups;
}

/** Rows of gathered output before wrapping: a title per group, then its lines (or one "no output"). */
export function outputRows(groups: readonly GatheredGroup[]): number {
  return groups.reduce((n, g) => n + 1 + Math.max(1, g.lines.length), 0);
}

export function isDone(step: StepView): boolean {
  return step.phase !== 'pending' && step.phase !== 'submitting' && step.phase !== 'running';
}

export function isActive(step: StepView): boolean {
  return step.phase === 'submitting' || step.phase === 'running';
}

function findStep(state: ViewState, name: string): StepView | undefined {
  const i = state.index[name];
  return i === undefined ? undefined : state.steps[i];
}

/** Replaces one step; a step the run did not announce is added at the end. */
function updateStep(state: ViewState, name: string, patch: Partial<StepView>): ViewState {
  const i = state.index[name];
  if (i === undefined) {
    const step: StepView = { name, hostCount: 0, phase: 'pending', groups: [], ...patch };
    return {
      ...state,
      steps: [...state.steps, step],
      index: { ...state.index, [name]: state.steps.length },
    };
  }
  const steps = state.steps.slice();
  steps[i] = { ...steps[i]!, ...patch };
  return { ...state, steps };
}

/** Sends a finished step to `<Static>`, once. */
function finish(state: ViewState, name: string): ViewState {
  if (state.staticItems.includes(name)) return state;
  return { ...state, staticItems: [...state.staticItems, name] };
}

/** The step shown in detail: the one the person moved to, else the last failure, else what runs. */
export function focusedIndex(state: ViewState): number {
  if (state.focus !== undefined) {
    const i = state.index[state.focus];
    if (i !== undefined) return i;
  }
  let failed = -1;
  let active = -1;
  let done = -1;
  state.steps.forEach((s, i) => {
    if (s.phase === 'failed' || s.phase === 'error') failed = i;
    if (isActive(s) && active < 0) active = i;
    if (isDone(s) && s.phase !== 'not-run') done = i;
  });
  if (failed >= 0) return failed;
  if (active >= 0) return active;
  return Math.max(0, done);
}

export function focusedStep(state: ViewState): StepView | undefined {
  return state.steps[focusedIndex(state)];
}

export function selectedGroup(state: ViewState): FailureGroup | undefined {
  const groups = focusedStep(state)?.groups ?? [];
  return groups[Math.min(state.group, groups.length - 1)];
}

/** The outputs of a finished step, when its hosts set any. */
function outputsOf(hosts: readonly HostResult[]): { outputs?: string[] } {
  const lines = outputLines(hosts);
  return lines.length ? { outputs: lines } : {};
}
