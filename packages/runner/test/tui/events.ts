import type { HostCounts, HostResult, RunEvent } from '../../src/engine/events.js';

/** A fixed start so that frames are the same on every run. */
export const T0 = Date.UTC(2026, 0, 2, 3, 4, 0);
export const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();
export const RUN_ID = '7c1e2a3b-0d4f-4e5a-9b6c-1d2e3f405162';

export function started(steps: [string, number][], local = true): RunEvent {
  return {
    ts: at(0),
    type: 'run.started',
    runId: RUN_ID,
    runbook: {
      path: 'runbooks/maintenance.yaml',
      name: 'maintenance',
      gitSha: '3f2a9c1d5e6f7a8b',
      dirty: true,
    },
    endpoint: { url: local ? 'http://127.0.0.1:40123' : 'https://esb.example.com', local, transport: 'v2' },
    biz: 2,
    steps: steps.map(([name, hostCount]) => ({ name, hostCount, customQueries: 0 })),
  };
}

export function counts(c: Partial<HostCounts> & { total: number }): HostCounts {
  return { succeeded: 0, failed: 0, running: 0, waiting: 0, agentError: 0, ...c };
}

export const submitting = (step: string, s: number): RunEvent => ({
  ts: at(s),
  type: 'step.submitting',
  step,
});
export const submitted = (step: string, s: number, jobInstanceId: number): RunEvent => ({
  ts: at(s),
  type: 'step.submitted',
  step,
  jobInstanceId,
  jobInstanceName: `${step} [3f2a9c1]`,
});
export const progress = (step: string, s: number, c: HostCounts, elapsed: number): RunEvent => ({
  ts: at(s),
  type: 'step.progress',
  step,
  status: 2,
  counts: c,
  elapsedMs: elapsed * 1000,
});

export function host(ip: string, status: number, exitCode: number, log: string, cloud = 0): HostResult {
  return { ip, cloud, status, exitCode, tag: '', log };
}

export function finished(step: string, s: number, hosts: HostResult[], elapsed: number): RunEvent {
  const ok = hosts.every((h) => h.status === 9);
  const c = counts({ total: hosts.length });
  for (const h of hosts) {
    if (h.status === 9) c.succeeded++;
    else if (h.status === 1 || h.status === 310 || h.status === 18) c.agentError++;
    else c.failed++;
  }
  return {
    ts: at(s),
    type: 'step.finished',
    step,
    status: ok ? 3 : 4,
    ok,
    counts: c,
    hosts,
    elapsedMs: elapsed * 1000,
  };
}

export const runFinished = (s: number, exitCode: number, reason: string): RunEvent => ({
  ts: at(s),
  type: 'run.finished',
  ok: exitCode === 0,
  exitCode,
  reason,
  runId: RUN_ID,
});

/** Two healthy hosts. */
export const twoOk = () => [host('10.0.0.1', 9, 0, 'ok\n'), host('10.0.0.2', 9, 0, 'ok\n')];
