import { mkdirSync } from 'node:fs';
import { RunnerError } from '../errors.js';
import { EXIT } from '../exit.js';

/** What each file-system error means for the person at the machine. */
const REASONS: Record<string, string> = {
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'not permitted (owned by another user?)',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EISDIR: 'a folder is where a file should be',
  EEXIST: 'a file is where a folder should be',
  EIO: 'an input/output error of the disk',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files in the system',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'the path is too long',
  EXDEV: 'the path crosses file systems',
};

/** Whether an error is a local problem: the state folder, the disk, permissions (exit 5). */
export function isLocalProblem(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException)?.code;
  return typeof code === 'string' && Object.hasOwn(REASONS, code);
}

/** The reason of a file-system error in words, with its code: `the disk is full (ENOSPC)`. */
export function localReason(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  const code = typeof e?.code === 'string' ? e.code : undefined;
  const why =
    code && Object.hasOwn(REASONS, code) ? `${REASONS[code]} (${code})` : (e?.message ?? String(err));
  return e?.path ? `${why}: ${e.path}` : why;
}

/**
 * A local problem as a runner error, exit 5: `RUNNER_DISK_FULL` for a full disk or quota,
 * `RUNNER_STATE_DIR` for anything else the state folder refuses. `doing` says what failed.
 */
export function localError(err: unknown, doing: string): RunnerError {
  const code = (err as NodeJS.ErrnoException)?.code;
  const full = code === 'ENOSPC' || code === 'EDQUOT';
  return new RunnerError(
    full ? 'RUNNER_DISK_FULL' : 'RUNNER_STATE_DIR',
    `${doing}: ${localReason(err)}`,
    EXIT.local,
    {
      cause: err,
      hint: full
        ? 'free some space (or choose another place with --state-dir) and run again'
        : 'make the state folder writable for this user, or choose another one with --state-dir',
    },
  );
}

/**
 * `mkdir -p`. Node's recursive mkdir answers ENOENT where the real reason is another (EROFS on a
 * read-only file system): a plain mkdir then tells the real one.
 */
export function makeDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    try {
      mkdirSync(dir, { mode: 0o700 });
    } catch (again) {
      if ((again as NodeJS.ErrnoException).code !== 'EEXIST') throw again;
    }
  }
}
