import { RunnerError } from '../errors.js';
import { EXIT } from '../exit.js';
import type { Plan } from '../plan/types.js';
import { readSnapshot, type StepSnapshot } from '../record/step-snapshots.js';
import type { RunRecord } from '../record/types.js';
import { checkResumeEndpoint } from '../resume-endpoint.js';
import type { TransportChoice } from '../transport.js';
import { type EndpointFlags, fromStepCommandOf } from './next-command.js';
import { type ResumeReview, reviewResume } from './resume-changes.js';

/**
 * Checks that a `--resume` may go on: the same server and transport as the run, and a runbook that
 * changed, if at all, only where nothing succeeded. Refuses (exit 2) with the command that works
 * instead; returns the changes a person is to accept.
 */
export function checkResumable(options: {
  previous: RunRecord;
  plan: Plan;
  choice: TransportChoice;
  file: string;
  flags: EndpointFlags & { local: boolean };
  /** The run's folder, where the earlier step versions are. */
  runDir: string;
  snapshot: (step: Plan['steps'][number]) => StepSnapshot;
  /** The command that resumes the run, for when the runbook must be restored first. */
  resumeCommand: string;
}): ResumeReview {
  const { previous, plan, flags } = options;
  checkResumeEndpoint(previous, flags.local, options.choice);
  const review = reviewResume(
    previous,
    plan,
    (s) => readSnapshot(options.runDir, s.snapshot),
    options.snapshot,
  );
  if (review.refusals.length === 0) return review;
  // A step given by the refusal, else the first step that has not succeeded.
  const from =
    review.fromStep ??
    plan.steps.find((s) => previous.steps.find((r) => r.name === s.name)?.state !== 'succeeded')?.name;
  const command = fromStepCommandOf(options.file, from, plan.vars, flags);
  const inFlightOnly =
    review.fromStep === undefined && review.refusals.every((r) => /may still be running/.test(r));
  throw new RunnerError(
    'RUNNER_RESUME_CHANGED',
    `cannot resume run ${previous.runId} with this runbook: a resume never runs again a step that succeeded, nor changes a step whose job may still run\n${review.refusals.map((r) => `  ${r}\n`).join('')}nothing was sent`,
    EXIT.usage,
    {
      hint: inFlightOnly
        ? `restore the runbook as it was and resume first (the running job is followed, never sent again); change it once that step has finished:\n  ${options.resumeCommand}`
        : `restore what a succeeded step was and resume, or start a new run${from !== undefined ? ` from step ${from}` : ''} that takes the change:\n  ${command}`,
    },
  );
}
