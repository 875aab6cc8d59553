import type { EmulatedJobView } from '@runbook/emulator';
import { jobsByStep } from './invariants.js';

/** A recorded batch, as the record of a rolling step holds it (contracts: BatchRecord). */
interface BatchLike {
  index: number;
  hosts: string[];
  state: string;
  jobInstanceId?: number;
}
interface StepLike {
  name: string;
  state: string;
  batches?: BatchLike[];
}

const HOST_OK = 9;

/** The keys a job of the emulator ran on, in both forms a batch may name them (`CLOUD:IP`, `id:N`). */
function jobKeys(job: EmulatedJobView, idKeys: ReadonlySet<string>): string[] {
  return job.hosts.map((h) => {
    const byId = (h as { bk_host_id?: number }).bk_host_id;
    return byId !== undefined && idKeys.has(`id:${byId}`) ? `id:${byId}` : `${h.bk_cloud_id}:${h.ip}`;
  });
}

const same = (a: string[], b: string[]) => {
  const x = [...a].sort();
  const y = [...b].sort();
  return x.length === y.length && x.every((k, i) => k === y[i]);
};

/**
 * The promises of rolling steps, against the emulator's own list of jobs:
 * - no batch submitted twice by accident: a host is in a second job of its step only when every
 *   earlier job of it failed on that host (a resume reruns failed hosts, never succeeded ones);
 * - the record matches the emulator batch by batch: every recorded batch's job exists, belongs to
 *   the step and ran exactly the batch's hosts; every job of the step is some recorded batch's (or
 *   the batch says it may have started); a batch recorded pending never reached JOB.
 * Steps without `batches` are left to `checkRun`.
 */
export function checkBatches(steps: StepLike[], jobs: EmulatedJobView[], runbook: string): string[] {
  const v: string[] = [];
  const byStep = jobsByStep(jobs, runbook);
  for (const s of steps) {
    if (!s.batches) continue;
    const js = [...(byStep.get(s.name) ?? [])].sort((a, b) => a.jobInstanceId - b.jobInstanceId);
    const idKeys = new Set(s.batches.flatMap((b) => b.hosts.filter((k) => k.startsWith('id:'))));
    // Double submissions, host by host, in the order JOB created the jobs.
    const okOn = new Map<string, number>();
    for (const j of js) {
      for (const [i, key] of jobKeys(j, idKeys).entries()) {
        const earlier = okOn.get(key);
        if (earlier !== undefined)
          v.push(
            `step ${s.name}: host ${key} submitted again in job ${j.jobInstanceId} after it succeeded in job ${earlier}`,
          );
        if (j.hosts[i]!.status === HOST_OK) okOn.set(key, j.jobInstanceId);
      }
    }
    for (let i = 0; i < js.length; i++)
      for (let k = i + 1; k < js.length; k++)
        if (
          same(jobKeys(js[i]!, idKeys), jobKeys(js[k]!, idKeys)) &&
          js[i]!.hosts.some((h) => h.status === HOST_OK)
        )
          v.push(
            `step ${s.name}: jobs ${js[i]!.jobInstanceId} and ${js[k]!.jobInstanceId} ran the same hosts`,
          );
    // The record against the emulator, batch by batch.
    const recorded = new Set<number>();
    for (const b of s.batches) {
      if (b.jobInstanceId === undefined) {
        if (
          b.state === 'pending' &&
          js.some((j) => same(jobKeys(j, idKeys), b.hosts) && !recorded.has(j.jobInstanceId))
        )
          if (!s.batches.some((o) => o !== b && o.jobInstanceId !== undefined && same(o.hosts, b.hosts)))
            v.push(
              `step ${s.name} batch ${b.index}: recorded pending, but JOB has a job with exactly its hosts`,
            );
        continue;
      }
      recorded.add(b.jobInstanceId);
      const job = js.find((j) => j.jobInstanceId === b.jobInstanceId);
      if (!job) {
        v.push(
          `step ${s.name} batch ${b.index}: job ${b.jobInstanceId} is not a job of the step in the emulator`,
        );
        continue;
      }
      if (!same(jobKeys(job, idKeys), b.hosts))
        v.push(
          `step ${s.name} batch ${b.index}: job ${b.jobInstanceId} ran ${jobKeys(job, idKeys).join(',')}, the record says ${b.hosts.join(',')}`,
        );
    }
    const unsure = s.batches.some((b) => b.state === 'submitting' || b.state === 'may-have-started');
    for (const j of js)
      if (!recorded.has(j.jobInstanceId) && !unsure)
        v.push(`step ${s.name}: job ${j.jobInstanceId} of the emulator is in no recorded batch`);
  }
  return v;
}

/** How many jobs of the runbook the emulator holds for rolling steps (for the campaign's tally). */
export function batchJobs(steps: StepLike[], jobs: EmulatedJobView[], runbook: string): number {
  const byStep = jobsByStep(jobs, runbook);
  return steps.filter((s) => s.batches).reduce((n, s) => n + (byStep.get(s.name)?.length ?? 0), 0);
}
