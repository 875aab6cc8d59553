import { createPrompt } from '../cli/confirm.js';
import { resumeDirectives } from '../engine/directives.js';
import type { StepDirective } from '../engine/execute.js';
import type { Plan } from '../plan/types.js';
import type { prepareSnapshots } from '../record/step-snapshots.js';
import type { RunRecord } from '../record/types.js';
import { escapeControls } from '../render/controls.js';
import type { TransportChoice } from '../transport.js';
import type { EndpointFlags } from './next-command.js';
import { adoptRunbook } from './resume-adopt.js';
import type { ResumeReview } from './resume-changes.js';
import { checkResumable } from './resume-checks.js';
import { changesText } from './resume-text.js';

/**
 * `--resume`: checks the run may go on (refusals throw), adds what each step does again to
 * `directives`, and prints the runbook's changes, masked: a script line could hold a secret's value.
 */
export function reviewResumeRun(options: {
  previous: RunRecord;
  plan: Plan;
  choice: TransportChoice;
  file: string;
  flags: EndpointFlags & { local: boolean; 'rerun-all-hosts'?: boolean };
  runDir: string;
  snapshots: ReturnType<typeof prepareSnapshots>;
  resumeCommand: string;
  directives: Record<string, StepDirective>;
  mask: (text: string) => string;
  stderr: (text: string) => void;
}): ResumeReview {
  const { previous, plan, snapshots, mask } = options;
  const review = checkResumable({
    previous,
    plan,
    choice: options.choice,
    file: options.file,
    flags: options.flags,
    runDir: options.runDir,
    snapshot: (s) => JSON.parse(snapshots.get(s.name)!.text),
    resumeCommand: options.resumeCommand,
  });
  Object.assign(
    options.directives,
    resumeDirectives(previous, !previous.endpoint.local, plan, {
      rerunAllHosts: options.flags['rerun-all-hosts'] === true,
    }),
  );
  review.changes = review.changes.map((c) => ({ ...c, detail: c.detail.map((d) => mask(d)) }));
  if (review.changes.length > 0)
    options.stderr(escapeControls(mask(changesText(previous.runId, review.changes))));
  return review;
}

/**
 * Takes the resumed runbook into the record: asks first when it changed and `--yes` was not given.
 * `declined` and `interrupted` leave the record as it was and send nothing.
 */
export async function takeResumedRunbook(options: {
  previous: RunRecord;
  plan: Plan;
  review: ResumeReview;
  snapshots: ReturnType<typeof prepareSnapshots>;
  yes: boolean;
  resumeCommand: string;
  /** Who takes it, masked (`operatorOf`). */
  operator: string | undefined;
  stderr: (text: string) => void;
  onInterrupt: () => void;
  interrupted: () => boolean;
}): Promise<'taken' | 'declined' | 'interrupted'> {
  const { previous, plan, review } = options;
  if (review.changes.length > 0 && !options.yes) {
    const accepted = await createPrompt({
      input: process.stdin,
      output: process.stderr,
      onInterrupt: options.onInterrupt,
    })({ question: `Resume run ${previous.runId} with these changes?`, hostCount: 0 });
    if (options.interrupted()) return 'interrupted';
    if (!accepted) {
      options.stderr(
        `runbook: the changed runbook was not taken; nothing was sent and the record is as it was.\nhint: to take it later: ${options.resumeCommand}\n`,
      );
      return 'declined';
    }
  }
  adoptRunbook(previous, plan, review, options.snapshots, new Date().toISOString(), options.operator);
  return 'taken';
}
