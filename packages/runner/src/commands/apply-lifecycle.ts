import type { RunControl } from '../engine/events.js';
import { EXIT } from '../exit.js';
import { type DurableRecorder, unsavedReport } from '../record/durable.js';
import type { Lock } from '../record/lock.js';

/** The signals that stop a run: Ctrl-C, `kill`, and the terminal going away (an SSH session dropping). */
export const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** A run that signals steer and whose record any exit finishes. */
export interface AttachedRun {
  recorder: DurableRecorder;
  control: RunControl;
  root: string;
  resumeCommand: string;
  terminateOnInterrupt: boolean;
}

/**
 * Everything `apply` must do whichever way the process ends, installed before anything else (so a
 * signal that comes early is never the default "die at once"): signals steer the run, the record is
 * finished on every exit, and the locks are released.
 */
export interface Lifecycle {
  /** The first stopping signal, or '' while none came. Checked before the run starts. */
  interruptedBy(): string;
  /** Releases `lock` on every exit path. */
  hold(lock: Lock): void;
  /** From now on signals steer `run`, and an early exit finishes its record. */
  attach(run: AttachedRun): void;
  /** The normal end: handlers off, locks released. */
  dispose(): void;
  /** Asks the run to stop (detach or terminate, as `--terminate-on-interrupt` says). */
  interrupt(signal: string): void;
}

export function startLifecycle(stderr: (text: string) => void): Lifecycle {
  const locks: Lock[] = [];
  let run: AttachedRun | undefined;
  let first = '';

  const interrupt = (signal: string) => {
    if (first !== '') {
      const where = run
        ? `Run id ${run.recorder.record.runId}; resume with: ${run.resumeCommand}`
        : 'Nothing was sent.';
      stderr(`\nrunbook: second ${signal}: exiting now. ${where}\n`);
      process.exit(EXIT.interrupted);
    }
    first = signal;
    if (run?.terminateOnInterrupt) run.control.terminate(signal);
    else run?.control.detach(signal);
  };
  const handlers = STOP_SIGNALS.map((signal) => [signal, () => interrupt(signal)] as const);

  // Any exit before the run finished (a second signal, a crash, process.exit in the UI) still leaves
  // a finished record: writes are synchronous, so they complete inside the 'exit' event.
  const onExit = (exitCode: number) => {
    if (run && run.recorder.record.state === 'running') {
      const ts = new Date().toISOString();
      if (first) run.recorder.onEvent({ type: 'run.interrupted', ts, signal: first, action: 'detach' });
      run.recorder.onEvent({
        type: 'run.finished',
        ts,
        ok: false,
        exitCode,
        reason: `the runner exited (code ${exitCode}) before the run finished`,
        runId: run.recorder.record.runId,
        resumeCommand: run.resumeCommand,
      });
    }
    if (run && !run.recorder.trySave()) stderr(unsavedReport(run.recorder, run.root));
    release();
  };
  const release = () => {
    for (const lock of locks.splice(0)) lock.release();
  };

  for (const [signal, handler] of handlers) process.on(signal, handler);
  process.on('exit', onExit);
  return {
    interruptedBy: () => first,
    hold: (lock) => {
      locks.push(lock);
    },
    attach(attached) {
      run = attached;
      // A signal that came while the run was being prepared stops it before it sends anything.
      if (first) {
        const signal = first;
        first = '';
        interrupt(signal);
      }
    },
    dispose() {
      for (const [signal, handler] of handlers) process.off(signal, handler);
      process.off('exit', onExit);
      release();
    },
    interrupt,
  };
}
