import { availableParallelism } from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { loadRunbookSync } from './parse.js';
import type { Issue } from './types.js';

/** The outcome for one file of `validateFiles`. */
export interface FileIssues {
  file: string;
  issues: Issue[];
}

export interface ValidateFilesOptions {
  /** Threads to use, this one included; default: the available cores, at most 4. */
  threads?: number;
  /** Below this many files everything runs on this thread (starting a worker costs ~50 ms). */
  minFilesPerThread?: number;
  /**
   * Validate on this thread too, while the workers start (default true). With false the files are left
   * to the workers: for tests of the workers' path.
   */
  inThisThread?: boolean;
}

const WORKER_FLAG = '@runbook/schema validate-files worker';

interface WorkerInput {
  flag: string;
  paths: readonly string[];
  /** One Int32: the index of the next file to take, shared by every thread. */
  next: SharedArrayBuffer;
}

/** The files a thread found issues in: [index in `paths`, issues]. */
type Found = Array<[number, Issue[]]>;

/**
 * Runs `fn` with `process.env` replaced by a plain copy of it. The `yaml` library reads
 * `process.env.LOG_TOKENS` for every token it parses, and the real environment is slow to read
 * (a lookup goes through libc's environment or a locked map, ~0.5 µs each): about a sixth of the
 * parse. Nothing in `fn` may write the environment; `fn` is synchronous, so no other code sees it.
 */
function withPlainEnv<T>(fn: () => T): T {
  const real = process.env;
  process.env = { ...real };
  try {
    return fn();
  } finally {
    process.env = real;
  }
}

/** Validates files, taking the next index from `next` until none is left; returns those with issues. */
function validateShare(paths: readonly string[], next: Int32Array): Found {
  return withPlainEnv(() => {
    const found: Found = [];
    for (let i = Atomics.add(next, 0, 1); i < paths.length; i = Atomics.add(next, 0, 1)) {
      const res = loadRunbookSync(paths[i]!);
      if (!res.ok) found.push([i, res.issues]);
    }
    return found;
  });
}

/** Starts a worker on the shared queue; resolves with what it found once the queue is empty. */
function startWorker(paths: readonly string[], next: SharedArrayBuffer): Promise<Found> {
  return new Promise<Found>((resolve, reject) => {
    const input: WorkerInput = { flag: WORKER_FLAG, paths, next };
    const worker = new Worker(new URL(import.meta.url), { workerData: input });
    worker.once('message', (found: Found) => {
      resolve(found);
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`a validation worker exited with code ${code}`));
    });
  });
}

/**
 * Validates many runbook files, spreading them over worker threads when there are enough to be worth
 * it. Every thread takes the next file from one shared counter, so a worker that starts late or a
 * thread that gets less of a busy machine's CPU does fewer files instead of keeping the others
 * waiting. Results come back in the order of `paths`.
 */
export async function validateFiles(
  paths: readonly string[],
  options: ValidateFilesOptions = {},
): Promise<FileIssues[]> {
  const min = options.minFilesPerThread ?? 64;
  const threads = Math.max(
    1,
    Math.min(options.threads ?? Math.min(availableParallelism(), 4), Math.floor(paths.length / min)),
  );
  const inThisThread = options.inThisThread ?? true;
  const next = new SharedArrayBuffer(4);
  const workers =
    threads <= 1 && inThisThread
      ? []
      : Array.from({ length: inThisThread ? threads - 1 : Math.max(1, threads - 1) }, () =>
          startWorker(paths, next),
        );
  const found = inThisThread ? validateShare(paths, new Int32Array(next)) : [];
  for (const more of await Promise.all(workers)) found.push(...more);
  const results: FileIssues[] = paths.map((file) => ({ file, issues: [] }));
  for (const [i, issues] of found) results[i]!.issues = issues;
  return results;
}

if (!isMainThread && (workerData as { flag?: string } | null)?.flag === WORKER_FLAG) {
  const { paths, next } = workerData as WorkerInput;
  parentPort!.postMessage(validateShare(paths, new Int32Array(next)));
}
