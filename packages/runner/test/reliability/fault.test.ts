import { statSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type DebugEvent } from '@runbook/core';
import type { EmulatedJobView, FaultRule } from '@runbook/emulator';
import { loadRunbook } from '@runbook/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resumeDirectives } from '../../src/engine/directives.js';
import type { RunEvent } from '../../src/engine/events.js';
import { startRun } from '../../src/engine/execute.js';
import { resolvePlan } from '../../src/plan/resolve.js';
import type { Plan } from '../../src/plan/types.js';
import { createRecorder, newRecord } from '../../src/record/recorder.js';
import type { RunRecord } from '../../src/record/types.js';
import type { Transport } from '../../src/transport.js';
import { runCli } from '../helpers.js';
import { callbackRules, drawCallbackCase, filesUnder } from './callback-faults.js';
import {
  bounded,
  type Counts,
  caseSeed,
  cases,
  createRng,
  report,
  SEED,
  size,
  tally,
  Violations,
} from './campaign.js';
import { type EmulatorProcess, startEmulatorProcess } from './emulator-process.js';
import {
  credentialChecks,
  hostileHostChecks,
  lateFailureChecks,
  pathChecks,
  quotaChecks,
  resumeAsks,
  snapshot,
} from './fault-checks.js';
import {
  APP,
  APP_SECRET,
  drawMode,
  drawTransport,
  emulatorConfig,
  faultDelta,
  faultRules,
  faultRunbook,
  JOB_MODES,
  type JobMode,
  QUOTA_WAIT,
  sum,
} from './fault-draw.js';
import { checkRun, jobsByStep, readRecordFile } from './invariants.js';

/** A client fault seen by the runner: an attempt that failed, or answered 5xx or a rate limit. */
const isFault = (e: DebugEvent) =>
  e.error !== undefined || (e.status !== undefined && e.status !== 200) || e.code === 1306429;

/** Exit codes (and may-have-started reports), emulator modes and injected faults by kind, so a run shows what it covered. */
const exits: Record<string, number> = {};
const resumes: Record<string, number> = {};
const modes: Record<string, number> = {};
const kinds: Record<string, number> = {};
/** Cases by transport (ESB v2, API gateway v3). */
const transports: Record<string, number> = {};
const cliTransports: Record<string, number> = {};
/** What the runs came to that the new fault kinds aim at. */
const covered: Record<string, number> = {};
const tick = (m: Record<string, number>, k: string | number, n = 1) => {
  m[k] = (m[k] ?? 0) + n;
};

/** Files a hostile host identity aims at; a run must never touch them. */
const SYSTEM_FILES = ['/etc/passwd', '/etc/shadow'];
const mtimes = () => SYSTEM_FILES.map((f) => statSync(f, { throwIfNoEntry: false })?.mtimeMs ?? 0);

const emus = {} as Record<JobMode, EmulatorProcess>;
let dir: string;
let systemBefore: number[];
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'runbook-faults-'));
  systemBefore = mtimes();
  await Promise.all(
    JOB_MODES.map(async (mode) => {
      const home = join(dir, mode);
      await mkdir(home);
      emus[mode] = await startEmulatorProcess(home, emulatorConfig(mode), [
        '--exec',
        'simulate',
        '--seed',
        String(SEED),
      ]);
    }),
  );
});
afterAll(async () => {
  await Promise.all(Object.values(emus).map((e) => e.stop()));
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Records events and when each arrived, and passes them to the recorder. */
function eventLog(onEvent: (e: RunEvent) => void) {
  const events: RunEvent[] = [];
  const at: number[] = [];
  const emit = (e: RunEvent) => {
    events.push(e);
    at.push(performance.now());
    onEvent(e);
  };
  return { events, at, emit };
}

/** The checks every run of the campaign gets, against the emulator's jobs and injected faults. */
function runChecks(
  base: string[],
  rec: RunRecord | undefined,
  jobs: EmulatedJobView[],
  runbook: string,
  injected: Record<string, number>,
  events: RunEvent[],
  at: number[],
  waitBound = QUOTA_WAIT,
): string[] {
  if (!rec) return base;
  return [
    ...hostileHostChecks(base, rec, jobs, runbook),
    ...quotaChecks(events, at, waitBound, injected.quota ?? 0),
    ...lateFailureChecks(events, rec, injected.late_failure ?? 0),
  ];
}

const recordOf = (root: string, runId: string): RunRecord | undefined => {
  try {
    return readRecordFile(root, runId);
  } catch {
    return undefined; // checkRun reports it
  }
};

/** One seeded run, in process, the way `runbook apply --yes` runs it: plan, record, executor, masking. */
async function faultRun(i: number, counts: Counts): Promise<string[]> {
  const rng = createRng(caseSeed('fault', i));
  const mode = drawMode(rng);
  const emu = emus[mode];
  const transport = drawTransport(createRng(caseSeed('fault-transport', i)));
  const name = `fc-${SEED}-${i}`;
  const file = join(dir, `${name}.yaml`);
  await writeFile(file, faultRunbook(name, rng, createRng(caseSeed('fault-rolling', i))));
  // Callbacks (a listener, callback faults, forgers) from a generator of their own: the other draws stay.
  const callback = await drawCallbackCase(createRng(caseSeed('fault-callback', i)));
  const rules = [...faultRules(rng, transport), ...(callback?.rules ?? [])];
  if (callback) tick(covered, 'runs followed by callback');
  const loaded = await loadRunbook(file);
  if (!loaded.ok) return [`runbook does not load: ${loaded.issues[0]?.message}`];
  const resolved = resolvePlan(loaded.runbook, { runId: name, requireSecrets: true, transport });
  if (!resolved.ok) return [`runbook does not resolve: ${resolved.issues[0]?.message}`];
  const client = createClient({
    transport,
    baseUrl: emu.url,
    appCode: APP,
    appSecret: APP_SECRET,
    username: 'tester',
    retry: { retries: 4, minDelayMs: 2, maxDelayMs: 20, deadlineMs: 5_000 },
    timeouts: { connectMs: 2_000, headersMs: 2_000, bodyMs: 250, requestMs: 3_000 },
    onDebug: (e) => {
      if (isFault(e)) counts.faultsSeen = (counts.faultsSeen ?? 0) + 1;
    },
  });
  const root = join(dir, 'runs');
  const before = snapshot(dir, root);
  const endpoint = { url: emu.url, local: false, transport };
  const recorder = createRecorder(root, newRecord(resolved.plan, endpoint, file));
  const { events, at, emit } = eventLog((e) => {
    recorder.onEvent(e);
    callback?.onEvent(e);
  });
  const injectedBefore = await emu.faultsInjected();
  await emu.setFaults(rules);
  let exitCode: number;
  try {
    exitCode = await bounded(
      `fault run ${i}`,
      60_000,
      startRun({
        client,
        plan: resolved.plan,
        emit,
        confirm: async () => true,
        endpoint,
        yes: true,
        pollInitialMs: 5,
        pollMaxMs: 20,
        followGraceMs: 20_000,
        quotaWait: QUOTA_WAIT,
        ...(callback ? { callbacks: callback.hub } : {}),
      }).result,
    );
  } finally {
    await client.close();
  }
  const callbackViolations = callback
    ? await callback.finish([JSON.stringify(events)], join(root, name))
    : [];
  await emu.setFaults([]);
  const injected = faultDelta(injectedBefore, await emu.faultsInjected());
  counts.runs++;
  counts.faults += sum(injected);
  for (const [k, n] of Object.entries(injected)) tick(kinds, k, n);
  tick(modes, mode);
  tick(transports, transport);
  tick(exits, exitCode);
  for (const e of events) if (e.type === 'step.error' && e.mayHaveStarted) tick(exits, 'may-have-started');
  tally3x(events, resolved.plan, mode);
  const text = JSON.stringify(events);
  if (text.includes(APP_SECRET)) counts.secrets++;
  const jobs = await emu.jobs();
  const rec = recordOf(root, name);
  for (const s of rec?.steps ?? [])
    if (s.batches) {
      tick(covered, 'rolling steps');
      tick(covered, 'batches', s.batches.length);
    }
  const base = checkRun({ events, exitCode, root, runId: name, runbook: name, jobs });
  const v = runChecks(base, rec, jobs, name, injected, events, at);
  if (rec) v.push(...pathChecks({ dir, root, before, runId: name, rec, own: [`${name}.yaml`] }));
  if (text.includes(APP_SECRET)) v.push('the app secret appears in an event');
  v.push(...callbackViolations);
  // A run that could not finish, or whose step failed, is resumed, faults off, the way
  // `apply --resume` does it: a failed step runs again on its failed hosts, and its earlier attempt
  // stays in the record; a person declines to resubmit a step that may have started.
  if ((exitCode === 3 || exitCode === 1) && v.length === 0)
    v.push(...(await resumeRun(name, root, resolved.plan, counts, emu, transport)));
  v.push(...(await credentialChecks(emu.credentials, join(root, name), APP_SECRET)));
  return v.map((x) => `${x} (${mode}, ${transport}, faults ${JSON.stringify(rules)})`);
}

/** Counts what a run covered: quota waits and give-ups, hosts named unusably, business-set scopes. */
function tally3x(events: RunEvent[], plan: Plan, mode: JobMode): void {
  for (const e of events) {
    if (e.type === 'step.waiting') tick(covered, 'quota waits');
    if (e.type === 'step.error' && e.error.code === 'RUNNER_QUOTA_TIMEOUT')
      tick(covered, 'quota waits given up');
    if (e.type === 'step.finished' && e.hosts.some((h) => h.invalid))
      tick(covered, 'steps with unusable hosts');
  }
  if (plan.scope.type === 'biz_set') tick(covered, `biz_set runs (${mode})`);
}

async function resumeRun(
  name: string,
  root: string,
  plan: Plan,
  counts: Counts,
  emu: EmulatorProcess,
  transport: Transport,
): Promise<string[]> {
  const previous = readRecordFile(root, name);
  // The recorder updates `previous` as the resume goes; judge by the states before it.
  const was = readRecordFile(root, name);
  const before = jobsByStep(await emu.jobs(), name);
  previous.state = 'running';
  const recorder = createRecorder(root, previous);
  const client = createClient({
    transport,
    baseUrl: emu.url,
    appCode: APP,
    appSecret: APP_SECRET,
    username: 'tester',
  });
  const { events, emit } = eventLog((e) => recorder.onEvent(e));
  let exitCode: number;
  try {
    exitCode = await bounded(
      `resume of ${name}`,
      60_000,
      startRun({
        client,
        plan,
        emit,
        confirm: async () => false,
        endpoint: { url: emu.url, local: false, transport },
        yes: true,
        directives: resumeDirectives(previous, true, plan),
        resumedFrom: name,
        pollInitialMs: 5,
        pollMaxMs: 20,
      }).result,
    );
  } finally {
    await client.close();
  }
  counts.runs++;
  tick(resumes, exitCode);
  const jobs = await emu.jobs();
  const base = checkRun({
    events,
    exitCode,
    root,
    runId: name,
    runbook: name,
    jobs,
    allowedExits: [0, 1, 4],
    rerunFailed: true,
  });
  const v = hostileHostChecks(base, readRecordFile(root, name), jobs, name);
  v.push(...resumeAsks(was, events, exitCode));
  const after = jobsByStep(jobs, name);
  for (const s of was.steps) {
    // A rolling step's resume sends the batches not run yet and its failed hosts: checkBatches
    // (in checkRun) holds it to never sending a host again after it succeeded.
    const rolling = (s as { batches?: unknown[] }).batches !== undefined;
    if (
      !rolling &&
      s.state !== 'failed' &&
      (after.get(s.name) ?? []).length !== (before.get(s.name) ?? []).length &&
      (before.get(s.name) ?? []).length > 0
    )
      v.push(`resume submitted step ${s.name} (${s.state}) again`);
    if (
      (s.state === 'may-have-started' || s.state === 'submitting') &&
      (after.get(s.name) ?? []).length !== (before.get(s.name) ?? []).length
    )
      v.push(`resume submitted step ${s.name}, which may have started, without a person's yes`);
  }
  return v.map((x) => `after resume: ${x}`);
}

const jobsOfRun = (jobs: EmulatedJobView[], name: string) =>
  jobs.filter((j) => j.name.startsWith(`${name}/`));

/** The CLI's quota wait in this campaign (`--quota-wait 1s`): one wait of 1 s at most, then it gives up. */
const CLI_QUOTA_WAIT = { limitMs: 1_000, firstMs: 2_000, maxMs: 30_000 };

/** One seeded run through the CLI (`apply --yes --ui json`, over ESB v2 or the API gateway v3), checked like the in-process ones. */
async function cliRun(i: number, counts: Counts): Promise<string[]> {
  const rng = createRng(caseSeed('fault-cli', i));
  const mode = drawMode(rng);
  const emu = emus[mode];
  // Every third CLI case runs over the API gateway v3 (`--apigw-url` as BK_APIGW_URL).
  const transport: Transport = i % 3 === 1 ? 'v3' : 'v2';
  const name = `fcli-${SEED}-${i}`;
  const file = join(dir, `${name}.yaml`);
  await writeFile(file, faultRunbook(name, rng, createRng(caseSeed('fault-rolling', i))));
  // Submits and reads fail at most twice each, so the default retry delays keep a run short.
  const rules: FaultRule[] = faultRules(rng, transport).map((r) => ({
    ...r,
    times: Math.min(r.times ?? 2, 2),
  }));
  // Every other CLI case listens for callbacks, which the emulator loses, delays or duplicates.
  const listen = i % 2 === 0;
  if (listen) rules.push(...callbackRules(createRng(caseSeed('fault-cli-callback', i))));
  const root = join(dir, 'cli-runs');
  const before = snapshot(dir, root);
  const injectedBefore = await emu.faultsInjected();
  await emu.setFaults(rules);
  const args = ['apply', file, '--yes', '--ui', 'json', '--poll-initial', '10', '--poll-max', '50'];
  if (listen) args.push('--callback-listen', '127.0.0.1:0');
  const out = await runCli([...args, '--quota-wait', '1s', '--state-dir', root], {
    cwd: dir,
    timeoutMs: 60_000,
    env: {
      [transport === 'v3' ? 'BK_APIGW_URL' : 'BK_ESB_URL']: emu.url,
      BK_APP_CODE: APP,
      BK_APP_SECRET: APP_SECRET,
      BK_USERNAME: 'tester',
    },
  });
  tick(cliTransports, transport);
  await emu.setFaults([]);
  const injected = faultDelta(injectedBefore, await emu.faultsInjected());
  counts.runs++;
  counts.faults += sum(injected);
  const events = out.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as RunEvent);
  const started = events.find((e) => e.type === 'run.started');
  const runId = started?.type === 'run.started' ? started.runId : '';
  const jobs = await emu.jobs();
  const exitCode = out.code ?? -1;
  const base = checkRun({ events, exitCode, root, runId, runbook: name, jobs });
  const at = events.map((e) => Date.parse(e.ts));
  const rec = recordOf(root, runId);
  const v = runChecks(base, rec, jobs, name, injected, events, at, CLI_QUOTA_WAIT);
  if (rec) v.push(...pathChecks({ dir, root, before, runId, rec, own: [`${name}.yaml`] }));
  if (`${out.stdout}${out.stderr}`.includes(APP_SECRET)) v.push('the app secret was printed');
  if (/^\s+at /m.test(out.stderr)) v.push(`a stack trace on stderr: ${out.stderr}`);
  if (started?.type === 'run.started' && started.endpoint.transport !== transport)
    v.push(`the run went over ${started.endpoint.transport}, not ${transport}`);
  if (runId) v.push(...(await credentialChecks(emu.credentials, join(root, runId), APP_SECRET)));
  for (const j of jobsOfRun(jobs, name)) {
    const token = j.callbackUrl ? new URL(j.callbackUrl).pathname.slice(1) : undefined;
    if (!listen && token) v.push(`a run without --callback-listen gave JOB a callback URL`);
    if (listen && !token)
      v.push(`job ${j.jobInstanceId} of a run with --callback-listen has no callback URL`);
    if (token && `${out.stdout}${out.stderr}`.includes(token)) v.push('the callback token was printed');
    if (token && runId && filesUnder(join(root, runId)).some((t) => t.includes(token)))
      v.push('the callback token is in the record or a log');
  }
  return v.map((x) => `${x} (${mode}, ${transport}, faults ${JSON.stringify(rules)})`);
}

describe('fault campaign: a multi-step runbook against runbook-emulator (JOB 2.x, or 3.x requiring the scope fields) with seeded faults on every call', () => {
  it(
    'after every run: no step submitted twice, exit code as happened, record complete and matching JOB, may-have-started reported, quota waits bounded, host identities never paths',
    async () => {
      const counts = tally();
      counts.faultsSeen = 0;
      const violations = new Violations('fault');
      for (const i of cases(size(40, 1000))) {
        for (const v of await faultRun(i, counts)) {
          counts.violations++;
          violations.add(i, v);
        }
      }
      report('fault', counts);
      process.stdout.write(
        `[reliability] fault outcomes: ${JSON.stringify(exits)}; resumes: ${JSON.stringify(resumes)}; modes: ${JSON.stringify(modes)}; transports: ${JSON.stringify(transports)}; faults injected by kind: ${JSON.stringify(kinds)}; covered: ${JSON.stringify(covered)}\n`,
      );
      expect(violations.list, violations.summary()).toEqual([]);
      expect(mtimes()).toEqual(systemBefore);
      expect(counts.runs).toBeGreaterThan(0);
    },
    size(180_000, 1_800_000),
  );

  it(
    'the CLI itself (apply --esb-url or --apigw-url --yes --ui json) keeps the invariants under faults',
    async () => {
      const counts = tally();
      const violations = new Violations('fault-cli');
      for (const i of cases(size(3, 30))) {
        for (const x of await cliRun(i, counts)) {
          counts.violations++;
          violations.add(i, x);
        }
      }
      report('fault-cli', counts);
      process.stdout.write(`[reliability] fault-cli transports: ${JSON.stringify(cliTransports)}\n`);
      expect(violations.list, violations.summary()).toEqual([]);
      expect(mtimes()).toEqual(systemBefore);
    },
    size(90_000, 900_000),
  );
});
