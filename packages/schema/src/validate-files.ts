// Loads nothing but Node's own modules until it is called: a command can start the workers before it
// loads the parser, the schema and the checks (`@runbook/schema/validate-files`).
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Issue } from './types.js';
import type { Found } from './validate-share.js';
import type { WORKER_FLAG, WorkerInput } from './validate-worker.js';

/** The outcome for one file of `validateFiles`. */
export interface FileIssues {
  file: string;
  issues: Issue[];
}

export interface ValidateFilesOptions {
  /**
   * Threads to use, this one included; default: the available cores less one, at most 4 (one core
   * is left to V8's compiler and collector threads, which every thread keeps busy while it warms up).
   */
  threads?: number;
  /** Below this many files everything runs on this thread (starting a worker costs ~50 ms). */
  minFilesPerThread?: number;
  /**
   * Validate on this thread too, while the workers start (default true). With false the files are left
   * to the workers: for tests of the workers' path.
   */
  inThisThread?: boolean;
}

/** validate-worker.ts's WORKER_FLAG (not imported: that module is the worker's, loaded only there). */
const FLAG: typeof WORKER_FLAG = '@runbook/schema validate-files worker';

/**
 * A worker is a second V8: it loads the parser and the checks again and compiles the parser's hot
 * code again (~1 s of CPU for the 1,000-file benchmark on a 2-core machine, where it saved no wall
 * time even on idle cores: this thread's compiler threads already use the second core). So one core
 * is left to those: 2 cores, no worker; 3-4 cores, 1-2 workers; at most 3.
 */
const defaultThreads = (): number => Math.max(1, Math.min(availableParallelism() - 1, 4));

/** Starts a worker on the shared queue; resolves with what it found once the queue is empty. */
function startWorker(paths: readonly string[], next: SharedArrayBuffer): Promise<Found> {
  return new Promise<Found>((resolve, reject) => {
    const input: WorkerInput = { flag: FLAG, paths, next };
    const worker = new Worker(new URL('./validate-worker.js', import.meta.url), { workerData: input });
    worker.once('message', (found: Found) => {
      resolve(found);
      worker.unref(); // it ends by itself; the process need not wait for that
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`a validation worker exited with code ${code}`));
    });
  });
}

/**
 * Validates many runbook files, spreading them over worker threads when there are enough to be worth
 * it. The workers start first, then this thread loads the checks and joins them: every thread takes
 * the next file from one shared counter, so a worker that starts late or a thread that gets less of
 * a busy machine's CPU does fewer files instead of keeping the others waiting. Results come back in
 * the order of `paths`.
 */
export async function validateFiles(
  paths: readonly string[],
  options: ValidateFilesOptions = {},
): Promise<FileIssues[]> {
  const min = options.minFilesPerThread ?? 64;
  const threads = Math.max(
    1,
    Math.min(options.threads ?? defaultThreads(), Math.floor(paths.length / min)),
  );
  const inThisThread = options.inThisThread ?? true;
  const next = new SharedArrayBuffer(4);
  const workers = Array.from({ length: inThisThread ? threads - 1 : Math.max(1, threads - 1) }, () =>
    startWorker(paths, next),
  );
  let found: Found = [];
  if (inThisThread) {
    const { validateShare } = await import('./validate-share.js');
    found = validateShare(paths, new Int32Array(next));
  }
  for (const more of await Promise.all(workers)) found.push(...more);
  const results: FileIssues[] = paths.map((file) => ({ file, issues: [] }));
  for (const [i, issues] of found) results[i]!.issues = issues;
  return results;
}
