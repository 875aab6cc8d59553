import type { ConfirmRequest, ErrorInfo, HostCounts, HostResult, RunEvent } from '../../engine/events.js';
import type { Transport } from '../../transport.js';
import type { GatheredGroup } from '../gather.js';
import type { Gathered } from './gathered.js';

export type StepPhase =
  | 'pending'
  | 'submitting'
  | 'running'
  | 'succeeded'
  | 'failed'
  | 'error'
  | 'skipped'
  /** The run stopped (interrupt or earlier failure) before this step started. */
  | 'not-run';

/** Failed hosts that share a status, an exit code and an output. */
export interface FailureGroup {
  status: number;
  /** `null`: the hosts never ran (JOB gave no exit code). */
  exitCode: number | null;
  /** The clean lines of the shared output. */
  lines: string[];
  /** Hosts as a person writes them (`ip`, or `cloud:ip`). */
  hosts: string[];
  /** The hosts folded into ranges (`10.0.1.[1-8,10]`), at most a few hundred characters. */
  folded?: string;
  /** How many distinct outputs share this shape (differing in numbers or host address), when more than one. */
  variants?: number;
}

export interface StepView {
  name: string;
  description?: string;
  hostCount: number;
  phase: StepPhase;
  /** When it was submitted (ms since the epoch, from the event time). */
  startedAt?: number;
  /** Final elapsed time, once finished. */
  elapsedMs?: number;
  jobInstanceId?: number;
  reattached?: boolean;
  /** JOB job status of the last progress. */
  status?: number;
  counts?: HostCounts;
  /** Failed hosts grouped, biggest group first; only after `step.finished`. */
  groups: FailureGroup[];
  /** Every host's output gathered (identical outputs once, failures first); after `step.finished`. */
  gathered?: Gathered;
  /** JOB's partial log while the step runs, fetched while its output is open (`at`: when, ms). */
  partial?: { groups: GatheredGroup[]; at: number };
  /** Why the last partial log could not be fetched. */
  partialError?: string;
  error?: ErrorInfo & { mayHaveStarted?: boolean };
  skipReason?: string;
  /** The outputs the hosts set, one line per name and value (`stale="yes" on 10.0.0.[2,4]`). */
  outputs?: string[];
  /** JOB's quota refused the submit: the step waits this long before submitting again. */
  waiting?: { code: number | string; message: string; waitMs: number };
  /** A rolling step: the batch shown (1-based) of how many, and its failure budget used. */
  batch?: { index: number; of: number; failed: number; maxFail: number; pauseMs?: number };
  /** Every batch ran and some hosts failed within the budget (the step is `partial`). */
  partlyFailed?: boolean;
  /** The step failed and `on_failure: ignore` keeps that from failing the run. */
  ignored?: boolean;
}

export interface RunInfo {
  runId: string;
  runbook: { path: string; name: string; gitSha?: string; dirty?: boolean };
  endpoint: { url: string; local: boolean; transport?: Transport; config?: string };
  biz: number;
  resumedFrom?: string;
  /** The host keys of `--limit`, when the run is limited. */
  limit?: string[];
}

export interface ConfirmView {
  request: ConfirmRequest;
  /** Text typed so far, for a production-sized step. */
  typed: string;
  /** The last Enter did not match the step name. */
  mismatch: boolean;
}

export const INTERRUPT_CHOICES = ['detach', 'terminate', 'keep'] as const;
export type InterruptChoice = (typeof INTERRUPT_CHOICES)[number];

export interface ViewState {
  run?: RunInfo;
  steps: StepView[];
  /** Step name → index in `steps`, so a progress event costs O(1). */
  index: Record<string, number>;
  /** What has been written to `<Static>`: `header` then finished step names, in order. */
  staticItems: string[];
  confirm?: ConfirmView;
  /** The Ctrl-C bar: open with a selected choice, or the choice made. */
  interrupt?: { selected: number; chosen?: 'detach' | 'terminate' };
  interrupted?: { signal: string; action: 'detach' | 'terminate' };
  finished?: {
    ok: boolean;
    exitCode: number;
    reason: string;
    runId: string;
    resumeCommand?: string;
    next?: string;
  };
  /** The step the person moved to; absent: follow the run. */
  focus?: string;
  /** The selected failure group of the focused step. */
  group: number;
  /**
   * The focused step's output, opened with Enter (any step, running or done): its gathered output,
   * scrolled `scroll` lines down from the top.
   */
  log?: { scroll: number };
  /** The person left at once (second Ctrl-C). */
  left: boolean;
}

/** What the person does; the reducer takes these besides the engine's events. */
export type UiAction =
  | { type: 'ui.confirm'; request: ConfirmRequest }
  | { type: 'ui.confirm.type'; text: string }
  | { type: 'ui.confirm.mismatch' }
  | { type: 'ui.confirm.close' }
  | { type: 'ui.focus'; delta: number }
  | { type: 'ui.group'; delta: number }
  | { type: 'ui.log'; open: boolean }
  | { type: 'ui.log.scroll'; delta: number }
  /** A partial log of a running step arrived (hosts masked), or could not be fetched (`error`). */
  | { type: 'ui.partial'; step: string; at: number; hosts?: HostResult[]; error?: string }
  | { type: 'ui.interrupt.open' }
  | { type: 'ui.interrupt.select'; delta: number }
  | { type: 'ui.interrupt.choose'; choice: InterruptChoice }
  | { type: 'ui.leave' };

export type Action = RunEvent | UiAction;

export function initialState(): ViewState {
  return { steps: [], index: {}, staticItems: [], group: 0, left: false };
}
