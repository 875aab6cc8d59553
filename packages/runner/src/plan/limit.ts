import { readFileSync, statSync } from 'node:fs';
import { closest, isCmdbId, MAX_CMDB_ID, parseHostEntry } from '@runbook/schema';
import { rollingBatches } from './rolling.js';
import { hostKeys, plannedRolling } from './step-batches.js';
import type { Plan, PlannedStep } from './types.js';

/** One host of `--limit` as written, and where: `--limit` or `FILE:LINE` of an `@FILE`. */
export interface LimitEntry {
  text: string;
  from: string;
}

/** A `--limit` that cannot be used; the message says which host or file and why (exit 2). */
export class LimitError extends Error {}

/** The steps `--only` and `--from-step` leave out (unknown names are the selection's own error). */
export function unselected(
  plan: Plan,
  only: string[] | undefined,
  fromStep: string | undefined,
): Set<string> {
  const names = plan.steps.map((s) => s.name);
  const from = fromStep === undefined ? 0 : Math.max(0, names.indexOf(fromStep));
  return new Set(
    names.filter((n, i) => i < from || (only !== undefined && only.length > 0 && !only.includes(n))),
  );
}

/** The largest `@FILE` read: far above 50,000 hosts a line, far below what would stall a run. */
export const LIMIT_FILE_MAX_BYTES = 16 * 1024 * 1024;

export const SKIP_REASON = 'no host of --limit';

/**
 * The hosts of every `--limit` value: `HOST[,HOST...]`, or `@FILE` with one host a line (`#` starts a
 * comment, blank lines are skipped). A value or file with no host at all is refused: an empty limit
 * must never mean "every host".
 */
export function readLimitArgs(values: string[], read = (p: string) => readFileSync(p, 'utf8')): LimitEntry[] {
  const out: LimitEntry[] = [];
  for (const value of values) {
    if (value.startsWith('@')) {
      const path = value.slice(1);
      if (path === '') throw new LimitError('--limit @: give a file after @, e.g. --limit @hosts.txt');
      let text: string;
      try {
        if (statSync(path).size > LIMIT_FILE_MAX_BYTES)
          throw new LimitError(
            `--limit @${path}: the file is larger than ${LIMIT_FILE_MAX_BYTES / 1024 / 1024} MiB; a limit names at most the hosts of a run`,
          );
        text = read(path);
      } catch (err) {
        if (err instanceof LimitError) throw err;
        const code = (err as NodeJS.ErrnoException).code;
        const why =
          code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : (err as Error).message;
        throw new LimitError(`--limit @${path}: cannot read it: ${why}`);
      }
      const before = out.length;
      text.split(/\r?\n/).forEach((line, i) => {
        const host = line.replace(/#.*$/, '').trim();
        if (host !== '') out.push({ text: host, from: `${path}:${i + 1}` });
      });
      if (out.length === before)
        throw new LimitError(`--limit @${path}: the file names no host (one host a line, # for comments)`);
    } else {
      const hosts = value
        .split(',')
        .map((h) => h.trim())
        .filter((h) => h !== '');
      if (hosts.length === 0)
        throw new LimitError(
          `--limit ${JSON.stringify(value)}: give at least one host, e.g. --limit 10.0.0.1,10.0.0.2`,
        );
      for (const h of hosts) out.push({ text: h, from: '--limit' });
    }
  }
  return out;
}

/**
 * Host keys of the entries, first-seen order: `CLOUD:IP` (a bare IP takes `defaults.cloud`, as in the
 * runbook's `hosts`) and `id:N` (a CMDB host id).
 */
export function limitKeys(entries: LimitEntry[], defaultCloud: number): string[] {
  const keys = new Set<string>();
  for (const { text, from } of entries) {
    const where = from === '--limit' ? `--limit ${text}` : `--limit @${from}: ${text}`;
    const id = /^id:(.*)$/i.exec(text);
    if (id) {
      const n = /^[0-9]{1,15}$/.test(id[1]!) ? Number(id[1]) : Number.NaN;
      if (!text.startsWith('id:') || !isCmdbId(n))
        throw new LimitError(`${where}: a host id is id:N with N from 1 to ${MAX_CMDB_ID}, e.g. id:101`);
      keys.add(`id:${n}`);
      continue;
    }
    const parsed = parseHostEntry(text, defaultCloud);
    if (!('ip' in parsed)) {
      const why = 'error' in parsed ? `${parsed.error}; ` : '';
      throw new LimitError(`${where}: ${why}a limit host is an IP, CLOUD:IP or id:N (host id)`);
    }
    keys.add(`${parsed.cloud}:${parsed.ip}`);
  }
  return [...keys];
}

export interface LimitProblem {
  step: PlannedStep;
  message: string;
}

/**
 * The plan with every step narrowed to its hosts in `keys` (requests, counts, batches, `max_fail`
 * percentages): a step left with none gets `skipReason`. A step whose targets JOB resolves cannot be
 * narrowed (a problem, exit 2) unless it does not run (`notRun`: `--only`, `--from-step`); a limit host
 * no step targets is a warning.
 */
export function applyLimit(
  plan: Plan,
  keys: string[],
  notRun: ReadonlySet<string> = new Set(),
): { plan: Plan; problems: LimitProblem[]; warnings: string[] } {
  const wanted = new Set(keys);
  const targeted = new Set<string>();
  const problems: LimitProblem[] = [];
  const steps = plan.steps.map((step) => {
    const all = hostKeys(step);
    for (const k of all) targeted.add(k);
    const resolvedByJob = [
      ...step.customQueries.map((q) => `custom query ${q}`),
      ...step.topoNodes.map((n) => `topology node ${n}`),
    ];
    if (resolvedByJob.length > 0) {
      if (notRun.has(step.name)) return step;
      problems.push({
        step,
        message: `step "${step.name}" targets ${resolvedByJob.slice(0, 3).join(', ')}${resolvedByJob.length > 3 ? ', …' : ''}, whose hosts JOB resolves only when the job starts, so --limit cannot narrow it: list its hosts in hosts:, or run without --limit (nothing was sent)`,
      });
      return step;
    }
    return narrow(step, all, wanted);
  });
  if (problems.length === 0 && !steps.some((s) => s.skipReason === undefined && !notRun.has(s.name))) {
    throw new LimitError(
      `--limit names no host of any step (${keys.slice(0, 3).join(', ')}${keys.length > 3 ? ', …' : ''}): nothing would run${suggestion(keys, targeted)}`,
    );
  }
  const unknown = keys.filter((k) => !targeted.has(k));
  const warnings = unknown.slice(0, 5).map((k) => {
    const near = closest(k, targeted);
    return `--limit ${k}: no step targets this host${near ? `; did you mean ${near}?` : ''}`;
  });
  if (unknown.length > 5) warnings.push(`--limit: ${unknown.length - 5} more hosts no step targets`);
  return { plan: { ...plan, steps, limit: keys }, problems, warnings };
}

function suggestion(keys: string[], targeted: Set<string>): string {
  const near = keys.map((k) => closest(k, targeted)).find((c) => c !== undefined);
  return near ? `; did you mean ${near}?` : '';
}

function narrow(step: PlannedStep, all: string[], wanted: Set<string>): PlannedStep {
  const kept = all.filter((k) => wanted.has(k));
  if (kept.length === all.length) return step;
  const hosts = step.hosts.filter((h) => wanted.has(h));
  const hostIds = step.hostIds.filter((id) => wanted.has(`id:${id}`));
  const { ip_list, host_id_list, ...rest } = step.request;
  const request = {
    ...rest,
    ...(ip_list ? { ip_list: ip_list.filter((t) => wanted.has(`${t.bk_cloud_id}:${t.ip}`)) } : {}),
    ...(host_id_list ? { host_id_list: host_id_list.filter((id) => wanted.has(`id:${id}`)) } : {}),
  };
  const narrowed: PlannedStep = { ...step, request, hosts, hostIds, hostCount: kept.length };
  if (kept.length === 0) return { ...narrowed, batches: [], skipReason: SKIP_REASON };
  if (!step.rolling) return { ...narrowed, batches: [kept] };
  // Percentages (of batches and of max_fail) are taken of the hosts the step runs on.
  const rolling = plannedRolling(
    {
      batch: step.rolling.expr,
      max_fail: step.rolling.maxFailText,
      pause: `${step.rolling.pauseMs / 1000}`,
      confirm: step.rolling.confirm,
    },
    kept.length,
  );
  return { ...narrowed, rolling, batches: rollingBatches(rolling.expr, kept) };
}

/**
 * Why a `--resume` cannot take this `--limit`, or undefined: a resumed run keeps its recorded limit,
 * and a `--limit` given again must name exactly the same hosts (in any order).
 */
export function resumeLimitProblem(
  runId: string,
  recorded: string[] | undefined,
  given: string[],
): string | undefined {
  const same =
    recorded !== undefined &&
    new Set(recorded).size === new Set(given).size &&
    given.every((k) => recorded.includes(k));
  if (same) return undefined;
  return recorded === undefined
    ? `cannot resume run ${runId} with --limit: it ran without one, on every host of its steps`
    : `cannot resume run ${runId} with another --limit: it runs on ${recorded.length} host(s) (${recorded.slice(0, 5).join(', ')}${recorded.length > 5 ? ', …' : ''}), and a resume keeps them`;
}
