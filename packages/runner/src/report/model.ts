import { impliedScopeType } from '@runbook/schema';
import { jobWebUrl } from '../render/job-link.js';
import { transportName } from '../transport.js';
import { type BatchRow, batchRows } from './batches.js';
import { hostKey, hostList } from './host-list.js';
import type { ReportRecord, ReportStep } from './record-view.js';
import { reproduceLines, shellWord } from './reproduce.js';
import {
  type FailedGroup,
  failedGroups,
  type HostTotals,
  hostTotals,
  type OutputValue,
  outputsSet,
} from './step-hosts.js';
import { buildTimeline, type Timeline } from './timeline-model.js';
import { between, num, plural, runWords, stepWords, type Tone } from './words.js';

/** Everything a report shows, built from the record alone; md.ts and html.ts only lay it out. */
export interface ReportModel {
  runId: string;
  runbook: { name: string; path: string; gitSha?: string; dirty?: boolean };
  operator?: string;
  endpoint: { url: string; local: boolean; transport: string };
  scope: string;
  startedAt: string;
  finishedAt?: string;
  durationMs?: number;
  result: { state: string; words: string; tone: Tone; exitCode?: number; reason?: string };
  /** `--limit` hosts, folded, when the run had one. */
  limit?: string;
  steps: StepModel[];
  resumes: Array<{
    at: string;
    operator?: string;
    changes: Array<{ step: string; fields: string[]; detail: string[] }>;
  }>;
  reproduce: string[];
  timeline: Timeline;
}

export interface JobRef {
  id: number;
  url?: string;
  batch?: string;
}

export interface StepModel {
  index: number;
  name: string;
  state: string;
  words: string;
  tone: Tone;
  note?: string;
  error?: string;
  startedAt?: string;
  finishedAt?: string;
  durationMs?: number;
  hosts: HostTotals;
  jobs: JobRef[];
  /** The rolling rule as written, with the failures allowed. */
  rolling?: string;
  batches: { rows: BatchRow[]; total: number; left: number };
  /** Earlier attempts (a resume ran the step again), oldest first; the fields above are the latest's. */
  attempts: AttemptModel[];
  failed: { groups: FailedGroup[]; left: { groups: number; hosts: number } };
  outputs: { values: OutputValue[]; left: number };
  /** The command that prints all of the step's logs. */
  logsCommand: string;
}

export interface AttemptModel {
  n: number;
  words: string;
  tone: Tone;
  jobs: JobRef[];
  startedAt?: string;
  /** `3 ok, 2 failed`: what JOB counted then. */
  counts?: string;
  /** The hosts this attempt's results were replaced for (run again), folded. */
  rerun?: string;
  rerunCount: number;
}

export interface ModelOptions {
  /** A saved host log by its path in the run folder; '' when it cannot be read. */
  readLog: (rel: string, range?: [number, number]) => string;
  /** JOB's web address when the record has none (`BK_JOB_WEB_URL` of the report's environment). */
  jobWebUrl?: string;
}

export function buildModel(record: ReportRecord, options: ModelOptions): ReportModel {
  const web = safeWebUrl(record.jobWebUrl ?? options.jobWebUrl);
  const scope = record.scope ?? { type: impliedScopeType(record.biz), id: record.biz };
  const link = (id: number) => (web ? jobWebUrl(web, scope, id) : undefined);
  const finishedAt = record.state === 'running' ? undefined : record.finishedAt;
  const run = runWords(record.state);
  const steps = record.steps.map((s, i) => stepModel(record.runId, s, i, link, options.readLog));
  return {
    runId: record.runId,
    runbook: {
      name: record.runbook.name,
      path: record.runbook.path,
      ...(record.runbook.gitSha !== undefined ? { gitSha: record.runbook.gitSha } : {}),
      ...(record.runbook.dirty !== undefined ? { dirty: record.runbook.dirty } : {}),
    },
    ...(record.operator !== undefined ? { operator: record.operator } : {}),
    endpoint: {
      url: record.endpoint.url,
      local: record.endpoint.local,
      transport: transportName(record.endpoint.transport ?? 'v2'),
    },
    scope: `${scope.type === 'biz_set' ? 'business set' : 'business'} ${scope.id}`,
    startedAt: record.createdAt,
    ...(finishedAt !== undefined ? { finishedAt, durationMs: between(record.createdAt, finishedAt) } : {}),
    result: {
      state: record.state,
      words: run.words,
      tone: run.tone,
      ...(record.exitCode !== undefined ? { exitCode: record.exitCode } : {}),
      ...(record.reason !== undefined ? { reason: record.reason } : {}),
    },
    ...(record.limit?.length ? { limit: hostList(record.limit) } : {}),
    steps,
    resumes: resumesOf(record),
    reproduce: reproduceLines(record),
    timeline: buildTimeline(record, steps),
  };
}

function stepModel(
  runId: string,
  s: ReportStep,
  i: number,
  link: (id: number) => string | undefined,
  readLog: (rel: string, range?: [number, number]) => string,
): StepModel {
  const { words, tone } = stepWords(s.state, s.ignored === true);
  const startedAt = s.startedAt ?? s.submittedAt;
  const batches = batchRows(s);
  // A rolling step's batches table lists every attempt's jobs already.
  const attempts = (s.attempts ?? []).map((a, k) => attemptModel(a, k + 1, link, batches.total === 0));
  // Every job of the step: the batches' (they keep every attempt's), else each attempt's and the latest.
  const jobs: JobRef[] =
    batches.total > 0
      ? batches.rows.flatMap((b) => b.jobs.map((id) => ({ id, batch: b.label, ...urlOf(link(id)) })))
      : [
          ...attempts.flatMap((a) => a.jobs),
          ...(s.jobInstanceId !== undefined
            ? [{ id: s.jobInstanceId, ...urlOf(link(s.jobInstanceId)) }]
            : []),
        ];
  return {
    index: i + 1,
    name: s.name,
    state: s.state,
    words,
    tone,
    ...(s.note ? { note: s.note } : {}),
    ...(s.error ? { error: `${s.error.message}${s.error.hint ? ` (${s.error.hint})` : ''}` } : {}),
    ...(startedAt !== undefined ? { startedAt } : {}),
    ...(s.finishedAt !== undefined ? { finishedAt: s.finishedAt } : {}),
    ...(between(startedAt, s.finishedAt) !== undefined
      ? { durationMs: between(startedAt, s.finishedAt) }
      : {}),
    hosts: hostTotals(s),
    jobs,
    ...(s.rolling
      ? {
          rolling: `${s.rolling.expr}, at most ${s.rolling.maxFailText} failed (${plural(s.rolling.maxFail, 'host')})`,
        }
      : {}),
    batches,
    attempts,
    failed: failedGroups(s, readLog),
    outputs: outputsSet(s),
    logsCommand: `runbook logs ${runId} --step ${shellWord(s.name)}`,
  };
}

const urlOf = (url: string | undefined) => (url ? { url } : {});

function attemptModel(
  a: NonNullable<ReportStep['attempts']>[number],
  n: number,
  link: (id: number) => string | undefined,
  withJob: boolean,
): AttemptModel {
  const { words, tone } = stepWords(a.state);
  const startedAt = a.startedAt ?? a.submittedAt;
  const c = a.counts;
  const rerun = (a.hosts ?? []).map(hostKey);
  return {
    n,
    words,
    tone,
    jobs:
      withJob && a.jobInstanceId !== undefined
        ? [{ id: a.jobInstanceId, ...urlOf(link(a.jobInstanceId)) }]
        : [],
    ...(startedAt !== undefined ? { startedAt } : {}),
    ...(c ? { counts: `${num(c.succeeded)} ok, ${num(c.failed + c.agentError)} failed` } : {}),
    ...(rerun.length ? { rerun: hostList(rerun) } : {}),
    rerunCount: rerun.length,
  };
}

/** Only http(s) addresses become links: a `javascript:` base must never reach an href. */
function safeWebUrl(url: string | undefined): string | undefined {
  return url && /^https?:\/\/[^\s"'<>]+$/i.test(url) ? url : undefined;
}

/** Resumes as the record tells them: `resumes` (who, what changed), else the older `resumedAt` times. */
function resumesOf(record: ReportRecord): ReportModel['resumes'] {
  if (record.resumes?.length) {
    return record.resumes.map((r) => ({
      at: r.at,
      ...(r.operator !== undefined ? { operator: r.operator } : {}),
      changes: r.changes,
    }));
  }
  return (record.resumedAt ?? []).map((at) => ({ at, changes: [] }));
}
