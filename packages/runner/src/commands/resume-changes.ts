import type { Plan, PlannedStep } from '../plan/types.js';
import type { StepSnapshot } from '../record/step-snapshots.js';
import type { ResumeChange, RunRecord, StepRecord } from '../record/types.js';

/**
 * What a `--resume` finds changed in the runbook since the run's record: the changes it may accept
 * (steps that have not succeeded, vars no succeeded step reads, new steps after them), and the ones it
 * must refuse (anything a succeeded step was, reads or depends on: it is never run again).
 */
export interface ResumeReview {
  changes: ResumeChange[];
  /** Why the resume is refused, one line each; empty when it may go on. */
  refusals: string[];
  /** The earliest step, in the new runbook, a new run should start from to take the refused changes. */
  fromStep?: string;
}

/** States in which a step's job may still be running on JOB: its version cannot change under it. */
const IN_FLIGHT = new Set(['running', 'detached', 'submitting', 'may-have-started']);

const MAX_LINES = 5;
const MAX_WIDTH = 160;

const cut = (line: string) => (line.length > MAX_WIDTH ? `${line.slice(0, MAX_WIDTH)}…` : line);
const hash = (h: string | undefined) => (h ? h.slice(0, 12) : '?');
const hostsText = (n: number) => `${n} host${n === 1 ? '' : 's'}`;

/** The first lines that differ between two texts, as `-`/`+` lines, at most MAX_LINES of each. */
export function changedLines(before: string, after: string): string[] {
  const a = before.split(/\r?\n/);
  const b = after.split(/\r?\n/);
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const removed = a.slice(start, endA);
  const added = b.slice(start, endB);
  const out = [`  at line ${start + 1}:`];
  const show = (lines: string[], sign: string) => {
    for (const l of lines.slice(0, MAX_LINES)) out.push(`  ${sign} ${cut(l)}`);
    if (lines.length > MAX_LINES) out.push(`  ${sign} … ${lines.length - MAX_LINES} more lines`);
  };
  show(removed, '-');
  show(added, '+');
  return out;
}

function listDiff(before: string[], after: string[]): string {
  const was = new Set(before);
  const now = new Set(after);
  const added = after.filter((h) => !was.has(h));
  const removed = before.filter((h) => !now.has(h));
  const few = (xs: string[]) =>
    xs.length > 6 ? `${xs.slice(0, 6).join(', ')} and ${xs.length - 6} more` : xs.join(', ');
  const parts: string[] = [];
  if (added.length) parts.push(`added ${few(added)}`);
  if (removed.length) parts.push(`removed ${few(removed)}`);
  return parts.join('; ');
}

/** What a person reads about one field of a changed step. */
function fieldDetail(
  field: string,
  was: StepRecord,
  old: StepSnapshot | undefined,
  step: PlannedStep,
  now: StepSnapshot,
): string[] {
  switch (field) {
    case 'script': {
      if (now.scriptId !== undefined || old?.scriptId !== undefined || was.request.scriptId !== undefined) {
        const before = old?.scriptId ?? was.request.scriptId;
        return [
          `script: ${before !== undefined ? `script_id ${before}` : 'inline'} → ${now.scriptId !== undefined ? `script_id ${now.scriptId}` : 'inline'}`,
        ];
      }
      const head = `script: sha256 ${hash(was.request.scriptSha256)} → ${hash(step.scriptSha256)}`;
      if (old?.script === undefined || now.script === undefined)
        return [`${head} (the earlier text is not in this run's record)`];
      return [head, ...changedLines(old.script, now.script)];
    }
    case 'params':
      return [`params: ${JSON.stringify(was.request.params ?? '')} → ${JSON.stringify(now.params ?? '')}`];
    case 'account':
      return [`account: ${was.request.account} → ${now.account}`];
    case 'timeout':
      return [`timeout: ${was.request.timeoutSec} s → ${now.timeoutSec} s`];
    case 'type':
      return [`type: ${was.request.type ?? 'none'} → ${now.type ?? 'none'}`];
    case 'targets': {
      const count = `targets: ${hostsText(was.request.hosts)}${was.request.customQueries.length ? ` + ${was.request.customQueries.length} custom queries` : ''} → ${hostsText(step.hostCount)}${step.customQueries.length ? ` + ${step.customQueries.length} custom queries` : ''}`;
      if (!old) return [count];
      const diff = [
        listDiff(old.hosts, now.hosts),
        listDiff(
          old.hostIds.map((i) => `host id ${i}`),
          now.hostIds.map((i) => `host id ${i}`),
        ),
        listDiff(
          old.customQueries.map((q) => `custom query ${q}`),
          now.customQueries.map((q) => `custom query ${q}`),
        ),
        listDiff(old.topoNodes, now.topoNodes),
      ].filter((x) => x !== '');
      return [diff.length ? `${count}: ${diff.join('; ')}` : count];
    }
    default:
      return [`${field}: changed`];
  }
}

/** Compares the record with the plan made now; `oldSnapshot` reads a step version of the run folder. */
export function reviewResume(
  record: RunRecord,
  plan: Plan,
  oldSnapshot: (step: StepRecord) => StepSnapshot | undefined,
  newSnapshot: (step: PlannedStep) => StepSnapshot,
): ResumeReview {
  const changes: ResumeChange[] = [];
  const refusals: string[] = [];
  const refusedSteps = new Set<string>();
  const recorded = new Map(record.steps.map((s) => [s.name, s]));
  const planned = new Map(plan.steps.map((s) => [s.name, s]));
  const succeeded = (name: string) => recorded.get(name)?.state === 'succeeded';
  const refuse = (step: string | undefined, line: string) => {
    refusals.push(line);
    if (step !== undefined) refusedSteps.add(step);
  };

  // Vars: a changed value is refused when a succeeded step reads it.
  const names = new Set([...Object.keys(record.vars), ...Object.keys(plan.vars)]);
  const varChange = new Map<string, string>();
  for (const name of [...names].sort()) {
    const was = record.vars[name];
    const now = plan.vars[name];
    if (was === now) continue;
    const text =
      was === undefined
        ? `var ${name} is new (${JSON.stringify(now)})`
        : now === undefined
          ? `var ${name} is no longer declared (was ${JSON.stringify(was)})`
          : `var ${name}: ${JSON.stringify(was)} → ${JSON.stringify(now)}`;
    varChange.set(name, text);
    const readers = plan.steps.filter((s) => s.vars?.includes(name));
    const done = readers.filter((s) => succeeded(s.name));
    for (const s of done) refuse(s.name, `${text}; step ${s.name} reads it and already succeeded`);
    if (readers.length === 0) changes.push({ step: '', fields: [`vars.${name}`], detail: [text] });
  }

  for (const step of plan.steps) {
    const was = recorded.get(step.name);
    if (!was) {
      const n = newSnapshot(step);
      changes.push({
        step: step.name,
        fields: ['new'],
        detail: [
          `new step: ${hostsText(step.hostCount)}${step.customQueries.length ? ` + ${step.customQueries.length} custom queries` : ''}, ${n.scriptId !== undefined ? `script_id ${n.scriptId}` : `script sha256 ${hash(step.scriptSha256)}`}`,
        ],
      });
      continue;
    }
    const fields = [...new Set([...Object.keys(step.fingerprint), ...Object.keys(was.fingerprint)])].filter(
      (k) => was.fingerprint[k] !== step.fingerprint[k],
    );
    const readVars = (step.vars ?? []).filter((v) => varChange.has(v)).map((v) => `vars.${v}`);
    if (fields.length === 0 && readVars.length === 0) continue;
    if (was.state === 'succeeded') {
      if (fields.length)
        refuse(step.name, `step ${step.name} already succeeded and changed: ${fields.join(', ')}`);
      continue;
    }
    if (IN_FLIGHT.has(was.state)) {
      refuse(
        undefined,
        `step ${step.name} changed (${[...fields, ...readVars].join(', ')}) while its job${was.jobInstanceId !== undefined ? ` ${was.jobInstanceId}` : ''} from the earlier run may still be running the earlier version`,
      );
      continue;
    }
    const now = newSnapshot(step);
    const old = oldSnapshot(was);
    changes.push({
      step: step.name,
      fields: [...fields, ...readVars],
      detail: [
        ...fields.flatMap((f) => fieldDetail(f, was, old, step, now)),
        ...readVars.map((v) => varChange.get(v.slice(5))!),
      ],
    });
  }

  for (const was of record.steps) {
    if (planned.has(was.name)) continue;
    if (was.state === 'succeeded') refuse(was.name, `step ${was.name} already succeeded and was removed`);
    else if (IN_FLIGHT.has(was.state))
      refuse(
        undefined,
        `step ${was.name} was removed while its job${was.jobInstanceId !== undefined ? ` ${was.jobInstanceId}` : ''} from the earlier run may still be running`,
      );
    else
      changes.push({
        step: was.name,
        fields: ['removed'],
        detail: [`removed from the runbook (it was ${was.state}); it will not run`],
      });
  }

  // Order: a step that will still run keeps the succeeded steps before it that it had; a new step
  // comes after every succeeded step, which ran before it could.
  const doneBefore = (names: string[], i: number) =>
    names
      .slice(0, i)
      .filter((n) => succeeded(n) && planned.has(n))
      .join(',');
  const oldOrder = record.steps.map((s) => s.name);
  const newOrder = plan.steps.map((s) => s.name);
  for (const [i, name] of newOrder.entries()) {
    if (succeeded(name)) continue;
    const laterDone = newOrder.slice(i + 1).find((n) => succeeded(n));
    const oldIndex = oldOrder.indexOf(name);
    if (oldIndex < 0) {
      if (laterDone !== undefined)
        refuse(laterDone, `new step ${name} comes before step ${laterDone}, which already succeeded`);
    } else if (doneBefore(oldOrder, oldIndex) !== doneBefore(newOrder, i)) {
      refuse(
        laterDone ?? name,
        `step ${name} moved past a step that already succeeded${laterDone ? ` (${laterDone})` : ''}`,
      );
    }
  }

  const fromStep = plan.steps.find((s) => refusedSteps.has(s.name))?.name;
  return { changes, refusals, ...(fromStep !== undefined ? { fromStep } : {}) };
}
