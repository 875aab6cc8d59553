import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { EmulatedJobView } from '@runbook/emulator';
import type { RunEvent } from '../../src/engine/events.js';
import type { RunRecord } from '../../src/record/types.js';
import { recordProblem } from '../../src/record/validate.js';
import { checkBatches } from './batch-invariants.js';

/** Reads `<root>/<runId>/record.json` from disk, as `--resume` would. */
export function readRecordFile(root: string, runId: string): RunRecord {
  return JSON.parse(readFileSync(join(root, runId, 'record.json'), 'utf8')) as RunRecord;
}

const STATE_OF_EXIT: Record<number, string> = {
  0: 'succeeded',
  1: 'failed',
  3: 'error',
  4: 'declined',
  130: 'interrupted',
};
const STEP_STATES = new Set([
  'pending',
  'skipped',
  'submitting',
  'running',
  'detached',
  'succeeded',
  'failed',
  'partial',
  'may-have-started',
  'error',
  'partial',
]);
const JOB_FINAL_OK = 3;
const jobOk = (job: EmulatedJobView) => job.status === JOB_FINAL_OK && job.hosts.every((h) => h.status === 9);

/** The emulator's jobs of one runbook (task names `<runbook>/<step>`), by step name. */
export function jobsByStep(jobs: EmulatedJobView[], runbook: string): Map<string, EmulatedJobView[]> {
  const out = new Map<string, EmulatedJobView[]>();
  for (const j of jobs) {
    if (!j.name.startsWith(`${runbook}/`)) continue;
    const step = j.name.slice(runbook.length + 1).split('@')[0]!;
    out.set(step, [...(out.get(step) ?? []), j]);
  }
  return out;
}

export interface RunFacts {
  /** Every event the run emitted (all processes of it, resumes included). */
  events: RunEvent[];
  /** The exit code of the last process of the run. */
  exitCode: number;
  /** The state folder (`.runbook/runs` or `--state-dir`). */
  root: string;
  runId: string;
  runbook: string;
  jobs: EmulatedJobView[];
  /** Exit codes allowed for this run (e.g. 130 after a signal). */
  allowedExits?: number[];
  /** A `--resume` ran: a step whose earlier job failed may have a second job. */
  rerunFailed?: boolean;
}

/**
 * The invariants every run must keep, checked against the emulator's own record of jobs. Returns
 * the violations (empty: all kept).
 */
export function checkRun(f: RunFacts): string[] {
  const v: string[] = [];
  const byStep = jobsByStep(f.jobs, f.runbook);
  // Rolling steps (batches in the record) have a job per batch: `checkBatches` checks them batch by batch.
  const batched = batchedSteps(f.root, f.runId);
  for (const [step, js] of byStep) {
    if (batched.has(step)) continue;
    // `--resume` runs a failed step again on purpose; any other second job is a step run twice by accident.
    const earlier = js.slice(0, -1);
    const accidental = f.rerunFailed ? earlier.filter((j) => jobOk(j)) : earlier;
    if (accidental.length > 0)
      v.push(
        `step ${step} was submitted ${js.length} times (jobs ${js.map((j) => `${j.jobInstanceId}:${j.status}`)})`,
      );
  }
  const allowed = f.allowedExits ?? [0, 1, 3];
  if (!allowed.includes(f.exitCode)) v.push(`exit code ${f.exitCode} is not one of ${allowed}`);

  let rec: RunRecord;
  try {
    rec = readRecordFile(f.root, f.runId);
  } catch (err) {
    return [...v, `record.json unreadable: ${(err as Error).message}`];
  }
  if (rec.version !== 1 || rec.runId !== f.runId)
    v.push(`record version/runId wrong: ${rec.version} ${rec.runId}`);
  const problem = recordProblem(rec);
  if (problem) v.push(`record.json does not read as a record: ${problem}`);
  if (rec.exitCode !== f.exitCode) v.push(`record exitCode ${rec.exitCode}, process exited ${f.exitCode}`);
  if (STATE_OF_EXIT[f.exitCode] && rec.state !== STATE_OF_EXIT[f.exitCode])
    v.push(`record state ${rec.state} for exit ${f.exitCode}`);
  const mode = statSync(join(f.root, f.runId, 'record.json')).mode & 0o777;
  if (mode !== 0o600) v.push(`record.json mode ${mode.toString(8)}`);

  const errors = f.events.filter((e) => e.type === 'step.error');
  // A step whose failure `on_failure: ignore` ignores does not make the run fail.
  const finishedBad = f.events.filter((e) => e.type === 'step.finished' && !e.ok && !e.ignored);
  if (f.exitCode === 0 && (errors.length > 0 || finishedBad.length > 0))
    v.push('exit 0 after a step error or failure');
  if (f.exitCode === 1 && finishedBad.length === 0) v.push('exit 1 without a failed step');
  if (f.exitCode === 3 && errors.length === 0) v.push('exit 3 without a step error');

  v.push(...checkBatches(rec.steps, f.jobs, f.runbook));
  for (const s of rec.steps) {
    if (!STEP_STATES.has(s.state)) v.push(`step ${s.name}: unknown state ${s.state}`);
    if ((s as { batches?: unknown[] }).batches) {
      v.push(...checkBatchedHosts(s, byStep.get(s.name) ?? [], f.root, f.runId));
      continue;
    }
    const js = byStep.get(s.name) ?? [];
    // Nothing lost: every job of the step is the record's latest or one of its earlier attempts' (a
    // job started unknown to the record is "may have started", checked below), with the logs the
    // later attempts replaced.
    const attempts = s.attempts ?? [];
    const known = new Set([s.jobInstanceId, ...attempts.map((a) => a.jobInstanceId)]);
    const unknowable = [s, ...attempts].some((a) => a.state === 'may-have-started');
    if (!unknowable)
      for (const j of js)
        if (!known.has(j.jobInstanceId))
          v.push(
            `step ${s.name}: JOB's job ${j.jobInstanceId} is neither the record's nor an earlier attempt's`,
          );
    const current = new Set((s.hosts ?? []).map((h) => h.log));
    for (const [i, a] of attempts.entries())
      for (const h of a.hosts ?? []) {
        if (!existsSync(join(f.root, f.runId, h.log)))
          v.push(`step ${s.name}: attempt ${i + 1}'s log ${h.log} of ${h.ip} not kept`);
        // A log of its own, not the file the host's latest run wrote over it.
        if (!h.logRange && current.has(h.log))
          v.push(`step ${s.name}: attempt ${i + 1}'s log of ${h.ip} is the latest run's file ${h.log}`);
      }
    // The job the record speaks of, else the newest.
    const job = js.find((j) => j.jobInstanceId === s.jobInstanceId) ?? js.at(-1);
    if (s.jobInstanceId !== undefined) {
      const match = js.find((j) => j.jobInstanceId === s.jobInstanceId);
      if (!match)
        v.push(`step ${s.name}: record names job ${s.jobInstanceId}, the emulator has none for the step`);
    }
    if (s.state === 'succeeded' || s.state === 'failed') {
      if (!job) {
        v.push(`step ${s.name} is ${s.state} but the emulator has no job for it`);
        continue;
      }
      // A resumed step runs again only on the hosts that did not succeed: each host's latest result,
      // over the step's jobs in order, is what the record holds.
      const latest = new Map<string, EmulatedJobView['hosts'][number]>();
      for (const j of js.slice(0, js.indexOf(job) + 1))
        for (const h of j.hosts) latest.set(`${h.bk_cloud_id}:${h.ip}`, h);
      const allOk = jobOk(job) && [...latest.values()].every((h) => h.status === 9);
      if ((s.state === 'succeeded') !== allOk)
        v.push(`step ${s.name} recorded ${s.state}, emulator job status ${job.status}`);
      const hosts = new Map((s.hosts ?? []).map((h) => [`${h.cloud}:${h.ip}`, h]));
      if (hosts.size !== latest.size)
        v.push(`step ${s.name}: ${hosts.size} hosts recorded, ${latest.size} in JOB`);
      for (const h of latest.values()) {
        const r = hosts.get(`${h.bk_cloud_id}:${h.ip}`);
        if (!r) v.push(`step ${s.name}: host ${h.ip} missing from the record`);
        else if (r.status !== h.status)
          v.push(`step ${s.name}: host ${h.ip} recorded ${r.status}, JOB ${h.status}`);
        else if (!existsSync(join(f.root, f.runId, r.log))) v.push(`step ${s.name}: log ${r.log} not saved`);
      }
    }
    if (s.state === 'pending' || s.state === 'skipped' || s.state === 'error') {
      if (js.length > 0 && s.state !== 'error')
        v.push(`step ${s.name} is ${s.state} but JOB has job ${job!.jobInstanceId} for it`);
      if (s.state === 'error' && js.length > 0 && s.jobInstanceId === undefined)
        v.push(
          `step ${s.name}: job ${job!.jobInstanceId} started, but the record says error, not may-have-started`,
        );
    }
    if (job && s.jobInstanceId === undefined && s.state !== 'may-have-started')
      v.push(
        `step ${s.name}: JOB started job ${job.jobInstanceId}, the record (${s.state}) neither knows it nor says may-have-started`,
      );
  }
  for (const e of f.events) {
    if (e.type !== 'step.error' || !e.mayHaveStarted) continue;
    if (!/may have started/i.test(e.error.message))
      v.push(`step ${e.step}: may-have-started error without saying so: ${e.error.message}`);
  }
  // Every submit whose answer was lost is reported as "may have started".
  for (const e of f.events) {
    if (e.type !== 'step.error' || e.jobInstanceId !== undefined || e.mayHaveStarted) continue;
    if (
      (byStep.get(e.step) ?? []).length > 0 &&
      !f.events.some((x) => x.type === 'step.submitted' && x.step === e.step)
    )
      v.push(
        `step ${e.step}: JOB started a job, the runner reported ${e.error.code} without "may have started"`,
      );
  }
  return v;
}

/** Names of the steps the saved record holds batches for (none when it cannot be read). */
function batchedSteps(root: string, runId: string): Set<string> {
  try {
    return new Set(
      readRecordFile(root, runId)
        .steps.filter((s) => (s as { batches?: unknown[] }).batches)
        .map((s) => s.name),
    );
  } catch {
    return new Set();
  }
}

/**
 * A rolling step's hosts against the emulator: each recorded host has the status of the newest job
 * that ran it, with its log saved; a succeeded step has every host ok in JOB.
 */
function checkBatchedHosts(
  s: RunRecord['steps'][number],
  js: EmulatedJobView[],
  root: string,
  runId: string,
): string[] {
  const v: string[] = [];
  const latest = new Map<string, number>();
  for (const j of [...js].sort((a, b) => a.jobInstanceId - b.jobInstanceId))
    for (const h of j.hosts) latest.set(`${h.bk_cloud_id}:${h.ip}`, h.status);
  for (const h of s.hosts ?? []) {
    // A host JOB named unusably is recorded by a printable form, never by its name: not comparable.
    if (h.invalid) continue;
    const status = latest.get(`${h.cloud}:${h.ip}`);
    if (status === undefined) v.push(`step ${s.name}: host ${h.ip} recorded, but no job of the step ran it`);
    else if (status !== h.status && s.state !== 'detached' && s.state !== 'running')
      v.push(`step ${s.name}: host ${h.ip} recorded ${h.status}, its newest job in JOB ${status}`);
    else if (!existsSync(join(root, runId, h.log))) v.push(`step ${s.name}: log ${h.log} not saved`);
  }
  if (s.state === 'succeeded' && [...latest.values()].some((st) => st !== 9))
    v.push(`step ${s.name} recorded succeeded, but a host's newest job in JOB did not succeed`);
  return v;
}
