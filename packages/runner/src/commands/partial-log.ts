import type { JobClient } from '@runbook/core';
import type { HostResult } from '../engine/events.js';
import { errorInfo, hostResults, jobRefOf } from '../engine/results.js';
import type { Plan } from '../plan/types.js';
import { maskHosts } from '../secrets/event-text.js';
import type { Mask } from '../secrets/mask.js';

/**
 * What the terminal UI may read while a step runs: JOB's partial log of the step's job (its status,
 * then its logs), masked like every event. Read only: nothing is ever submitted or changed through
 * it. A failure is an error whose message is masked too.
 */
export function partialLogReader(
  client: Pick<JobClient, 'getJobInstanceStatus' | 'getJobInstanceLog'>,
  plan: Plan,
  mask: Mask,
): (step: string, jobInstanceId: number) => Promise<HostResult[]> {
  return async (name, jobInstanceId) => {
    const step = plan.steps.find((s) => s.name === name);
    if (!step) throw new Error(`no step ${name} in the plan`);
    const ref = jobRefOf(step, plan.biz, jobInstanceId);
    try {
      const status = await client.getJobInstanceStatus(ref);
      const logs = await client.getJobInstanceLog(ref);
      return maskHosts(hostResults(status, logs), mask);
    } catch (err) {
      throw new Error(mask(errorInfo(err).message));
    }
  };
}
