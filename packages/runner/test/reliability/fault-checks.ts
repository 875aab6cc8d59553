/**
 * The fault campaign's checks of JOB 3.x's answers and a hostile server, on top of `checkRun`:
 * the quota wait stays within its bound and every quota refusal is a wait or the end of the wait;
 * a late failure is "may have started"; a host JOB names unusably never becomes a path, and the
 * record still matches the emulator for every host JOB named usably.
 */

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { isHostIp } from '@runbook/core';
import type { EmulatedJobView } from '@runbook/emulator';
import type { RunEvent } from '../../src/engine/events.js';
import type { QuotaWait } from '../../src/engine/quota.js';
import type { RunRecord } from '../../src/record/types.js';
import { jobsByStep } from './invariants.js';

/** Scheduling slack on a loaded 2-core machine when measuring waits against their bound. */
const SLACK_MS = 1_500;

/**
 * The quota waits of one run: each submit's within the bound (`waitedMs + waitMs ≤ limitMs`, by the
 * events and by the clock; every batch of a rolling step is a submit of its own); every quota refusal the emulator made is a wait or the refusal that ended the
 * wait, except ones whose answer was lost (reported "may have started").
 */
export function quotaChecks(
  events: RunEvent[],
  at: number[],
  wait: Required<QuotaWait>,
  quotaInjected: number,
): string[] {
  const v: string[] = [];
  // The bound is per submit: a step's, or each batch's of a rolling step.
  const waited = new Map<string, { sum: number; clock: number; since?: number }>();
  const submitOf = (e: RunEvent): string =>
    'step' in e && e.step
      ? `step ${e.step}${'batch' in e && e.batch !== undefined ? ` batch ${e.batch}` : ''}`
      : '';
  let waits = 0;
  for (const [i, e] of events.entries()) {
    const key = submitOf(e);
    const w = waited.get(key) ?? { sum: 0, clock: 0 };
    if (e.type === 'step.waiting') {
      waits++;
      if (e.limitMs !== wait.limitMs)
        v.push(`step ${e.step} waits up to ${e.limitMs} ms, not ${wait.limitMs}`);
      if (e.waitedMs + e.waitMs > wait.limitMs)
        v.push(`step ${e.step} waits ${e.waitMs} ms after ${e.waitedMs} ms, past ${wait.limitMs} ms`);
      if (!/^12440(32|33|34)$/.test(String(e.code))) v.push(`step ${e.step} waits on code ${e.code}`);
      w.sum += e.waitMs;
      w.since = at[i]!;
      waited.set(key, w);
    } else if (e.type === 'step.submitting' && w.since !== undefined) {
      w.clock += at[i]! - w.since;
      w.since = undefined;
    }
  }
  for (const [submit, w] of waited) {
    if (w.sum > wait.limitMs) v.push(`${submit} waited ${w.sum} ms in all, past ${wait.limitMs} ms`);
    if (w.clock > wait.limitMs + SLACK_MS)
      v.push(`${submit} waited ${Math.round(w.clock)} ms by the clock, past ${wait.limitMs} ms`);
  }
  const errors = events.filter((e) => e.type === 'step.error');
  const ended = errors.filter((e) => e.error.code === 'RUNNER_QUOTA_TIMEOUT').length;
  const lost = errors.filter((e) => e.mayHaveStarted).length;
  if (waits + ended > quotaInjected)
    v.push(`${waits} quota waits and ${ended} ended waits, the emulator refused ${quotaInjected} submits`);
  if (quotaInjected - waits - ended > lost)
    v.push(`the emulator refused ${quotaInjected} submits by quota, the run saw ${waits + ended}`);
  return v;
}

/**
 * A late failure (JOB saved the job, then answered 1240002) is "may have started": the step says so
 * in its events and its record, and no step is a definite refusal instead.
 */
export function lateFailureChecks(events: RunEvent[], rec: RunRecord, lateInjected: number): string[] {
  if (lateInjected === 0) return [];
  const v: string[] = [];
  const may = events.filter((e) => e.type === 'step.error' && e.mayHaveStarted);
  if (may.length < lateInjected)
    v.push(`${lateInjected} late failure(s) (1240002), ${may.length} "may have started" report(s)`);
  if (!rec.steps.some((s) => s.state === 'may-have-started'))
    v.push('a late failure (1240002) left no step recorded may-have-started');
  return v;
}

/** checkRun's host-by-host messages, which a step whose hosts JOB named unusably cannot meet. */
const HOST_MISMATCH = /^step (\S+): (?:\d+ hosts recorded, \d+ in JOB|host \S+ missing from the record)$/;

/**
 * Replaces checkRun's host-by-host comparison for steps with hosts JOB named unusably (the record
 * cannot name them as JOB's record does): every usable recorded host is one of the job's, with its
 * status; every host of the job is recorded usably or stands behind an unusable entry, none lost.
 */
export function hostileHostChecks(
  found: string[],
  rec: RunRecord,
  jobs: EmulatedJobView[],
  runbook: string,
): string[] {
  const hostile = new Set(rec.steps.filter((s) => s.hosts?.some((h) => h.invalid)).map((s) => s.name));
  const v = found.filter((x) => !hostile.has(HOST_MISMATCH.exec(x)?.[1] ?? ''));
  const byStep = jobsByStep(jobs, runbook);
  for (const s of rec.steps) {
    // A rolling step's hosts are checked against each host's newest job by checkRun.
    if (!hostile.has(s.name) || (s as { batches?: unknown[] }).batches) continue;
    const job = (byStep.get(s.name) ?? []).find((j) => j.jobInstanceId === s.jobInstanceId);
    if (!job) continue;
    const inJob = new Map(job.hosts.map((h) => [`${h.bk_cloud_id}:${h.ip}`, h]));
    const usable = (s.hosts ?? []).filter((h) => !h.invalid);
    for (const h of usable) {
      const j = inJob.get(`${h.cloud}:${h.ip}`);
      if (!j) v.push(`step ${s.name}: recorded host ${h.cloud}:${h.ip} is not in JOB's job`);
      else if (j.status !== h.status)
        v.push(`step ${s.name}: host ${h.ip} recorded ${h.status}, JOB ${j.status}`);
    }
    const missing = job.hosts.filter((h) => !usable.some((u) => u.ip === h.ip && u.cloud === h.bk_cloud_id));
    const unusable = (s.hosts ?? []).length - usable.length;
    if (missing.length > unusable)
      v.push(`step ${s.name}: ${missing.length} of JOB's hosts missing, ${unusable} recorded as unusable`);
    if ((s.hosts ?? []).length < job.hosts.length)
      v.push(`step ${s.name}: ${(s.hosts ?? []).length} hosts recorded for JOB's ${job.hosts.length}`);
  }
  return v;
}

/** Names in the campaign folder and in the state folder `root` inside it, to find writes outside a run. */
export function snapshot(dir: string, root: string): Set<string> {
  const names = new Set(readdirSync(dir));
  const rel = relative(dir, root);
  if (existsSync(root)) for (const n of readdirSync(root)) names.add(`${rel}/${n}`);
  return names;
}

/** A run folder's files: top-level files other than logs, and logs named by a checked host or a position. */
const RUN_FILE =
  /^(?:[^/]+(?<!\.log)|logs|logs\/s\d|logs\/s\d\/(?:invalid-\d+|\d+-[0-9.]+)\.log|steps\/[0-9a-f]{16}\.json)$/;

export interface PathFacts {
  /** The campaign folder, and the state folder inside it. */
  dir: string;
  root: string;
  /** `snapshot(dir, root)` before the run. */
  before: Set<string>;
  runId: string;
  rec: RunRecord;
  /** Names the case itself wrote in `dir` (its runbook). */
  own: string[];
}

/**
 * Host identities never become paths: nothing new in the campaign folder but the run's own folder
 * (and the runbook), nothing in the run folder but its record and logs named by checked hosts or
 * positions, and each recorded host named by a usable address or logged by its position.
 */
export function pathChecks(f: PathFacts): string[] {
  const v: string[] = [];
  const rel = relative(f.dir, f.root);
  const allowed = new Set([rel, `${rel}/${f.runId}`, ...f.own]);
  for (const n of snapshot(f.dir, f.root))
    if (!f.before.has(n) && !allowed.has(n))
      v.push(`wrote ${JSON.stringify(n).slice(0, 100)} outside its run folder`);
  const runDir = join(f.root, f.runId);
  const walk = (d: string) => {
    for (const n of readdirSync(d)) {
      const full = join(d, n);
      const name = relative(runDir, full);
      if (!RUN_FILE.test(name)) v.push(`wrote ${JSON.stringify(name).slice(0, 100)} in its run folder`);
      if (statSync(full).isDirectory()) walk(full);
    }
  };
  if (existsSync(runDir)) walk(runDir);
  // The step versions (`steps/<id>.json`) are named by content: each one the record names exists.
  for (const s of f.rec.steps) {
    const id = (s as { snapshot?: string }).snapshot;
    if (id !== undefined && !existsSync(join(runDir, 'steps', `${id}.json`)))
      v.push(`step ${s.name}: its version steps/${id}.json is not in the run folder`);
  }
  for (const s of f.rec.steps)
    for (const h of s.hosts ?? [])
      if (h.invalid ? !/^logs\/s\d\/invalid-\d+\.log$/.test(h.log) : !isHostIp(h.ip))
        v.push(
          `host ${JSON.stringify(h.ip).slice(0, 60)} recorded with log ${JSON.stringify(h.log).slice(0, 60)}`,
        );
  return v;
}

/**
 * A resume of a run whose step may have started asks a person about that step before anything is
 * sent for it, and (the person declining) submits nothing for it and exits 4.
 */
export function resumeAsks(was: RunRecord, events: RunEvent[], exitCode: number): string[] {
  const step = was.steps.find((s) => s.state === 'may-have-started' || s.state === 'submitting');
  if (!step) return [];
  const v: string[] = [];
  const asked = events.findIndex(
    (e) => e.type === 'confirm.asked' && e.step === step.name && /may have started/.test(e.question),
  );
  const sent = events.findIndex((e) => e.type === 'step.submitting' && e.step === step.name);
  if (asked < 0) v.push(`step ${step.name} may have started; the resume did not ask about it`);
  if (sent >= 0) v.push(`step ${step.name} may have started; the resume submitted it after a "no"`);
  const answered = events.find((e) => e.type === 'confirm.answered' && e.step === step.name);
  if (answered && (answered.type !== 'confirm.answered' || answered.by !== 'person'))
    v.push(`step ${step.name}: the question was answered by a flag, not a person`);
  if (exitCode !== 4) v.push(`the resume declined step ${step.name} and exited ${exitCode}, not 4`);
  return v;
}

/**
 * After every case: no v3 call carried a credential in its body or query string (the emulator's
 * `GET /__emulator/credentials`, cumulative, so it must stay empty), and the run's files (record,
 * logs) do not hold the app secret.
 */
export async function credentialChecks(
  credentials: () => Promise<Record<string, number>>,
  runDir: string,
  secret: string,
): Promise<string[]> {
  const v: string[] = [];
  const inParams = await credentials();
  if (Object.keys(inParams).length > 0)
    v.push(`v3 calls carried a credential in body or query: ${JSON.stringify(inParams)}`);
  if (!existsSync(runDir)) return v;
  for (const f of readdirSync(runDir, { recursive: true, encoding: 'utf8' })) {
    const full = join(runDir, f);
    if (statSync(full).isFile() && readFileSync(full, 'utf8').includes(secret))
      v.push(`the app secret is in ${f}`);
  }
  return v;
}
