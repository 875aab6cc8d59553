// A worker thread of `validateFiles`: takes files from the shared queue until it is empty, then
// sends back the files with issues.
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { validateShare } from './validate-share.js';

/** Marks the data of a validation worker: this module does nothing in any other thread. */
export const WORKER_FLAG = '@runbook/schema validate-files worker';

export interface WorkerInput {
  flag: typeof WORKER_FLAG;
  paths: readonly string[];
  /** One Int32: the index of the next file to take, shared by every thread. */
  next: SharedArrayBuffer;
}

if (!isMainThread && (workerData as Partial<WorkerInput> | null)?.flag === WORKER_FLAG) {
  const { paths, next } = workerData as WorkerInput;
  parentPort!.postMessage(validateShare(paths, new Int32Array(next)).found);
}
