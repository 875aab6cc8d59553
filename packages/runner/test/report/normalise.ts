import type { ReportRecord } from '../../src/report/record-view.js';

const T0 = Date.parse('2026-12-01T02:00:00.000Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();

/**
 * A record with everything that differs between two runs of one test replaced by what it stands
 * for, so that its report can be a snapshot: the run id, the temporary folder, the emulator's port,
 * the content hash, and every time. Times are placed by structure (step i from 100·i s, batch j of
 * it 10·j s later, a resume just before the first batch or step that started after it), so that bars,
 * durations and the time axis keep their order and never depend on how fast the machine was.
 */
export function normalise(record: ReportRecord, tempDir: string): ReportRecord {
  const text = JSON.stringify(record)
    .split(record.runId)
    .join('20261201-020000-abcdef')
    .split(tempDir)
    .join('/work/ops')
    .replace(/http:\/\/127\.0\.0\.1:\d+/g, 'http://127.0.0.1:PORT');
  const r = JSON.parse(text) as ReportRecord;
  r.runbook.contentHash = 'c'.repeat(64);
  r.runbook.files = Object.fromEntries(Object.keys(r.runbook.files).map((k) => [k, 'c'.repeat(64)]));
  delete r.pid;
  r.createdAt = at(0);
  const resumes = (record.resumes ?? []).map((x) => x.at);
  // A resume sits just before the first batch, or else step, that started after it.
  const resumeAt = (original: string) => {
    for (const [i, s] of record.steps.entries()) {
      const j = (s.batches ?? []).findIndex((b) => (b.submittedAt ?? '') >= original);
      if (j >= 0) return at(100 * i + 10 * j + 1);
      if (!s.batches?.length && (s.startedAt ?? s.submittedAt ?? '') >= original) return at(100 * i);
    }
    return at(100 * record.steps.length + 20);
  };
  if (r.resumes) r.resumes = r.resumes.map((x, k) => ({ ...x, at: resumeAt(resumes[k]!) }));
  if (r.resumedAt) r.resumedAt = (record.resumedAt ?? []).map(resumeAt);
  r.steps.forEach((s, i) => {
    const base = 100 * i;
    if (s.startedAt !== undefined) s.startedAt = at(base + 1);
    if (s.submittedAt !== undefined) s.submittedAt = at(base + 1);
    if (s.finishedAt !== undefined) s.finishedAt = at(base + 9 + 10 * (s.batches?.length ?? 0));
    // Earlier attempts (a resume ran the step again) ran in the step's own place, before its latest.
    s.attempts?.forEach((a) => {
      if (a.startedAt !== undefined) a.startedAt = at(base + 1);
      if (a.submittedAt !== undefined) a.submittedAt = at(base + 1);
      if (a.finishedAt !== undefined) a.finishedAt = at(base + 5);
    });
    s.batches?.forEach((b, j) => {
      if (b.submittedAt !== undefined) b.submittedAt = at(base + 10 * j + 2);
      if (b.finishedAt !== undefined) b.finishedAt = at(base + 10 * j + 8);
    });
  });
  const end = at(100 * r.steps.length + 50);
  r.updatedAt = end;
  if (r.finishedAt !== undefined) r.finishedAt = end;
  return r;
}
