/**
 * undici's Agent, loaded from its own module: undici's index loads all of undici (fetch, WebSocket,
 * caches, mocks: 110 modules), which cost every `runbook` command that talks to JOB about 80 ms of
 * start-up; the Agent needs 23 of them. The client only calls `dispatch`, which the Agent has
 * without the index (the index adds `request`, `connect`… to every dispatcher). A proxy needs the
 * index (its agent connects through `connect`). Should a later undici move the file, the index is
 * loaded instead: slower to start, never broken; a test says so first.
 */
import { createRequire } from 'node:module';
import type * as Undici from 'undici';

const load = createRequire(import.meta.url);

export function agentClass(): typeof Undici.Agent {
  try {
    return load('undici/lib/dispatcher/agent.js') as typeof Undici.Agent;
  } catch {
    return undiciIndex().Agent;
  }
}

/**
 * Loads undici's Agent now (tens of ms of module loading, Node's own `http2` and `tls` with it), for
 * a caller that has that time to spare, such as while it waits for another process.
 */
export function loadHttpClient(): void {
  agentClass();
}

export function undiciIndex(): typeof Undici {
  return load('undici') as typeof Undici;
}
