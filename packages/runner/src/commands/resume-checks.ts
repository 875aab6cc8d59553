import { planChanges } from '../engine/directives.js';
import { RunnerError } from '../errors.js';
import type { Plan } from '../plan/types.js';
import type { RunRecord } from '../record/types.js';

/** Refuses (exit 2) a `--resume` whose runbook changed since, or that would talk to another endpoint. */
export function checkResumable(
  previous: RunRecord,
  plan: Plan,
  where: { local: boolean; esbUrl: string | undefined },
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
  if (previous.endpoint.local !== where.local) {
    throw new RunnerError(
      'RUNNER_RESUME_ENDPOINT',
      previous.endpoint.local
        ? `run ${previous.runId} ran on the embedded emulator; resume it with --local`
        : `run ${previous.runId} talked to ${previous.endpoint.url}; resume it against that ESB, without --local`,
      2,
    );
  }
  const bare = (url: string | undefined) => (url ?? '').trim().replace(/\/+$/, '');
  if (!previous.endpoint.local && !where.local && bare(previous.endpoint.url) !== bare(where.esbUrl)) {
    throw new RunnerError(
      'RUNNER_RESUME_ENDPOINT',
      `run ${previous.runId} talked to ${previous.endpoint.url}; resume it against the same ESB (--esb-url)`,
      2,
    );
  }
}
