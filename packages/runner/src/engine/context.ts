import type { JobClient, JobRef } from '@runbook/core';
import type { Plan, PlannedStep } from '../plan/types.js';
import type { ConfirmRequest, RunEvent } from './events.js';
import type { ExecuteOptions } from './execute.js';

/** An event as the engine emits it; `ts` is added on the way out. */
export type EventBody = RunEvent extends infer E ? (E extends RunEvent ? Omit<E, 'ts'> : never) : never;

/** What the units of a run (run loop, step, job) share. */
export interface RunContext {
  client: JobClient;
  plan: Plan;
  options: ExecuteOptions;
  /** Aborted by an interrupt (detach or terminate). */
  signal: AbortSignal;
  emit(event: EventBody): void;
  /** Asks, unless `--yes` answers (`flagAnswers`); resolves undefined when interrupted while waiting. */
  ask(req: ConfirmRequest, flagAnswers: boolean): Promise<boolean | undefined>;
  /** The job being followed, which a terminate interrupt stops. */
  current?: { step: PlannedStep; ref: JobRef };
}

/** Resolves when `signal` aborts (at once when it already has). */
export function aborted(signal: AbortSignal): Promise<undefined> {
  return new Promise<undefined>((resolve) => {
    if (signal.aborted) resolve(undefined);
    signal.addEventListener('abort', () => resolve(undefined), { once: true });
  });
}
