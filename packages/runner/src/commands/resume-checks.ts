import { planChanges } from '../engine/directives.js';
import { RunnerError } from '../errors.js';
import type { Plan } from '../plan/types.js';
import type { RunRecord } from '../record/types.js';
import { checkResumeEndpoint } from '../resume-endpoint.js';
import type { TransportChoice } from '../transport.js';

/**
 * Refuses (exit 2) a `--resume` whose runbook changed since, or that would talk to another server
 * or over another transport than the run did.
 */
export function checkResumable(
  previous: RunRecord,
  plan: Plan,
  local: boolean,
  choice: TransportChoice,
): void {
  const changes = planChanges(previous, plan);
  if (changes.length > 0) {
    throw new RunnerError(
      'RUNNER_RESUME_CHANGED',
      `cannot resume run ${previous.runId}: the runbook changed since (${changes.join('; ')})`,
      2,
      { hint: 'start a new run without --resume, or restore the runbook as it was' },
    );
  }
  checkResumeEndpoint(previous, local, choice);
}
