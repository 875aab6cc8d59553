/**
 * The worker of `loadRunbookAside`: loads one runbook and posts the result back as plain data, the
 * positions read from the YAML tree here (the tree itself stays in this thread and dies with it).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadRunbook } from '@runbook/schema';

const { path } = workerData as { path: string };
const result = await loadRunbook(path);
if (!result.ok) parentPort!.postMessage(result);
else {
  const { runbook, text, scriptFiles, positions } = result.runbook;
  parentPort!.postMessage({
    ok: true,
    runbook: { runbook, path: result.runbook.path, text, positions, scriptFiles },
  });
}
