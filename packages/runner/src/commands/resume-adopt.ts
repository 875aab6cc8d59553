import type { Plan } from '../plan/types.js';
import { newRecord } from '../record/recorder.js';
import type { RunRecord, StepRecord } from '../record/types.js';
import type { ResumeReview } from './resume-changes.js';

/**
 * Makes a resumed run's record describe the runbook as it is now, once its changes are accepted: the
 * new content hash and files, the vars, each step's request and version as they will be sent, new
 * steps pending, in the runbook's order. What was there before stays: the step versions in the run
 * folder, and an entry in `resumes` listing what changed. A removed step (never one that succeeded)
 * stays in the record, skipped, saying so. `snapshots`: each planned step's version id.
 */
export function adoptRunbook(
  record: RunRecord,
  plan: Plan,
  review: ResumeReview,
  snapshots: Map<string, { id: string }>,
  at: string,
  operator: string | undefined,
): void {
  const fresh = new Map(newRecord(plan, record.endpoint, record.runbook.path).steps.map((s) => [s.name, s]));
  const before = new Map(record.steps.map((s) => [s.name, s]));
  const changed = new Set(review.changes.map((c) => c.step));
  const steps: StepRecord[] = plan.steps.map((p) => {
    const was = before.get(p.name);
    const now = fresh.get(p.name)!;
    const snapshot = snapshots.get(p.name)?.id;
    if (!was) return { ...now, ...(snapshot ? { snapshot } : {}) };
    if (changed.has(p.name)) {
      was.request = now.request;
      was.fingerprint = now.fingerprint;
    }
    // A succeeded step keeps the version it ran; an unchanged one is the same version either way.
    if (snapshot && (was.state !== 'succeeded' || was.snapshot === undefined)) was.snapshot = snapshot;
    return was;
  });
  for (const was of record.steps) {
    if (fresh.has(was.name)) continue;
    was.note = `removed from the runbook on resume at ${at} (it was ${was.state})`;
    was.state = 'skipped';
    steps.push(was);
  }
  const hashChanged = record.runbook.contentHash !== plan.contentHash;
  if (hashChanged || review.changes.length > 0) {
    record.resumes = [
      ...(record.resumes ?? []),
      {
        at,
        ...(operator ? { operator } : {}),
        runbookHash: plan.contentHash,
        previousHash: record.runbook.contentHash,
        changes: review.changes,
      },
    ];
  }
  record.runbook = {
    ...record.runbook,
    ...(plan.git.sha !== undefined ? { gitSha: plan.git.sha, dirty: plan.git.dirty ?? false } : {}),
    contentHash: plan.contentHash,
    files: plan.files,
  };
  record.vars = plan.vars;
  record.steps = steps;
}
