import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { createClient, isHostIp, LATE_FAILURE_CODES } from '@runbook/core';
import { loadRunbook } from '@runbook/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../src/engine/events.js';
import { startRun } from '../../src/engine/execute.js';
import { resolvePlan } from '../../src/plan/resolve.js';
import { createRecorder, newRecord } from '../../src/record/recorder.js';
import type { RunRecord } from '../../src/record/types.js';
import { runCli } from '../helpers.js';
import {
  bounded,
  caseSeed,
  cases,
  createRng,
  type Rng,
  report,
  STACK,
  size,
  tally,
  Violations,
} from './campaign.js';
import {
  type Answer,
  GOOD,
  goodAnswer,
  JobBook,
  json,
  type MisbehavingEsb,
  startMisbehavingEsb,
} from './esb-server.js';
import { readRecordFile } from './invariants.js';
import {
  isQuotaAnswer,
  job3Scenarios,
  LOG,
  randomJob3Scenario,
  type Scenario,
  STATUS,
  SUBMIT,
} from './job3-scenarios.js';

type Obj = Record<string, any>;

const good = (call: string): Obj =>
  call === SUBMIT ? GOOD.submit() : call === STATUS ? GOOD.status() : (GOOD.log() as Obj);
const edit = (call: string, f: (o: Obj) => void): Answer => {
  const o = good(call);
  f(o);
  return json(o);
};
const text = (
  body: string | Buffer,
  headers: Record<string, string> = { 'content-type': 'application/json' },
  status = 200,
): Answer => ({
  status,
  headers,
  body,
});

function envelopeScenarios(call: string): Scenario[] {
  const full = JSON.stringify(good(call));
  const s = (name: string, answer: (n: number) => Answer): Scenario => ({ name, call, answer });
  return [
    s('missing result', () => edit(call, (o) => delete o.result)),
    s('missing code', () => edit(call, (o) => delete o.code)),
    s('missing data', () => edit(call, (o) => delete o.data)),
    s('data null', () => edit(call, (o) => (o.data = null))),
    s('data a string', () => edit(call, (o) => (o.data = 'ok'))),
    s('data of the wrong shape', () =>
      edit(call, (o) => (o.data = Array.isArray(o.data) ? { a: 1 } : [o.data])),
    ),
    s('result a string', () => edit(call, (o) => (o.result = 'true'))),
    s('code a string', () => edit(call, (o) => (o.code = '0'))),
    s('result true with an error code', () => edit(call, (o) => (o.code = 1306201))),
    s('result false with code 0', () => edit(call, (o) => (o.result = false))),
    s('unknown ESB code', () =>
      json({ result: false, code: 4242424, message: 'strange <b>thing</b>', data: null }),
    ),
    s('message a number', () => edit(call, (o) => (o.message = 42))),
    s('truncated JSON', () => text(full.slice(0, Math.floor(full.length / 2)))),
    s('empty body', () => text('')),
    s('an HTML page', () =>
      text('<html><body>Login required</body></html>', { 'content-type': 'text/html' }),
    ),
    s('HTTP 299', () => text(full, { 'content-type': 'application/json' }, 299)),
    s('HTTP 302', () => text('', { location: 'http://127.0.0.1:1/login' }, 302)),
    s('HTTP 418', () => text(full, { 'content-type': 'application/json' }, 418)),
    s('HTTP 599', () => text('oops', { 'content-type': 'text/plain' }, 599)),
    s('invalid UTF-8', () =>
      text(
        Buffer.concat([
          Buffer.from(full.slice(0, -2)),
          Buffer.from([0xff, 0xfe]),
          Buffer.from(full.slice(-2)),
        ]),
      ),
    ),
    s('a BOM first', () => text(`\ufeff${full}`)),
    s('JSON nested 100,000 deep', () =>
      text(`{"result":true,"code":0,"data":${'['.repeat(100_000)}${']'.repeat(100_000)}}`),
    ),
    s('gzip claimed, plain sent', () =>
      text(full, { 'content-type': 'application/json', 'content-encoding': 'gzip' }),
    ),
    s('a reset', () => ({ reset: true })),
    s('JSON null', () => text('null')),
    s('a JSON string', () => text('"ok"')),
  ];
}

const CALL_SCENARIOS: Scenario[] = [
  ...[
    ['job id a string', (o: Obj) => (o.data.job_instance_id = '100')],
    ['job id 0', (o: Obj) => (o.data.job_instance_id = 0)],
    ['job id negative', (o: Obj) => (o.data.job_instance_id = -1)],
    ['job id fractional', (o: Obj) => (o.data.job_instance_id = 1.5)],
    ['job id beyond 2^53', (o: Obj) => (o.data.job_instance_id = 2 ** 64)],
    ['no job name', (o: Obj) => delete o.data.job_instance_name],
  ].map(([name, f]) => ({
    name: name as string,
    call: SUBMIT,
    answer: () => edit(SUBMIT, f as (o: Obj) => void),
  })),
  ...[
    ['unknown final job status 42', (o: Obj) => (o.data.job_instance.status = 42)],
    ['is_finished a string', (o: Obj) => (o.data.is_finished = 'yes')],
    ['no job_instance', (o: Obj) => delete o.data.job_instance],
    ['blocks not a list', (o: Obj) => (o.data.blocks = {})],
    ['no step_ip_status', (o: Obj) => delete o.data.blocks[0].step_instances[0].step_ip_status],
    [
      'unknown host status 9999',
      (o: Obj) => (o.data.blocks[0].step_instances[0].step_ip_status[0].status = 9999),
    ],
    ['host without ip', (o: Obj) => delete o.data.blocks[0].step_instances[0].step_ip_status[0].ip],
    [
      'cloud id a string',
      (o: Obj) => (o.data.blocks[0].step_instances[0].step_ip_status[0].bk_cloud_id = '0'),
    ],
  ].map(([name, f]) => ({
    name: name as string,
    call: STATUS,
    answer: () => edit(STATUS, f as (o: Obj) => void),
  })),
  {
    name: 'unknown running status 42 three times, then finished',
    call: STATUS,
    answer: (n) =>
      edit(STATUS, (o) => {
        if (n <= 3)
          Object.assign(o.data, { is_finished: false, job_instance: { ...o.data.job_instance, status: 42 } });
      }),
  },
  { name: 'a 5 MiB log', call: LOG, answer: () => json(GOOD.log(`${'x'.repeat(1023)}\n`.repeat(5 * 1024))) },
  {
    name: 'HTML-escaped log (JOB 3.x)',
    call: LOG,
    answer: () =>
      json({
        ...GOOD.log('&lt;script&gt;alert(1)&lt;/script&gt; a &amp;amp; b &quot;q&quot; &#39;s&#39;\n'),
        job_request_id: 'j-1',
      }),
  },
  {
    name: 'log with NUL, ANSI and CR',
    call: LOG,
    answer: () => json(GOOD.log('a\u0000b\u001b[31mred\u001b[0m\rover\n')),
  },
  ...[
    ['log_content null', (o: Obj) => (o.data[0].step_results[0].ip_logs[0].log_content = null)],
    ['log_content a number', (o: Obj) => (o.data[0].step_results[0].ip_logs[0].log_content = 7)],
    ['no ip_logs', (o: Obj) => delete o.data[0].step_results[0].ip_logs],
    ['log of an unknown host', (o: Obj) => (o.data[0].step_results[0].ip_logs[0].ip = '192.0.2.99')],
    ['step_results not a list', (o: Obj) => (o.data[0].step_results = 'none')],
    ['exit code a string', (o: Obj) => (o.data[0].step_results[0].ip_logs[0].exit_code = '0')],
  ].map(([name, f]) => ({ name: name as string, call: LOG, answer: () => edit(LOG, f as (o: Obj) => void) })),
];

const NAMED: Scenario[] = [...[SUBMIT, STATUS, LOG].flatMap(envelopeScenarios), ...CALL_SCENARIOS];

/** A seeded random edit: one field anywhere in a call's answer deleted or given a value of another type. */
function randomScenario(rng: Rng): Scenario {
  const call = rng.pick([SUBMIT, STATUS, LOG]);
  const paths: Array<Array<string | number>> = [];
  const walk = (v: unknown, p: Array<string | number>) => {
    paths.push(p);
    if (v && typeof v === 'object')
      for (const [k, x] of Object.entries(v)) walk(x, [...p, Array.isArray(v) ? Number(k) : k]);
  };
  walk(good(call), []);
  const path = rng.pick(paths.filter((p) => p.length > 0));
  const op = rng.int(0, 9);
  const value = [undefined, null, '', 'x', -1, 0, 1e308, true, [], {}][op];
  return {
    name: `random: ${path.join('.')} ${op === 0 ? 'deleted' : `= ${JSON.stringify(value)}`}`,
    call,
    answer: () =>
      edit(call, (o) => {
        let at: any = o;
        for (const k of path.slice(0, -1)) at = at[k];
        if (op === 0) delete at[path.at(-1)!];
        else at[path.at(-1)!] = value;
      }),
  };
}

/**
 * A submit answer that definitely refused (nothing started): `result: false` with a code JOB does not
 * send after saving the job (1240002 and the like), or HTTP 4xx.
 */
function definiteRefusal(a: Answer): boolean {
  if ('reset' in a) return false;
  if ((a.status ?? 200) >= 400 && (a.status ?? 200) < 500) return true;
  try {
    const o = JSON.parse(a.body.toString());
    return o?.result === false && Number.isInteger(o.code) && o.code !== 0 && !LATE_FAILURE_CODES.has(o.code);
  } catch {
    return false;
  }
}

const RUNBOOK = `version: 1
name: pc
biz: 1
defaults:
  account: root
  timeout: 60
steps:
  - name: one
    hosts: ["10.0.0.1", "10.0.0.2"]
    script: echo one
  - name: two
    hosts: ["10.0.0.1", "10.0.0.2"]
    script: echo two
`;

/** The same two steps, the first one rolling: one job per host, one after the other. */
const ROLLING = RUNBOOK.replace(
  '    script: echo one\n',
  '    rolling: { batch: "1", max_fail: 1 }\n    script: echo one\n',
);

let esb: MisbehavingEsb;
let dir: string;
/** Rolling runs whose second batch was submitted: the campaign reaches the path it is for. */
let secondBatches = 0;
beforeAll(async () => {
  esb = await startMisbehavingEsb();
  dir = await mkdtemp(join(tmpdir(), 'runbook-protocol-'));
  await writeFile(join(dir, 'pc.yaml'), RUNBOOK);
  await writeFile(join(dir, 'pc-rolling.yaml'), ROLLING);
});
afterAll(async () => {
  await esb?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/**
 * Runs the two-step runbook in process against the scenario; returns the violations. `rolling`: its
 * first step runs in two batches (two jobs), and the calls the scenario leaves alone are answered
 * for the job each asks about.
 */
async function protocolRun(
  i: number,
  sc: Scenario,
  runId = `pc-${i}`,
  { rolling = false } = {},
): Promise<string[]> {
  let quotaAnswers = 0;
  let lastSubmit: Answer | undefined;
  const book = new JobBook();
  esb.setResponder((call, n, body) => {
    const a =
      sc.respond?.(call, n, body) ??
      (call === sc.call ? sc.answer(n) : rolling ? book.good(call, body) : goodAnswer(call));
    if (call === SUBMIT && isQuotaAnswer(a)) quotaAnswers++;
    if (call === SUBMIT) lastSubmit = a;
    return a;
  });
  const file = join(dir, rolling ? 'pc-rolling.yaml' : 'pc.yaml');
  const loaded = await loadRunbook(file);
  if (!loaded.ok) return ['fixture does not load'];
  const resolved = resolvePlan(loaded.runbook, { runId, requireSecrets: true });
  if (!resolved.ok) return ['fixture does not resolve'];
  // The follow deadline is the step's timeout plus a grace: 1 s + 1 s here (the plan is plain data).
  for (const step of resolved.plan.steps) step.timeoutSec = 1;
  const client = createClient({
    baseUrl: esb.url,
    appCode: 'app',
    appSecret: 'protocol-secret-CANARY',
    username: 'tester',
    retry: { retries: 2, minDelayMs: 1, maxDelayMs: 5, deadlineMs: 2_000 },
    timeouts: { connectMs: 2_000, headersMs: 2_000, bodyMs: 2_000, requestMs: 5_000 },
  });
  const root = join(dir, 'runs');
  const before = sc.hostile ? snapshot() : undefined;
  const recorder = createRecorder(root, newRecord(resolved.plan, { url: esb.url, local: false }, file));
  const events: RunEvent[] = [];
  const v: string[] = [];
  let code = -1;
  try {
    code = await bounded(
      sc.name,
      30_000,
      startRun({
        client,
        plan: resolved.plan,
        emit: (e) => {
          events.push(e);
          recorder.onEvent(e);
        },
        confirm: async () => true,
        endpoint: { url: esb.url, local: false },
        yes: true,
        pollInitialMs: 1,
        pollMaxMs: 5,
        followGraceMs: 1_000,
        quotaWait: { limitMs: 40, firstMs: 1, maxMs: 8 },
      }).result,
    );
  } catch (err) {
    v.push(`the run threw: ${(err as Error).stack?.split('\n').slice(0, 3).join(' | ')}`);
  } finally {
    await client.close();
  }
  if (![0, 1, 3].includes(code)) v.push(`exit ${code}`);
  if (events.at(-1)?.type !== 'run.finished') v.push('no run.finished event');
  for (const e of events) {
    if (e.type !== 'step.error') continue;
    if (!/^(CORE|RUNNER)_[A-Z_]+$/.test(e.error.code)) v.push(`unclear error code ${e.error.code}`);
    if (!e.error.message || STACK.test(e.error.message)) v.push(`unclear message: ${e.error.message}`);
    const submitted = events.some((x) => x.type === 'step.submitted' && x.step === e.step);
    if (lastSubmit && !submitted && !e.mayHaveStarted && !definiteRefusal(lastSubmit))
      v.push(`a garbled submit answer was reported as ${e.error.code}, not "may have started"`);
  }
  // A quota refusal created nothing; every other submit answer may have: at most one per job (a
  // step, or each batch of a rolling one).
  const submits = esb.counts[SUBMIT] ?? 0;
  const jobs = rolling ? 3 : 2;
  if (submits - quotaAnswers > jobs)
    v.push(`${submits} submits (${quotaAnswers} refused by a quota) for ${jobs} jobs`);
  // Never the same batch twice: each batch's submits stay one, quota refusals aside.
  const perBatch = new Map<string, number>();
  for (const e of events)
    if (e.type === 'step.submitted') {
      const k = `${e.step}#${e.batch ?? 0}`;
      perBatch.set(k, (perBatch.get(k) ?? 0) + 1);
    }
  for (const [k, n] of perBatch) if (n > 1) v.push(`${k} announced submitted ${n} times`);
  if (perBatch.has('one#2')) secondBatches++;
  let rec: RunRecord | undefined;
  try {
    rec = readRecordFile(root, runId);
    if (rec.exitCode !== code) v.push(`record exit ${rec.exitCode}, run ${code}`);
    // Every job JOB announced for a batch is in the record, whatever came after.
    for (const e of events)
      if (e.type === 'step.submitted' && e.batch !== undefined) {
        const b = rec.steps.find((s) => s.name === e.step)?.batches?.find((x) => x.index === e.batch);
        if (b?.jobInstanceId !== e.jobInstanceId)
          v.push(
            `batch ${e.batch} of ${e.step}: job ${e.jobInstanceId} announced, record says ${b?.jobInstanceId}`,
          );
      }
  } catch (err) {
    v.push(`record unreadable: ${(err as Error).message}`);
  }
  // What a scenario expects is written for one job a step (its answers name job 100 of two hosts).
  if (rec && sc.expect && !rolling) v.push(...expected(sc.expect, code, events, rec));
  if (rec && before) v.push(...outsideWrites(before, runId, rec));
  return v.map((x) => `${sc.call} ${sc.name}: ${x}`);
}

/** Whether the run came to what its scenario says it must. */
function expected(
  what: NonNullable<Scenario['expect']>,
  code: number,
  events: RunEvent[],
  rec: RunRecord,
): string[] {
  const first = rec.steps[0]?.state;
  const failed = rec.steps.filter((s) => s.state === 'failed').map((s) => s.name);
  const may = events.some((e) => e.type === 'step.error' && e.mayHaveStarted);
  const out: string[] = [];
  if (what === 'success' && code !== 0) out.push(`expected success, got exit ${code} (${rec.reason})`);
  if (what === 'may-have-started' && (!may || first !== 'may-have-started'))
    out.push(`expected "may have started", got step state ${first}, exit ${code}`);
  if (what === 'refused' && (may || first !== 'error' || code !== 3))
    out.push(`expected a definite refusal (exit 3, step error), got step state ${first}, exit ${code}`);
  if (what === 'detached' && (first !== 'detached' || code !== 3))
    out.push(`expected the step detached (exit 3), got step state ${first}, exit ${code}`);
  if ((what === 'detached' || what === 'no-failed-step') && failed.length > 0)
    out.push(`steps ${failed.join(', ')} marked failed on a contradictory or unusable answer`);
  return out;
}

const ESCAPES = [
  `/tmp/runbook-protocol-escape-${process.pid}`,
  `/tmp/runbook-protocol-escape-${process.pid}.log`,
];
/** What a run folder may hold: the record, other top-level files (not logs), and logs named by checked hosts. */
const RUN_FILE =
  /^(record\.json|[^/]+(?<!\.log)|logs|logs\/(one|two)|logs\/(one|two)\/(invalid-\d+|\d+-[0-9A-Fa-f.:]+)\.log)$/;
/^(record\.json|logs\/(one|two)\/(invalid-\d+|\d+-[0-9A-Fa-f.:]+)\.log|logs|logs\/(one|two))$/;

/** Names in the campaign folder and in its runs folder, to find anything written outside a run. */
function snapshot(): Set<string> {
  const names = new Set(readdirSync(dir).map((n) => n));
  const runs = join(dir, 'runs');
  if (existsSync(runs)) for (const n of readdirSync(runs)) names.add(`runs/${n}`);
  return names;
}

/** Files a run wrote outside its own folder, or inside it under a name no host should give. */
function outsideWrites(before: Set<string>, runId: string, rec: RunRecord): string[] {
  const out: string[] = [];
  for (const n of snapshot())
    if (!before.has(n) && n !== 'runs' && n !== `runs/${runId}`)
      out.push(`wrote ${n} outside its run folder`);
  for (const e of ESCAPES) if (existsSync(e)) out.push(`wrote ${e}`);
  const runDir = join(dir, 'runs', runId);
  const walk = (d: string) => {
    for (const n of readdirSync(d)) {
      const full = join(d, n);
      const rel = relative(runDir, full);
      if (!RUN_FILE.test(rel)) out.push(`wrote ${JSON.stringify(rel).slice(0, 100)} in its run folder`);
      if (statSync(full).isDirectory()) walk(full);
    }
  };
  walk(runDir);
  for (const s of rec.steps)
    for (const h of s.hosts ?? [])
      if (h.invalid ? !/^logs\/[a-z]+\/invalid-\d+\.log$/.test(h.log) : !isHostIp(h.ip))
        out.push(
          `host ${JSON.stringify(h.ip).slice(0, 60)} recorded with log ${JSON.stringify(h.log).slice(0, 60)}`,
        );
  return out;
}

describe('protocol campaign: a loopback ESB answering malformed envelopes', () => {
  const counts = tally();
  afterAll(() => report('protocol', counts));

  it(
    'every named and seeded-random misbehaviour ends in a clear error or is handled; never a crash, never a second submit',
    async () => {
      const violations = new Violations('protocol');
      const all = [...NAMED];
      for (const i of cases(size(60, 1_500))) all.push(randomScenario(createRng(caseSeed('protocol', i))));
      for (const [i, sc] of all.entries()) {
        counts.runs++;
        counts.faults++;
        for (const x of await protocolRun(i, sc)) {
          counts.violations++;
          violations.add(i, x);
        }
      }
      expect(violations.list, violations.summary()).toEqual([]);
    },
    size(120_000, 900_000),
  );

  it(
    'JOB 3.x answers and a hostile server: late failures, quotas, scope-required servers, contradictions, host fields that are paths, control characters or odd values; 0 double submissions, 0 writes outside the run folder',
    async () => {
      const violations = new Violations('protocol-job3');
      const all = job3Scenarios(dir);
      for (const i of cases(size(30, 600)))
        all.push(randomJob3Scenario(createRng(caseSeed('protocol-job3', i)), dir));
      for (const [i, sc] of all.entries()) {
        counts.runs++;
        counts.faults++;
        for (const x of await protocolRun(i, sc, `pj-${i}`)) {
          counts.violations++;
          violations.add(i, x);
        }
      }
      expect(violations.list, violations.summary()).toEqual([]);
    },
    size(180_000, 1_200_000),
  );

  it(
    'a rolling step (one job per batch) under the same misbehaviours: never a batch submitted twice, every announced job recorded',
    async () => {
      const violations = new Violations('protocol-rolling');
      const all = [...NAMED, ...job3Scenarios(dir)];
      for (const i of cases(size(30, 600)))
        all.push(randomScenario(createRng(caseSeed('protocol-rolling', i))));
      for (const [i, sc] of all.entries()) {
        counts.runs++;
        counts.faults++;
        for (const x of await protocolRun(i, sc, `pr-${i}`, { rolling: true })) {
          counts.violations++;
          violations.add(i, x);
        }
      }
      expect(violations.list, violations.summary()).toEqual([]);
      // Most misbehaviours touch one call once or twice: the second batch goes out in most runs.
      expect(secondBatches).toBeGreaterThan(all.length / 3);
    },
    size(180_000, 1_200_000),
  );

  it(
    'the CLI (apply --esb-url, stream and json) reports them without a stack trace',
    async () => {
      const violations = new Violations('protocol-cli');
      const picks = [
        ['truncated JSON', STATUS],
        ['an HTML page', SUBMIT],
        ['a 5 MiB log', LOG],
        ['HTML-escaped log (JOB 3.x)', LOG],
        ['unknown final job status 42', STATUS],
        ['JSON nested 100,000 deep', LOG],
        ['invalid UTF-8', SUBMIT],
        ['data null', STATUS],
      ];
      for (const [i, [name, call]] of picks.slice(0, size(4, picks.length)).entries()) {
        const sc = NAMED.find((s) => s.name === name && s.call === call)!;
        for (const ui of ['stream', 'json']) {
          esb.setResponder((c, n) => (c === sc.call ? sc.answer(n) : goodAnswer(c)));
          const out = await runCli(
            [
              'apply',
              join(dir, 'pc.yaml'),
              '--yes',
              '--ui',
              ui,
              '--poll-initial',
              '5',
              '--state-dir',
              join(dir, 'cli'),
            ],
            {
              cwd: dir,
              timeoutMs: 60_000,
              env: {
                BK_ESB_URL: esb.url,
                BK_APP_CODE: 'app',
                BK_APP_SECRET: 'protocol-secret-CANARY',
                BK_USERNAME: 'tester',
              },
            },
          );
          counts.runs++;
          const v: string[] = [];
          if (![0, 1, 3].includes(out.code ?? -1)) v.push(`exit ${out.code}: ${out.stderr.slice(0, 300)}`);
          if (STACK.test(out.stderr) || STACK.test(out.stdout))
            v.push(`stack trace: ${out.stderr.slice(0, 500)}`);
          if ((esb.counts[SUBMIT] ?? 0) > 2) v.push(`${esb.counts[SUBMIT]} submits`);
          if (
            out.code === 3 &&
            !/CORE_|RUNNER_|may have started|protocol|JSON|answer/i.test(out.stderr + out.stdout)
          )
            v.push(`exit 3 without a clear reason: ${out.stderr.slice(0, 300)}`);
          for (const x of v) {
            counts.violations++;
            violations.add(i, `${call} ${name} --ui ${ui}: ${x}`);
          }
        }
      }
      expect(violations.list, violations.summary()).toEqual([]);
    },
    size(90_000, 300_000),
  );
});
