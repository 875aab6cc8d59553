/**
 * A big runbook is parsed in a worker thread. The YAML library builds its whole syntax tree before
 * composing the document: for a step listing 50,000 hosts that is ~36 MB of short-lived objects.
 * Parsed in the runner's own heap, that peak made V8 size the heap for it (it grows the heap by a
 * factor of what was live at a collection), and the rest of the run, the end of the big step
 * included, then grew to ~200 MB before the next full collection: ~360 MB peak RSS. Parsed in a
 * worker, the tree dies with the worker's heap, and the runner's heap is sized by what it keeps.
 * The result is the same data, positions included; small runbooks are parsed in place (a worker
 * costs its start-up).
 */
import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { loadRunbook, type ParseResult } from '@runbook/schema';

/** Runbook files at least this big are parsed in a worker (about 25,000 listed hosts). */
export const ASIDE_BYTES = 512 * 1024;

const WORKER = new URL('./load-aside-worker.js', import.meta.url);

/**
 * `loadRunbook`, in a worker thread for a file of `ASIDE_BYTES` or more. A worker that cannot be
 * started or fails is no reason to refuse a runbook: it is then loaded in place, as a small one.
 */
export async function loadRunbookAside(path: string, worker: URL = WORKER): Promise<ParseResult> {
  const size = await stat(path).then(
    (s) => s.size,
    () => 0,
  );
  // Tests run the sources, where the worker is not compiled: loaded in place then.
  if (size < ASIDE_BYTES || !existsSync(fileURLToPath(worker))) return loadRunbook(path);
  const aside = await new Promise<ParseResult | undefined>((resolve) => {
    // node:worker_threads is loaded only for a big runbook: every run's start goes without it.
    const { Worker } = process.getBuiltinModule('node:worker_threads');
    const w = new Worker(worker, { workerData: { path } });
    w.once('message', (m: ParseResult) => resolve(m));
    w.once('error', () => resolve(undefined));
    w.once('exit', () => resolve(undefined));
  });
  return aside ?? loadRunbook(path);
}
