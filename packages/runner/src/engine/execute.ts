import { randomUUID } from 'node:crypto';
import type { JobClient } from '@runbook/core';
import type { Plan } from '../plan/types.js';
import { countHosts, hostSucceeded } from './counts.js';
import type { EventSink, HostResult, RunEvent } from './events.js';

const FINISHED_OK = 3;

type EventBody = RunEvent extends infer E ? (E extends RunEvent ? Omit<E, 'ts'> : never) : never;

export interface ExecuteOptions {
  client: JobClient;
  plan: Plan;
  emit: EventSink;
  endpoint: string;
  local: boolean;
  /** First poll delay and its cap, in ms. */
  pollInitialMs?: number;
  pollMaxMs?: number;
}

/** Submits each step in order, follows it to the end, and emits events. Returns the exit code. */
export async function execute(options: ExecuteOptions): Promise<number> {
  const { client, plan } = options;
  const emit = (e: EventBody) => options.emit({ ts: new Date().toISOString(), ...e } as RunEvent);
  const runId = randomUUID();
  emit({
    type: 'run.started',
    runId,
    runbook: { path: plan.runbookPath, name: plan.name },
    endpoint: { url: options.endpoint, local: options.local },
    biz: plan.biz,
    steps: plan.steps.map((s) => ({ name: s.name, hostCount: s.hostCount, customQueries: 0 })),
  });
  let failed = false;
  for (const step of plan.steps) {
    const started = performance.now();
    emit({ type: 'step.submitting', step: step.name });
    const submitted = await client.fastExecuteScript(step.request);
    emit({
      type: 'step.submitted',
      step: step.name,
      jobInstanceId: submitted.job_instance_id,
      jobInstanceName: submitted.job_instance_name,
    });
    const ref = { bk_biz_id: plan.biz, job_instance_id: submitted.job_instance_id };
    let delay = options.pollInitialMs ?? 100;
    const cap = options.pollMaxMs ?? 5000;
    let status = 0;
    for (;;) {
      const st = await client.getJobInstanceStatus(ref);
      status = st.job_instance.status;
      const hosts = st.blocks.flatMap((b) => b.step_instances.flatMap((s) => s.step_ip_status));
      emit({
        type: 'step.progress',
        step: step.name,
        status,
        counts: countHosts(hosts),
        elapsedMs: performance.now() - started,
      });
      if (st.is_finished) break;
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(cap, Math.round(delay * 1.5));
    }
    const logs = await client.getJobInstanceLog(ref);
    const hosts: HostResult[] = logs.flatMap((s) =>
      s.step_results.flatMap((r) =>
        r.ip_logs.map((l) => ({
          ip: l.ip,
          cloud: l.bk_cloud_id,
          status: r.ip_status,
          exitCode: l.exit_code,
          tag: r.tag,
          log: l.log_content,
        })),
      ),
    );
    const ok = status === FINISHED_OK && hosts.every((h) => hostSucceeded(h.status));
    emit({
      type: 'step.finished',
      step: step.name,
      status,
      ok,
      counts: countHosts(hosts),
      hosts,
      elapsedMs: performance.now() - started,
    });
    if (!ok) {
      failed = true;
      if (step.onFailure === 'abort') break;
    }
  }
  const exitCode = failed ? 1 : 0;
  emit({
    type: 'run.finished',
    ok: !failed,
    exitCode,
    reason: failed ? 'a step failed' : 'every step succeeded',
    runId,
  });
  return exitCode;
}
