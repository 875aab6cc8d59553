import {
  type Defaults,
  maxFailFor,
  PAUSE_MAX,
  parseDuration,
  parseMaxFail,
  ROLLING_MAX_BATCHES,
  type Rolling,
  type Step,
} from '@runbook/schema';
import { rollingBatches } from './rolling.js';
import type { PlannedStep } from './types.js';

/** The targets of a planned step that batches are made of. */
export interface BatchTargets {
  hosts: string[];
  hostIds: number[];
  customQueries: string[];
  topoNodes: string[];
}

export interface StepBatchProblem {
  pointer: string;
  message: string;
  code: 'RUNNER_ROLLING_TARGETS' | 'RUNNER_ROLLING_BATCHES';
}

/** A step's host keys in order: `CLOUD:IP` of its IP hosts, then `id:N` of its host ids. */
export const hostKeys = (t: Pick<BatchTargets, 'hosts' | 'hostIds'>): string[] => [
  ...t.hosts,
  ...t.hostIds.map((id) => `id:${id}`),
];

const jobResolved = (t: BatchTargets): string[] => [
  ...t.customQueries.map((q) => `custom query ${q}`),
  ...t.topoNodes.map((n) => `topology node ${n}`),
];

/** The step's rolling as the plan carries it, from the step's own `rolling` or else `defaults.rolling`. */
export function effectiveRolling(
  step: Step,
  defaults: Defaults,
): { rolling: Rolling; own: boolean } | undefined {
  if (step.rolling === false) return undefined;
  if (step.rolling) return { rolling: step.rolling, own: true };
  return defaults.rolling ? { rolling: defaults.rolling, own: false } : undefined;
}

/** `PlannedStep.rolling` for `hostCount` hosts: `max_fail` as a percent is taken of them, rounded down. */
export function plannedRolling(rolling: Rolling, hostCount: number): NonNullable<PlannedStep['rolling']> {
  const maxFail = parseMaxFail(rolling.max_fail ?? 0);
  const pause = parseDuration(rolling.pause ?? 0) ?? 0;
  return {
    expr: String(rolling.batch).trim(),
    maxFail: 'error' in maxFail ? 0 : maxFailFor(maxFail, hostCount),
    maxFailText: String(rolling.max_fail ?? 0).trim(),
    pauseMs: Math.min(pause, PAUSE_MAX) * 1000,
    confirm: rolling.confirm === true,
  };
}

/**
 * The batches of a step (`PlannedStep.batches`): one of every host without rolling (`[[]]` when JOB
 * resolves every target), else the rolling expression's. A rolling step whose targets JOB resolves
 * (custom queries, topology nodes) is refused: runbook cannot cut hosts it does not know into batches.
 */
export function planBatches(
  stepName: string,
  at: string,
  found: ReturnType<typeof effectiveRolling>,
  t: BatchTargets,
): { rolling?: PlannedStep['rolling']; batches: string[][]; problems: StepBatchProblem[] } {
  const keys = hostKeys(t);
  if (!found) return { batches: [keys], problems: [] };
  const where = found.own ? `${at}/rolling` : at;
  const from = found.own ? '' : ' (from defaults.rolling)';
  const resolvedByJob = jobResolved(t);
  if (resolvedByJob.length > 0) {
    const shown = `${resolvedByJob.slice(0, 3).join(', ')}${resolvedByJob.length > 3 ? `, … ${resolvedByJob.length - 3} more` : ''}`;
    return {
      batches: [keys],
      problems: [
        {
          code: 'RUNNER_ROLLING_TARGETS',
          pointer: where,
          message: `step "${stepName}" runs in rolling batches${from} but targets ${shown}, whose hosts JOB resolves only when the job starts, so runbook cannot cut them into batches: list the hosts in hosts:, or ${found.own ? 'remove rolling from' : 'set rolling: false on'} this step (nothing was sent)`,
        },
      ],
    };
  }
  const rolling = plannedRolling(found.rolling, keys.length);
  const batches = rollingBatches(rolling.expr, keys);
  if (batches.length > ROLLING_MAX_BATCHES) {
    return {
      rolling,
      batches,
      problems: [
        {
          code: 'RUNNER_ROLLING_BATCHES',
          pointer: found.own ? `${at}/rolling/batch` : '/defaults/rolling/batch',
          message: `step "${stepName}": rolling batch "${rolling.expr}"${from} makes ${batches.length} batches of its ${keys.length} hosts; JOB allows at most ${ROLLING_MAX_BATCHES}: use larger batches, e.g. a percent (nothing was sent)`,
        },
      ],
    };
  }
  return { rolling, batches, problems: [] };
}
