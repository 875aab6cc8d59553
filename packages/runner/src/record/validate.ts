import { RECORD_VERSION, type RunRecord } from './types.js';

/**
 * A hand-written check of `record.json` against `RunRecord`: every field the runner reads, with the
 * path of the first one that is wrong (`steps[1].hosts[0].status: should be an integer, is "x"`).
 * Fields it does not know are let through, so records of a newer patch release still read.
 */

type Check = (value: unknown, at: string) => string | undefined;

const kind = (v: unknown): string =>
  v === null
    ? 'null'
    : Array.isArray(v)
      ? 'a list'
      : typeof v === 'string'
        ? JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)
        : typeof v === 'object'
          ? 'an object'
          : String(v);

const is =
  (what: string, test: (v: unknown) => boolean): Check =>
  (v, at) =>
    test(v) ? undefined : `${at}: should be ${what}, is ${kind(v)}`;

const str = is('a string', (v) => typeof v === 'string');
const bool = is('true or false', (v) => typeof v === 'boolean');
const int = is('an integer', (v) => Number.isSafeInteger(v));
const count = is('a count (an integer ≥ 0)', (v) => Number.isSafeInteger(v) && (v as number) >= 0);
const time = is('an ISO 8601 time', (v) => typeof v === 'string' && !Number.isNaN(Date.parse(v)));
const oneOf = (values: readonly unknown[]): Check =>
  is(`one of ${values.map((x) => JSON.stringify(x)).join(', ')}`, (v) => values.includes(v));
const orNull =
  (check: Check): Check =>
  (v, at) =>
    v === null ? undefined : check(v, at)?.replace(/should be (.*?), is/, 'should be $1 or null, is');

function list(item: Check): Check {
  return (v, at) => {
    if (!Array.isArray(v)) return `${at}: should be a list, is ${kind(v)}`;
    for (const [i, x] of v.entries()) {
      const p = item(x, `${at}[${i}]`);
      if (p) return p;
    }
    return undefined;
  };
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function mapOf(value: Check): Check {
  return (v, at) => {
    if (!isObject(v)) return `${at}: should be an object, is ${kind(v)}`;
    for (const [k, x] of Object.entries(v)) {
      const p = value(x, `${at}.${k}`);
      if (p) return p;
    }
    return undefined;
  };
}

/** An object with these fields; a name ending in `?` may be absent. */
function shape(fields: Record<string, Check>): Check {
  return (v, at) => {
    if (!isObject(v)) return `${at || 'the record'}: should be an object, is ${kind(v)}`;
    for (const [key, check] of Object.entries(fields)) {
      const optional = key.endsWith('?');
      const name = optional ? key.slice(0, -1) : key;
      const where = at ? `${at}.${name}` : name;
      if (!Object.hasOwn(v, name) || v[name] === undefined) {
        if (optional) continue;
        return `${where}: missing`;
      }
      const p = check(v[name], where);
      if (p) return p;
    }
    return undefined;
  };
}

const STEP_STATES = [
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
] as const;
const BATCH_STATES = [
  'pending',
  'submitting',
  'running',
  'detached',
  'succeeded',
  'failed',
  'may-have-started',
  'error',
] as const;
const RUN_STATES = ['running', 'succeeded', 'failed', 'interrupted', 'declined', 'error'] as const;

const counts = shape({
  total: count,
  succeeded: count,
  failed: count,
  running: count,
  waiting: count,
  agentError: count,
});

const host = shape({
  ip: str,
  cloud: int,
  status: int,
  // Null: the host never ran its script (JOB gives no exit code then).
  exitCode: orNull(int),
  tag: str,
  log: str,
  'logRange?': is(
    'a byte range [offset, length] of its log file',
    (v) => Array.isArray(v) && v.length === 2 && v.every((n) => Number.isSafeInteger(n) && n >= 0),
  ),
  'invalid?': str,
  'outputs?': mapOf(str),
  'hostId?': int,
  'batch?': int,
});

const batch = shape({
  index: int,
  hosts: list(str),
  state: oneOf(BATCH_STATES),
  'jobInstanceId?': int,
  'jobInstanceName?': str,
  'submittedAt?': time,
  'finishedAt?': time,
  'counts?': counts,
  'status?': int,
});

const attempt = shape({
  state: oneOf(STEP_STATES),
  'startedAt?': time,
  'submittedAt?': time,
  'finishedAt?': time,
  'jobInstanceId?': int,
  'jobInstanceName?': str,
  'status?': int,
  'counts?': counts,
  'error?': shape({ code: str, message: str, 'hint?': str }),
  'note?': str,
  'hosts?': list(host),
});

const step = shape({
  name: str,
  state: oneOf(STEP_STATES),
  request: shape({
    taskName: str,
    hosts: count,
    customQueries: list(str),
    account: str,
    timeoutSec: count,
    'type?': str,
    'scriptSha256?': str,
    'scriptId?': int,
    'params?': str,
    sensitive: bool,
  }),
  fingerprint: mapOf(str),
  'jobInstanceId?': int,
  'jobInstanceName?': str,
  'status?': int,
  'counts?': counts,
  'startedAt?': time,
  'submittedAt?': time,
  'finishedAt?': time,
  'hosts?': list(host),
  'error?': shape({ code: str, message: str, 'hint?': str }),
  'note?': str,
  'batches?': list(batch),
  'rolling?': shape({ expr: str, maxFail: count, maxFailText: str, pauseMs: count, confirm: bool }),
  'ignored?': bool,
  'snapshot?': str,
  'attempts?': list(attempt),
});

const resume = shape({
  at: time,
  'operator?': str,
  runbookHash: str,
  'previousHash?': str,
  changes: list(shape({ step: str, fields: list(str), detail: list(str) })),
});

const record = shape({
  version: oneOf([RECORD_VERSION]),
  runId: str,
  state: oneOf(RUN_STATES),
  'exitCode?': int,
  'reason?': str,
  createdAt: time,
  updatedAt: time,
  'finishedAt?': time,
  'operator?': str,
  'jobWebUrl?': str,
  'scope?': shape({ type: oneOf(['biz', 'biz_set']), id: int }),
  runbook: shape({
    path: str,
    name: str,
    'gitSha?': str,
    'dirty?': bool,
    contentHash: str,
    files: mapOf(str),
  }),
  vars: mapOf(is('a string, number or boolean', (v) => ['string', 'number', 'boolean'].includes(typeof v))),
  endpoint: shape({ url: str, local: bool }),
  biz: int,
  'pid?': int,
  'resumedAt?': list(time),
  'limit?': list(str),
  'resumes?': list(resume),
  steps: list(step),
});

/** Undefined when `value` is a record this runner can use, else what is wrong with it (the first thing). */
export function recordProblem(value: unknown): string | undefined {
  if (isObject(value) && value.version !== RECORD_VERSION && value.version !== undefined) {
    return `format ${kind(value.version)}; this runbook reads format ${RECORD_VERSION}`;
  }
  return record(value, '');
}

/** Parses the text of a `record.json`: the record, or why it cannot be used. */
export function parseRecord(text: string): { record: RunRecord } | { problem: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { problem: `not valid JSON (${(err as Error).message})` };
  }
  const problem = recordProblem(value);
  return problem === undefined ? { record: value as RunRecord } : { problem };
}
