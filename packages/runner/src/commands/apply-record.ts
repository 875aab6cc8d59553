import { resolve } from 'node:path';
import type { EndpointInfo } from '../endpoint.js';
import type { Plan } from '../plan/types.js';
import { jobWebUrlOf } from '../record/operator.js';
import { newRecord } from '../record/recorder.js';
import type { prepareSnapshots } from '../record/step-snapshots.js';
import type { RunRecord } from '../record/types.js';

/**
 * The record a run starts from: a new one, or the resumed run's own, marked running by this process
 * on this endpoint. Who runs it and JOB's web address are masked like everything the record keeps
 * (a user name that is also a secret stays hidden). A resume adds one `resumes` entry, for the
 * report, unless the review of a changed runbook added it already.
 */
export function startingRecord(options: {
  previous?: RunRecord;
  /** Entries of `resumes` before this resume's checks. */
  resumesBefore: number;
  plan: Plan;
  endpoint: EndpointInfo;
  file: string;
  snapshots: ReturnType<typeof prepareSnapshots>;
  env: NodeJS.ProcessEnv;
  mask: (text: string) => string;
  /** Who runs it, masked (`operatorOf`). */
  operator: string | undefined;
}): RunRecord {
  const { previous, plan, endpoint, snapshots, mask } = options;
  const record = previous ?? newRecord(plan, endpoint, resolve(options.file));
  if (!previous)
    for (const s of record.steps) {
      const id = snapshots.get(s.name)?.id;
      if (id) s.snapshot = id;
    }
  record.state = 'running';
  record.pid = process.pid;
  record.endpoint = { url: endpoint.url, local: endpoint.local, transport: endpoint.transport };
  const masked = (text: string | undefined) => (text === undefined ? undefined : mask(text));
  const { operator } = options;
  const jobWebUrl = masked(jobWebUrlOf(options.env));
  if (jobWebUrl !== undefined) record.jobWebUrl = jobWebUrl;
  if (!previous) {
    if (operator !== undefined) record.operator = operator;
    return record;
  }
  const at = new Date().toISOString();
  record.resumedAt = [...(previous.resumedAt ?? []), at];
  if ((record.resumes?.length ?? 0) === options.resumesBefore) {
    record.resumes = [
      ...(record.resumes ?? []),
      { at, ...(operator ? { operator } : {}), runbookHash: plan.contentHash, changes: [] },
    ];
  }
  delete record.finishedAt;
  return record;
}
