/**
 * The events the executor emits: the one seam between doing and showing. Renderers (stream, json,
 * tui) and the run record consume them; the executor never prints. The NDJSON output is these
 * events, each with `v: EVENT_SCHEMA_VERSION` added by the json renderer.
 */

import type { Transport } from '../transport.js';

export const EVENT_SCHEMA_VERSION = 1;

/** Host counters of a step; `agentError` counts hosts whose agent failed (status 1, 310, 18). */
export interface HostCounts {
  total: number;
  succeeded: number;
  failed: number;
  running: number;
  waiting: number;
  agentError: number;
}

export interface HostResult {
  ip: string;
  cloud: number;
  /** JOB per-host status (9 ok, 104 non-zero exit, 102 timeout, 1 agent error, …). */
  status: number;
  /** `null` when JOB gave none: the host never ran its script (never shown or recorded as 0). */
  exitCode: number | null;
  tag: string;
  /**
   * Set when JOB's identity of this host (ip, cloud id) was unusable: the reason. `ip` is then a
   * printable form of what JOB sent and `cloud` -1; show them, never use them as a name.
   */
  invalid?: string;
  /** The host's log, with secrets masked. */
  log: string;
  /** JOB's CMDB host id, when JOB gave one (API gateway v3). */
  hostId?: number;
  /** 1-based batch of a rolling step that ran this host. */
  batch?: number;
}

export interface StepSummary {
  name: string;
  description?: string;
  hostCount: number;
  customQueries: number;
  /** Topology nodes whose hosts JOB resolves; absent when none. */
  topoNodes?: number;
}

export interface ErrorInfo {
  /** Stable code, e.g. `CORE_ESB`, `RUNNER_MAY_HAVE_STARTED`. */
  code: string;
  message: string;
  hint?: string;
}

interface Base {
  /** ISO 8601 time the event was emitted. */
  ts: string;
}

export type RunEvent = Base &
  (
    | {
        type: 'run.started';
        runId: string;
        runbook: { path: string; name: string; gitSha?: string; dirty?: boolean };
        /**
         * `transport`: ESB v2 or the API gateway v3; `config`: the emulator configuration file a
         * `--local` run uses.
         */
        endpoint: { url: string; local: boolean; transport: Transport; config?: string };
        biz: number;
        steps: StepSummary[];
        resumedFrom?: string;
        /** The host keys of `--limit` (`CLOUD:IP`, `id:N`) when the run is limited to them. */
        limit?: string[];
      }
    /** A question waits for a person; the answer comes back through `ConfirmFn`. */
    | { type: 'confirm.asked'; step?: string; question: string; hostCount: number; typeToConfirm?: string }
    | { type: 'confirm.answered'; step?: string; accepted: boolean; by: 'person' | 'flag' }
    | { type: 'step.skipped'; step: string; reason: string }
    | { type: 'step.submitting'; step: string; batch?: number }
    /**
     * JOB refused the submit with a definite "not now" that created nothing (a full running-job
     * quota): the step waits `waitMs`, then is submitted again. `waitedMs` is the wait so far,
     * `limitMs` the most it will wait (`--quota-wait`).
     */
    | {
        type: 'step.waiting';
        step: string;
        /** 1-based batch of a rolling step. */
        batch?: number;
        reason: 'quota';
        /** JOB's code and message, e.g. 1244032. */
        code: number | string;
        message: string;
        waitMs: number;
        waitedMs: number;
        limitMs: number;
      }
    | {
        type: 'step.submitted';
        step: string;
        batch?: number;
        jobInstanceId: number;
        jobInstanceName: string;
        stepInstanceId?: number;
        /** True when a resumed run re-attached to a job that was already running. */
        reattached?: boolean;
      }
    | {
        type: 'step.progress';
        step: string;
        batch?: number;
        status: number;
        counts: HostCounts;
        elapsedMs: number;
      }
    | {
        type: 'step.finished';
        step: string;
        status: number;
        ok: boolean;
        counts: HostCounts;
        /** Every host of every batch. */
        hosts: HostResult[];
        elapsedMs: number;
        /**
         * `partial`: every batch ran and some hosts failed within the step's failure budget
         * (`rolling.max_fail`); absent in events of runners older than it (then `ok` tells).
         */
        result?: 'succeeded' | 'failed' | 'partial';
        /** The step did not succeed and its `on_failure: ignore` keeps that from failing the run. */
        ignored?: boolean;
      }
    /**
     * A batch of a rolling step starts: `hosts` host keys (`keys`: `CLOUD:IP` or `id:N`); `failed`
     * hosts of the step failed so far, `maxFail` allowed.
     */
    | {
        type: 'batch.started';
        step: string;
        /** 1-based; continues after the batches of an earlier run when resumed. */
        batch: number;
        batches: number;
        hosts: number;
        keys: string[];
        failed: number;
        maxFail: number;
      }
    /** A batch's job ended; `hosts` are its host results (saved at once: a run stopped later keeps them). */
    | {
        type: 'batch.finished';
        step: string;
        batch: number;
        batches: number;
        ok: boolean;
        counts: HostCounts;
        hosts: HostResult[];
        failed: number;
        maxFail: number;
        jobInstanceId?: number;
      }
    /** The step pauses (`rolling.pause`) before batch `batch`. */
    | { type: 'batch.waiting'; step: string; batch: number; batches: number; pauseMs: number }
    /** The step could not be run or followed; `mayHaveStarted` when a submit's answer was lost. */
    | {
        type: 'step.error';
        step: string;
        batch?: number;
        error: ErrorInfo;
        mayHaveStarted?: boolean;
        jobInstanceId?: number;
      }
    | { type: 'run.interrupted'; signal: string; action: 'detach' | 'terminate' }
    | {
        type: 'run.finished';
        ok: boolean;
        exitCode: number;
        reason: string;
        runId: string;
        /** The command that resumes this run, when resuming makes sense (interrupted, failed to follow). */
        resumeCommand?: string;
        /** Hosts of the steps that failed, partly failed or were ignored (`CLOUD:IP`), for the final listing. */
        failedHosts?: Array<{ step: string; hosts: string[]; ignored?: boolean }>;
        /** The exact command to continue this run: set on exit 1, 3, 4, 5 and 130. */
        next?: string;
      }
  );

export type RunEventType = RunEvent['type'];

export type EventSink = (event: RunEvent) => void;

/** A confirmation the engine needs; the UI asks a person (or answers from `--yes`). */
export interface ConfirmRequest {
  /** Absent for apply's first question about the whole run. */
  step?: string;
  question: string;
  /** What will run where, for the person to read. */
  hostCount: number;
  /** When set, the person must type this text (the step name) to accept: production-sized steps. */
  typeToConfirm?: string;
}

/** Resolves true to go on; false declines (exit 4). */
export type ConfirmFn = (request: ConfirmRequest) => Promise<boolean>;

/** How a UI steers a run in progress (Ctrl-C bar, signals). */
export interface RunControl {
  /** Stop submitting new steps; leave the running JOB job alone. */
  detach(reason: string): void;
  /** Stop submitting and ask JOB to terminate the running job. */
  terminate(reason: string): void;
}
