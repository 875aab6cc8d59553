import type { HostCounts } from './events.js';

const SUCCEEDED = new Set([3, 9]);
const RUNNING = new Set([7]);
const WAITING = new Set([5]);
const AGENT_ERROR = new Set([1, 18, 310]);

/** Whether a per-host status means the host succeeded (9, or 3: succeeded earlier). */
export function hostSucceeded(status: number): boolean {
  return SUCCEEDED.has(status);
}

/** Aggregates per-host statuses into counters, without building per-host objects. */
export function countHosts(statuses: Iterable<{ status: number }>): HostCounts {
  const c: HostCounts = { total: 0, succeeded: 0, failed: 0, running: 0, waiting: 0, agentError: 0 };
  for (const { status } of statuses) {
    c.total++;
    if (SUCCEEDED.has(status)) c.succeeded++;
    else if (RUNNING.has(status)) c.running++;
    else if (WAITING.has(status)) c.waiting++;
    else if (AGENT_ERROR.has(status)) c.agentError++;
    else c.failed++;
  }
  return c;
}
