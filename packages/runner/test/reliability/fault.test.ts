import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type DebugEvent } from '@runbook/core';
import type { FaultKind, FaultRule } from '@runbook/emulator';
import { loadRunbook } from '@runbook/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resumeDirectives } from '../../src/engine/directives.js';
import type { RunEvent } from '../../src/engine/events.js';
import { startRun } from '../../src/engine/execute.js';
import { resolvePlan } from '../../src/plan/resolve.js';
import type { Plan } from '../../src/plan/types.js';
import { createRecorder, newRecord } from '../../src/record/recorder.js';
import { runCli } from '../helpers.js';
import {
  bounded,
  caseSeed,
  cases,
  createRng,
  type Rng,
  report,
  SEED,
  size,
  tally,
  Violations,
} from './campaign.js';
import { type EmulatorProcess, startEmulatorProcess } from './emulator-process.js';
import { checkRun, jobsByStep, readRecordFile } from './invariants.js';

const APP = 'rel-app';
const APP_SECRET = 'rel-app-secret-CANARY-5d1';
const CONFIG = `apps:
  ${APP}: ${APP_SECRET}
exec: simulate
simulate:
  durationMs: [2, 30]
  failRate: 0.08
  logLines: 2
`;
const CALLS = ['fast_execute_script', 'get_job_instance_status', 'get_job_instance_log', '*'] as const;
const KINDS: FaultKind[] = ['latency', 'http5xx', 'reset', 'rate_limit', 'slow_body', 'drop_after_create'];

/** A multi-step runbook of 2–4 steps on 1–5 hosts each; the name makes its jobs findable in the emulator. */
export function faultRunbook(name: string, rng: Rng): string {
  const steps = rng.int(2, 4);
  let text = `version: 1\nname: ${name}\nbiz: ${rng.int(1, 3)}\ndefaults:\n  account: root\n  timeout: 60\n  on_failure: ${rng.pick(['abort', 'continue'])}\nsteps:\n`;
  for (let s = 1; s <= steps; s++) {
    const hosts = Array.from({ length: rng.int(1, 5) }, (_, h) => `"10.${s}.${rng.int(0, 9)}.${h + 1}"`);
    text += `  - name: s${s}\n    hosts: [${hosts.join(', ')}]\n    params: "--n ${s}"\n    script: |\n      echo step ${s} "$@"\n`;
  }
  return text;
}

/** 0–5 seeded fault rules over every call. */
export function faultRules(rng: Rng): FaultRule[] {
  const rules: FaultRule[] = [];
  const n = rng.chance(0.1) ? 0 : rng.int(1, 5);
  for (let k = 0; k < n; k++) {
    const kind = rng.pick(KINDS);
    const call = kind === 'drop_after_create' ? 'fast_execute_script' : rng.pick(CALLS);
    const rule: FaultRule = { call, kind, probability: Math.round(rng.int(5, 40)) / 100 };
    if (kind === 'latency') rule.ms = rng.int(1, 15);
    // Mostly short pauses; sometimes longer than the client's body timeout (a timeout after sending).
    if (kind === 'slow_body') rule.ms = rng.chance(0.15) ? 400 : rng.int(1, 20);
    if (kind === 'http5xx') rule.status = rng.pick([500, 502, 503, 504]);
    if (rng.chance(0.3)) rule.times = rng.int(1, 3);
    rules.push(rule);
  }
  return rules;
}

/** A client fault seen by the runner: an attempt that failed, or answered 5xx or a rate limit. */
const isFault = (e: DebugEvent) =>
  e.error !== undefined || (e.status !== undefined && e.status !== 200) || e.code === 1306429;

/** Exit codes (and may-have-started reports) seen, so a run shows what it covered. */
const exits: Record<string, number> = {};
const resumes: Record<string, number> = {};
let emu: EmulatorProcess;
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'runbook-faults-'));
  emu = await startEmulatorProcess(dir, CONFIG, ['--exec', 'simulate', '--seed', String(SEED)]);
});
afterAll(async () => {
  await emu?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** One seeded run, in process, the way `runbook apply --yes` runs it: plan, record, executor, masking. */
async function faultRun(i: number, counts: ReturnType<typeof tally>): Promise<string[]> {
  const rng = createRng(caseSeed('fault', i));
  const name = `fc-${SEED}-${i}`;
  const file = join(dir, `${name}.yaml`);
  await writeFile(file, faultRunbook(name, rng));
  const rules = faultRules(rng);
  await emu.setFaults(rules);
  const loaded = await loadRunbook(file);
  if (!loaded.ok) return [`runbook does not load: ${loaded.issues[0]?.message}`];
  const resolved = resolvePlan(loaded.runbook, { runId: name, requireSecrets: true });
  if (!resolved.ok) return [`runbook does not resolve: ${resolved.issues[0]?.message}`];
  const client = createClient({
    baseUrl: emu.url,
    appCode: APP,
    appSecret: APP_SECRET,
    username: 'tester',
    retry: { retries: 4, minDelayMs: 2, maxDelayMs: 20, deadlineMs: 5_000 },
    timeouts: { connectMs: 2_000, headersMs: 2_000, bodyMs: 250, requestMs: 3_000 },
    onDebug: (e) => {
      if (isFault(e)) counts.faults++;
    },
  });
  const root = join(dir, 'runs');
  const recorder = createRecorder(root, newRecord(resolved.plan, { url: emu.url, local: false }, file));
  const events: RunEvent[] = [];
  let exitCode: number;
  try {
    exitCode = await bounded(
      `fault run ${i}`,
      60_000,
      startRun({
        client,
        plan: resolved.plan,
        emit: (e) => {
          events.push(e);
          recorder.onEvent(e);
        },
        confirm: async () => true,
        endpoint: { url: emu.url, local: false },
        yes: true,
        pollInitialMs: 5,
        pollMaxMs: 20,
        followGraceMs: 20_000,
      }).result,
    );
  } finally {
    await client.close();
  }
  await emu.setFaults([]);
  counts.runs++;
  exits[exitCode] = (exits[exitCode] ?? 0) + 1;
  for (const e of events)
    if (e.type === 'step.error' && e.mayHaveStarted)
      exits['may-have-started'] = (exits['may-have-started'] ?? 0) + 1;
  const text = JSON.stringify(events);
  if (text.includes(APP_SECRET)) counts.secrets++;
  const v = checkRun({ events, exitCode, root, runId: name, runbook: name, jobs: await emu.jobs() });
  if (text.includes(APP_SECRET)) v.push('the app secret appears in an event');
  // A run that could not finish is resumed, faults off, the way `apply --resume` does it; a person
  // declines to resubmit a step that may have started.
  if (exitCode === 3 && v.length === 0) v.push(...(await resumeRun(name, root, resolved.plan, counts)));
  return v.map((x) => `${x} (faults ${JSON.stringify(rules)})`);
}

async function resumeRun(
  name: string,
  root: string,
  plan: Plan,
  counts: ReturnType<typeof tally>,
): Promise<string[]> {
  const previous = readRecordFile(root, name);
  // The recorder updates `previous` as the resume goes; judge by the states before it.
  const was = readRecordFile(root, name);
  const before = jobsByStep(await emu.jobs(), name);
  previous.state = 'running';
  const recorder = createRecorder(root, previous);
  const client = createClient({ baseUrl: emu.url, appCode: APP, appSecret: APP_SECRET, username: 'tester' });
  const events: RunEvent[] = [];
  let exitCode: number;
  try {
    exitCode = await bounded(
      `resume of ${name}`,
      60_000,
      startRun({
        client,
        plan,
        emit: (e) => {
          events.push(e);
          recorder.onEvent(e);
        },
        confirm: async () => false,
        endpoint: { url: emu.url, local: false },
        yes: true,
        directives: resumeDirectives(previous, true),
        resumedFrom: name,
        pollInitialMs: 5,
        pollMaxMs: 20,
      }).result,
    );
  } finally {
    await client.close();
  }
  counts.runs++;
  resumes[exitCode] = (resumes[exitCode] ?? 0) + 1;
  const jobs = await emu.jobs();
  const v = checkRun({
    events,
    exitCode,
    root,
    runId: name,
    runbook: name,
    jobs,
    allowedExits: [0, 1, 4],
    rerunFailed: true,
  });
  const after = jobsByStep(jobs, name);
  for (const s of was.steps) {
    if (
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

describe('fault campaign: a multi-step runbook against runbook-emulator with seeded faults on every call', () => {
  it(
    'after every run: no step submitted twice, exit code as happened, record complete and matching JOB, may-have-started reported',
    async () => {
      const counts = tally();
      const violations = new Violations('fault');
      for (const i of cases(size(40, 1000))) {
        for (const v of await faultRun(i, counts)) {
          counts.violations++;
          violations.add(i, v);
        }
      }
      report('fault', counts);
      process.stdout.write(
        `[reliability] fault outcomes: ${JSON.stringify(exits)}; resumes: ${JSON.stringify(resumes)}\n`,
      );
      expect(violations.list, violations.summary()).toEqual([]);
      expect(counts.runs).toBeGreaterThan(0);
    },
    size(120_000, 1_800_000),
  );

  it(
    'the CLI itself (apply --esb-url --yes --ui json) keeps the invariants under faults',
    async () => {
      const counts = tally();
      const violations = new Violations('fault-cli');
      for (const i of cases(size(3, 30))) {
        const rng = createRng(caseSeed('fault-cli', i));
        const name = `fcli-${SEED}-${i}`;
        const file = join(dir, `${name}.yaml`);
        await writeFile(file, faultRunbook(name, rng));
        // Submits and reads fail at most twice each, so the default retry delays keep a run short.
        const rules = faultRules(rng).map((r) => ({ ...r, times: Math.min(r.times ?? 2, 2) }));
        await emu.setFaults(rules);
        const root = join(dir, 'cli-runs');
        const out = await runCli(
          [
            'apply',
            file,
            '--yes',
            '--ui',
            'json',
            '--poll-initial',
            '10',
            '--poll-max',
            '50',
            '--state-dir',
            root,
          ],
          {
            cwd: dir,
            timeoutMs: 60_000,
            env: { BK_ESB_URL: emu.url, BK_APP_CODE: APP, BK_APP_SECRET: APP_SECRET, BK_USERNAME: 'tester' },
          },
        );
        await emu.setFaults([]);
        counts.runs++;
        const events = out.stdout
          .split('\n')
          .filter((l) => l.startsWith('{'))
          .map((l) => JSON.parse(l) as RunEvent);
        const started = events.find((e) => e.type === 'run.started');
        const runId = started?.type === 'run.started' ? started.runId : '';
        const v = checkRun({
          events,
          exitCode: out.code ?? -1,
          root,
          runId,
          runbook: name,
          jobs: await emu.jobs(),
        });
        if (`${out.stdout}${out.stderr}`.includes(APP_SECRET)) v.push('the app secret was printed');
        if (/^\s+at /m.test(out.stderr)) v.push(`a stack trace on stderr: ${out.stderr}`);
        for (const x of v) {
          counts.violations++;
          violations.add(i, `${x} (faults ${JSON.stringify(rules)})`);
        }
      }
      report('fault-cli', counts);
      expect(violations.list, violations.summary()).toEqual([]);
    },
    size(90_000, 900_000),
  );
});
