import { didYouMean, shortWord } from '../cli/suggest.js';
import { RunnerError } from '../errors.js';
import { hostKeys } from '../plan/step-batches.js';
import type { Plan, PlannedStep } from '../plan/types.js';
import type { HostRecord, RunRecord, StepRecord } from '../record/types.js';
import { hostSucceeded } from './counts.js';
import type { StepDirective } from './execute.js';

function unknownStep(plan: Plan, flag: string, name: string): RunnerError {
  const names = plan.steps.map((s) => s.name);
  const near = didYouMean(name, names, (n) => `${flag} ${n}`);
  return new RunnerError(
    'RUNNER_UNKNOWN_STEP',
    `${flag} ${shortWord(name)}: no such step${near ? `${near} The` : '; the'} steps are ${names.join(', ')}`,
    2,
  );
}

/** Directives for `--only NAME…` and `--from-step NAME`: every other step is skipped, saying why. */
export function selectSteps(
  plan: Plan,
  only: string[] | undefined,
  fromStep: string | undefined,
): Record<string, StepDirective> {
  const names = new Set(plan.steps.map((s) => s.name));
  for (const n of only ?? []) if (!names.has(n)) throw unknownStep(plan, '--only', n);
  if (fromStep !== undefined && !names.has(fromStep)) throw unknownStep(plan, '--from-step', fromStep);
  const out: Record<string, StepDirective> = {};
  const fromIndex = fromStep === undefined ? 0 : plan.steps.findIndex((s) => s.name === fromStep);
  for (const [i, s] of plan.steps.entries()) {
    if (i < fromIndex) out[s.name] = { action: 'skip', reason: `before --from-step ${fromStep}` };
    else if (only && only.length > 0 && !only.includes(s.name))
      out[s.name] = { action: 'skip', reason: 'not selected by --only' };
  }
  return out;
}

/** What changed between the run's record and the plan made now; empty when nothing did. */
export function planChanges(record: RunRecord, plan: Plan): string[] {
  const changes: string[] = [];
  const before = record.runbook.files;
  for (const [f, h] of Object.entries(plan.files)) {
    if (before[f] === undefined) changes.push(`${f} is new to the runbook`);
    else if (before[f] !== h) changes.push(`${f} changed`);
  }
  for (const f of Object.keys(before))
    if (plan.files[f] === undefined) changes.push(`${f} is no longer used`);
  for (const [k, v] of Object.entries(plan.vars)) {
    if (!Object.hasOwn(record.vars, k)) changes.push(`var ${k} is new`);
    else if (record.vars[k] !== v)
      changes.push(`var ${k} was ${JSON.stringify(record.vars[k])}, now ${JSON.stringify(v)}`);
  }
  const recorded = new Map(record.steps.map((s) => [s.name, s]));
  for (const s of plan.steps) {
    const r = recorded.get(s.name);
    if (!r) {
      changes.push(`step ${s.name} is new`);
      continue;
    }
    const fields = Object.keys(s.fingerprint).filter((k) => r.fingerprint[k] !== s.fingerprint[k]);
    if (fields.length) changes.push(`step ${s.name}: ${fields.join(', ')} changed`);
  }
  for (const r of record.steps)
    if (!plan.steps.some((s) => s.name === r.name)) changes.push(`step ${r.name} was removed`);
  const order = (xs: Array<{ name: string }>) => xs.map((x) => x.name).join(',');
  if (changes.length === 0 && order(record.steps) !== order(plan.steps))
    changes.push('the order of the steps changed');
  return changes;
}

/** The key a recorded host stands for among the step's keys: `id:N` when the step names it by id. */
function recordedKey(h: HostRecord, idKeys: ReadonlySet<string>): string {
  if (h.hostId !== undefined && idKeys.has(`id:${h.hostId}`)) return `id:${h.hostId}`;
  return `${h.cloud}:${h.ip}`;
}

export interface ResumeOptions {
  /** `--rerun-all-hosts`: a step that did not succeed runs again on all its hosts. */
  rerunAllHosts?: boolean;
}

/**
 * Directives that continue a recorded run: succeeded steps are skipped, a job that was still running
 * is followed again (never resubmitted), and a submit whose answer was lost is asked about. A step
 * that failed, partly failed or was interrupted runs again only on its hosts that did not succeed
 * (failed, never ran, batches not started), in the same batch sizes, unless `rerunAllHosts`.
 * `sameServer` is false when the jobs of the record cannot be reached (the embedded emulator is gone).
 */
export function resumeDirectives(
  record: RunRecord,
  sameServer: boolean,
  plan?: Plan,
  options: ResumeOptions = {},
): Record<string, StepDirective> {
  const out: Record<string, StepDirective> = {};
  for (const s of record.steps) {
    if (s.state === 'succeeded') {
      out[s.name] = { action: 'skip', reason: `succeeded in run ${record.runId}` };
      continue;
    }
    const p = plan?.steps.find((x) => x.name === s.name);
    const left = p ? hostsLeft(s, p, options.rerunAllHosts === true) : undefined;
    const more = {
      ...(left?.hosts?.length ? { hosts: left.hosts } : {}),
      ...(s.batches?.length ? { firstBatch: s.batches.length + 1 } : {}),
    };
    // Batches run one after another: only the last one can still run, or have been left unsure.
    const last = s.batches?.at(-1);
    const open = s.batches
      ? last && (last.state === 'running' || last.state === 'detached')
        ? last
        : undefined
      : (s.state === 'running' || s.state === 'detached') && s.jobInstanceId !== undefined
        ? {
            jobInstanceId: s.jobInstanceId,
            jobInstanceName: s.jobInstanceName,
            index: undefined,
            hosts: undefined,
          }
        : undefined;
    const unsure = s.batches
      ? last?.state === 'submitting' || last?.state === 'may-have-started'
      : s.state === 'submitting' || s.state === 'may-have-started';
    if (open?.jobInstanceId !== undefined) {
      out[s.name] = sameServer
        ? {
            action: 'reattach',
            jobInstanceId: open.jobInstanceId,
            ...(open.jobInstanceName ? { jobInstanceName: open.jobInstanceName } : {}),
            ...(open.index !== undefined ? { batch: open.index, batchHosts: open.hosts ?? [] } : {}),
            // The hosts run after the job is followed hold hosts an earlier batch's answer named
            // unusably: a person decides first, as when no batch is open.
            ...(left?.unsure ? { reason: unnamedReason(s.name, left.unsure.length) } : {}),
            ...more,
          }
        : {
            action: 'ask',
            reason: `Step ${s.name} was running as job ${open.jobInstanceId} in the embedded emulator of the earlier run, which stopped with it; its outcome is unknown.`,
            ...(left?.withOpen ? { hosts: left.withOpen } : {}),
            ...(s.batches?.length ? { firstBatch: s.batches.length + 1 } : {}),
          };
    } else if (unsure || left?.unsure) {
      // Both can hold (a batch's submit lost after an earlier batch's unusable answer): the question
      // says both, the job that may have started first.
      const reasons = [
        ...(unsure
          ? [
              `Step ${s.name} was being submitted when the earlier run stopped, and JOB's answer never came: a job "${s.request.taskName}" may have started.`,
            ]
          : []),
        ...(left?.unsure ? [unnamedReason(s.name, left.unsure.length)] : []),
      ];
      out[s.name] = { action: 'ask', reason: `${reasons.join(' ')} Check JOB first.`, ...more };
    } else if (left?.hosts?.length === 0 && s.batches?.length) {
      out[s.name] = { action: 'skip', reason: `every host succeeded in run ${record.runId}` };
    } else if (left?.hosts || s.batches?.length) {
      out[s.name] = { action: 'run', ...more };
    }
  }
  return out;
}

/** Why hosts an answer named unusably are asked about before they run again. */
function unnamedReason(step: string, count: number): string {
  return `JOB's answer for step ${step} named ${count} of its hosts unusably and not all of those succeeded: which of them failed is unknown, and running them again could run the script twice where it succeeded.`;
}

/**
 * The hosts of a step still to run: its keys less those that succeeded and those of the batch still
 * running (followed again instead). `hosts` undefined: the whole step, as planned. `withOpen`: the
 * same with the running batch's hosts, for when that job cannot be followed.
 */
function hostsLeft(
  s: StepRecord,
  p: PlannedStep,
  rerunAll: boolean,
): { hosts?: string[]; withOpen?: string[]; unsure?: string[] } {
  // JOB resolves these targets: the runner cannot name a subset of them.
  if (p.customQueries.length > 0 || p.topoNodes.length > 0) return {};
  const all = hostKeys(p);
  const idKeys = new Set(all.filter((k) => k.startsWith('id:')));
  const done = rerunAll
    ? new Set<string>()
    : new Set((s.hosts ?? []).filter((h) => hostSucceeded(h.status)).map((h) => recordedKey(h, idKeys)));
  const unnamed = rerunAll ? { done: [], unsure: [] } : unnamedHosts(s, all, idKeys);
  for (const k of unnamed.done) done.add(k);
  const last = s.batches?.at(-1);
  const open = new Set(last && (last.state === 'running' || last.state === 'detached') ? last.hosts : []);
  const withOpen = all.filter((k) => !done.has(k));
  const hosts = withOpen.filter((k) => !open.has(k));
  // A host that succeeded in a later job (a rerun) is known, whatever an earlier answer said.
  const unsure = unnamed.unsure.filter((k) => !open.has(k) && !done.has(k));
  // Nothing succeeded and nothing runs: the step runs again as planned (its batches as planned).
  if (done.size === 0 && open.size === 0 && unsure.length === 0) return {};
  return { hosts, withOpen, ...(unsure.length ? { unsure } : {}) };
}

/**
 * Hosts JOB ran but named unusably in its answer (`invalid` results) cannot be matched to the hosts
 * that were sent. Job by job (each batch, or the step's job), the hosts sent without a matched result
 * stand for those results: when every one of them succeeded, so did these hosts (`done`); when one
 * failed, which of these hosts it was is unknown (`unsure`), and running them again could run a
 * script twice on a host where it succeeded.
 */
function unnamedHosts(
  s: StepRecord,
  all: string[],
  idKeys: ReadonlySet<string>,
): { done: string[]; unsure: string[] } {
  const out = { done: [] as string[], unsure: [] as string[] };
  // Results by batch in one pass: a 50,000-host step may have hundreds of batches.
  const byBatch = new Map<number | undefined, HostRecord[]>();
  for (const h of s.hosts ?? []) {
    const list = byBatch.get(h.batch);
    if (list) list.push(h);
    else byBatch.set(h.batch, [h]);
  }
  const jobs = s.batches
    ? s.batches.map((b) => ({ sent: b.hosts, results: byBatch.get(b.index) ?? [] }))
    : [{ sent: all, results: s.hosts ?? [] }];
  for (const { sent, results } of jobs) {
    const invalid = results.filter((h) => h.invalid !== undefined);
    if (invalid.length === 0) continue;
    const named = new Set(results.filter((h) => h.invalid === undefined).map((h) => recordedKey(h, idKeys)));
    const missing = sent.filter((k) => !named.has(k));
    if (invalid.every((h) => hostSucceeded(h.status)) && invalid.length >= missing.length)
      out.done.push(...missing);
    else out.unsure.push(...missing);
  }
  return out;
}
