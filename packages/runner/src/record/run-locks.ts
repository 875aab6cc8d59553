import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { RunnerError } from '../errors.js';
import { EXIT } from '../exit.js';
import { isLocalProblem, localError } from './local.js';
import { acquireLock, holderState, type Lock, type LockHolder } from './lock.js';
import { checkRunId } from './store.js';

/** Locks live in the state folder (`--state-dir`), so separate state folders never see each other. */
const LOCKS = '.locks';

/** The lock a process holds while it runs or resumes run `runId`. */
export function runLockPath(root: string, runId: string): string {
  return join(root, LOCKS, `run-${checkRunId(runId)}.lock`);
}

/** Which JOB a run talks to: the ESB URL (trailing slashes aside), or this machine for `--local`. */
export function endpointKey(local: boolean, url: string | undefined): string {
  return local ? 'local' : (url ?? '').trim().replace(/\/+$/, '');
}

/** The lock of one runbook (absolute path) applied to one JOB scope (endpoint and business). */
export function applyLockPath(root: string, runbookPath: string, endpoint: string, biz: number): string {
  const key = createHash('sha256')
    .update(JSON.stringify([runbookPath, endpoint, biz]))
    .digest('hex');
  return join(root, LOCKS, `apply-${key.slice(0, 32)}.lock`);
}

/** "process 4242 (since …: runbook apply …)", and where when it is another machine. */
export function describeHolder(h: LockHolder | undefined): string {
  if (!h) return 'another process';
  const where = holderState(h) === 'elsewhere' ? ` on ${h.host}` : '';
  return `process ${h.pid}${where} (since ${h.since}: ${h.command})`;
}

export interface LockRequest {
  path: string;
  /** What the lock guards, for messages: `run 2026…` or `runbook /x.yaml on https://… biz 2`. */
  what: string;
  /** The code and hint of the refusal (exit 2). */
  busyCode: string;
  busyHint: string;
  command: string;
  stderr: (text: string) => void;
}

/**
 * Takes a lock or refuses at once (exit 2, naming the holder). A lock left by a process that is
 * gone is taken over, saying so. A state folder that cannot hold it is a local problem (exit 5).
 */
export function takeLock(req: LockRequest): Lock {
  let got: ReturnType<typeof acquireLock>;
  try {
    got = acquireLock(req.path, req.command);
  } catch (err) {
    if (isLocalProblem(err)) throw localError(err, `cannot lock ${req.what} in the state folder`);
    throw err;
  }
  if (!got.ok) {
    const elsewhere = got.holder && holderState(got.holder) === 'elsewhere';
    throw new RunnerError(
      req.busyCode,
      `${req.what} is being applied by ${describeHolder(got.holder)}; nothing was sent`,
      EXIT.usage,
      {
        hint: elsewhere
          ? `${req.busyHint}; if that machine no longer runs it, remove ${req.path}`
          : req.busyHint,
      },
    );
  }
  if (got.tookOverFrom) {
    req.stderr(
      `runbook: took over the lock of ${req.what} from ${describeHolder(got.tookOverFrom)}, which is no longer running\n`,
    );
  }
  return got.lock;
}
