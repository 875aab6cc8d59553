// Loads nothing but Node's own modules until it is called: a command can start the workers before it
// loads the parser, the schema and the checks (`@runbook/schema/validate-files`).
import { availableParallelism, loadavg } from 'node:os';
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
   * Threads to use, this one included; default: the available cores, at most 4, or 1 when the load
   * average says no core is idle.
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
 * Threads by default: one per core, at most 4, unless the machine has no core to spare (its 1-minute
 * load average is at least its number of cores): then this thread alone. A worker is a second V8
 * that loads the parser and the checks again and compiles the parser's hot code again, ~1 s of CPU
 * for the 1,000-file benchmark on 2 cores: on idle cores that buys ~5% of wall time, on busy ones
 * the worker only takes CPU from everything else (and the wall time gets worse, not better).
 */
function defaultThreads(): number {
  const cores = availableParallelism();
  return loadavg()[0]! >= cores ? 1 : Math.min(cores, 4);
}

interface Started {
  /** What the worker found, once the queue is empty. */
  found: Promise<Found>;
  /** Stops a worker whose results are not needed (it took no file). */
  stop: () => void;
}

/** Starts a worker on the shared queue. */
function startWorker(paths: readonly string[], next: SharedArrayBuffer): Started {
  const input: WorkerInput = { flag: FLAG, paths, next };
  // node:worker_threads is loaded here, not at import: commands that only load one runbook skip it.
  const { Worker } = process.getBuiltinModule('node:worker_threads');
  const worker = new Worker(new URL('./validate-worker.js', import.meta.url), { workerData: input });
  let stopped = false;
  const found = new Promise<Found>((resolve, reject) => {
    worker.once('message', (found: Found) => {
      resolve(found);
      worker.unref(); // it ends by itself; the process need not wait for that
    });
    worker.once('error', (err) => {
      if (!stopped) reject(err);
    });
    worker.once('exit', (code) => {
      if (code !== 0 && !stopped) reject(new Error(`a validation worker exited with code ${code}`));
    });
  });
  const stop = (): void => {
    stopped = true;
    worker.unref();
    void worker.terminate();
  };
  return { found, stop };
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
  const threads = Math.max(1, Math.min(options.threads ?? defaultThreads(), Math.floor(paths.length / min)));
  const inThisThread = options.inThisThread ?? true;
  const next = new SharedArrayBuffer(4);
  const workers = Array.from({ length: inThisThread ? threads - 1 : Math.max(1, threads - 1) }, () =>
    startWorker(paths, next),
  );
  let found: Found = [];
  if (inThisThread) {
    const { validateShare } = await import('./validate-share.js');
    const mine = validateShare(paths, new Int32Array(next));
    found = mine.found;
    // The queue is empty: when this thread took every file (workers still starting, a small batch),
    // no worker has anything to send, and waiting for them to start would only add their start-up.
    if (mine.validated === paths.length) {
      for (const w of workers) w.stop();
      workers.length = 0;
    }
  }
  for (const more of await Promise.all(workers.map((w) => w.found))) found.push(...more);
  const results: FileIssues[] = paths.map((file) => ({ file, issues: [] }));
  for (const [i, issues] of found) results[i]!.issues = issues;
  return results;
}
