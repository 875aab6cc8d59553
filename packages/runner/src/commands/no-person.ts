import { questionOf, type StepDirective } from '../engine/execute.js';
import { EXIT } from '../exit.js';
import { openRecorder } from '../record/durable.js';
import { localError } from '../record/local.js';
import type { RunRecord } from '../record/types.js';

export interface NoPerson {
  directives: Record<string, StepDirective>;
  /** `--yes` was given (it does not answer a question about a submit that may have started). */
  yes: boolean;
  /** A resume would take a changed runbook. */
  changed: boolean;
  file: string;
  /** The command to run again with `--yes`. */
  next: string;
  /** The run being resumed: its record says nobody could decide. */
  previous?: RunRecord;
  root: string;
  stderr: (text: string) => void;
}

/**
 * apply needs a person to answer and there is no terminal to ask: says why and what to type, leaves
 * a resumed run's record saying so, and declines (exit 4). Nothing is sent.
 */
export function refuseWithoutPerson(o: NoPerson): number {
  const asks = Object.values(o.directives).flatMap((d) => questionOf(d) ?? []);
  o.stderr(
    o.yes
      ? `runbook: ${asks.join(' ')}
runbook: --yes does not answer that, and there is no terminal to ask; nothing was sent.
hint: resume in a terminal to decide, or skip the step with --from-step or --only
`
      : `runbook: apply asks for confirmation before sending anything${o.changed ? ' (and before taking the changed runbook)' : ''}, and there is no terminal to answer; nothing was sent.
hint: review it with runbook plan ${o.file}, then run again with --yes:
  ${o.next} --yes
`,
  );
  // The record tells what happened last to this run: nobody could decide, nothing was sent.
  if (o.previous) {
    const recorder = openRecorder(o.root, o.previous);
    recorder.onEvent({
      type: 'run.finished',
      ts: new Date().toISOString(),
      ok: false,
      exitCode: EXIT.declined,
      reason: 'resume needed a person to answer and there was no terminal; nothing was sent',
      runId: o.previous.runId,
    });
    if (recorder.problem() !== undefined)
      throw localError(recorder.problem(), `cannot save the record of run ${o.previous.runId} in ${o.root}`);
  }
  return EXIT.declined;
}
