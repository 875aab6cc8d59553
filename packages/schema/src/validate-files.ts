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
}

const WORKER_FLAG = '@runbook/schema validate-files worker';

function validateAll(paths: readonly string[]): FileIssues[] {
  return paths.map((file) => {
    const res = loadRunbookSync(file);
    return { file, issues: res.ok ? [] : res.issues };
  });
}

/**
 * Validates many runbook files, spreading them over worker threads when there are enough to be worth
 * it. Results come back in the order of `paths`.
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
  if (threads <= 1) return validateAll(paths);
  const size = Math.ceil(paths.length / threads);
  const chunks = Array.from({ length: threads }, (_, i) => paths.slice(i * size, (i + 1) * size));
  const workers = chunks.slice(1).map(
    (chunk) =>
      new Promise<FileIssues[]>((resolve, reject) => {
        const worker = new Worker(new URL(import.meta.url), {
          workerData: { flag: WORKER_FLAG, paths: chunk },
        });
        worker.once('message', (result: FileIssues[]) => {
          resolve(result);
          void worker.terminate();
        });
        worker.once('error', reject);
        worker.once('exit', (code) => {
          if (code !== 0) reject(new Error(`a validation worker exited with code ${code}`));
        });
      }),
  );
  const first = validateAll(chunks[0]!);
  const rest = await Promise.all(workers);
  return [first, ...rest].flat();
}

if (!isMainThread && (workerData as { flag?: string } | null)?.flag === WORKER_FLAG) {
  parentPort!.postMessage(validateAll((workerData as { paths: string[] }).paths));
}
