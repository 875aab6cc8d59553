import type { RunControl, RunEvent } from '../engine/events.js';
import { EXIT } from '../exit.js';
import type { DurableRecorder } from '../record/durable.js';
import { localReason } from '../record/local.js';

type Finished = Extract<RunEvent, { type: 'run.finished' }>;

/**
 * Keeps a run honest about its record. While the record cannot be saved, the job being followed is
 * followed to its end, but no further step is submitted (a submit the record cannot remember is how
 * a step runs twice); and a run whose record or logs could not be saved ends with exit 5.
 */
export interface RecordGuard {
  setControl(control: RunControl): void;
  /** Called after each event reached the recorder. */
  after(event: RunEvent): void;
  /** The run's last event, made exit 5 when something could not be saved (a signal's 130 stays). */
  finishing(event: Finished, signalled: boolean): Finished;
  /** Whether the guard stopped the run before its next step. */
  stopped(): boolean;
}

/** The reason a run stopped by the guard gives (shown as what interrupted it). */
export const RECORD_UNSAVED = 'the run record could not be saved';

export function createRecordGuard(recorder: DurableRecorder): RecordGuard {
  let following = false;
  let stopped = false;
  let stopReason = '';
  let control: RunControl | undefined;
  const check = () => {
    if (stopped || following || !control || recorder.problem() === undefined) return;
    stopped = true;
    stopReason = localReason(recorder.problem());
    control.detach(RECORD_UNSAVED);
  };
  return {
    setControl(c) {
      control = c;
      check();
    },
    after(event) {
      if (event.type === 'step.submitted') following = true;
      else if (event.type === 'step.finished' || event.type === 'step.error') following = false;
      check();
    },
    finishing(event, signalled) {
      if (signalled && event.exitCode === EXIT.interrupted) return event;
      const lost = recorder.logsLost();
      let reason: string;
      if (stopped) {
        // The run ended because the guard stopped it: the engine's own reason is only "interrupted".
        reason = `${RECORD_UNSAVED}: ${stopReason}; no further step was submitted`;
      } else if (recorder.problem() !== undefined) {
        reason = `${RECORD_UNSAVED}: ${localReason(recorder.problem())}; the run: ${event.reason}`;
      } else if (lost.length > 0) {
        reason = `the logs of step${lost.length === 1 ? '' : 's'} ${lost.map((l) => l.step).join(', ')} could not be saved: ${localReason(lost[0]!.error)} (JOB keeps them); the run: ${event.reason}`;
      } else {
        return event;
      }
      return { ...event, ok: false, exitCode: EXIT.local, reason };
    },
    stopped: () => stopped,
  };
}
