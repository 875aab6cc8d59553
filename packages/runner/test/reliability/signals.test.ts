import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Emulator, startEmulator } from '@runbook/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../src/engine/events.js';
import { exited, runCli, spawnCli, waitFor } from '../helpers.js';
import { caseSeed, cases, createRng, type Rng, report, SEED, size, tally, Violations } from './campaign.js';
import { rollingOf } from './fault-draw.js';
import { checkRun, jobsByStep, readRecordFile } from './invariants.js';

const APP_SECRET = 'signals-app-secret-CANARY';
let emu: Emulator;
let dir: string;
beforeAll(async () => {
  emu = await startEmulator({
    exec: 'simulate',
    seed: SEED,
    config: {
      apps: { 'sig-app': APP_SECRET },
      exec: 'simulate',
      simulate: { durationMs: [60, 400], failRate: 0.05, logLines: 2 },
    },
  });
  dir = await mkdtemp(join(tmpdir(), 'runbook-signals-'));
});
afterAll(async () => {
  await emu?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const env = () => ({
  BK_ESB_URL: emu.url,
  BK_APP_CODE: 'sig-app',
  BK_APP_SECRET: APP_SECRET,
  BK_USERNAME: 'tester',
});
/** SIGHUP: the terminal or SSH session of the operator went away. */
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

const ndjson = (text: string) =>
  text
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as RunEvent);

/** 2–4 steps on three hosts; about a third of them roll (`rollingOf`, from a generator of their own). */
function runbook(name: string, steps: number, rolling: Rng = createRng(0)): string {
  let t = `version: 1\nname: ${name}\nbiz: 1\ndefaults:\n  account: root\n  timeout: 60\n  on_failure: continue\nsteps:\n`;
  for (let s = 1; s <= steps; s++)
    t += `  - name: s${s}\n    hosts: ["10.9.${s}.1", "10.9.${s}.2", "10.9.${s}.3"]\n${rollingOf(rolling)}    script: echo ${s}\n`;
  return t;
}

const counts = tally();
afterAll(() => report('signals', counts));

describe('signals: SIGINT / SIGTERM / SIGHUP at random moments of an apply, then --resume', () => {
  it(
    'the record stays consistent and --resume finishes without submitting any submitted step again',
    async () => {
      const violations = new Violations('signals');
      for (const i of cases(size(4, 80))) {
        const rng = createRng(caseSeed('signals', i));
        const name = `sig-${SEED}-${i}`;
        const file = join(dir, `${name}.yaml`);
        await writeFile(file, runbook(name, rng.int(2, 4), createRng(caseSeed('signals-rolling', i))));
        const state = join(dir, 'runs');
        const args = [
          'apply',
          file,
          '--yes',
          '--ui',
          'json',
          '--poll-initial',
          '20',
          '--poll-max',
          '100',
          '--state-dir',
          state,
        ];
        const child = spawnCli(args, { cwd: dir, env: env() });
        child.stdin.end();
        // A random moment: after the k-th event (run.started is the first), or as soon as it starts.
        const k = rng.int(0, 12);
        const signal = rng.pick(SIGNALS);
        const twice = rng.chance(0.15);
        await waitFor(
          `event ${k}`,
          () => (ndjson(child.output().stdout).length >= k || child.exitCode !== null ? true : undefined),
          20_000,
        );
        const v: string[] = [];
        if (child.exitCode === null) {
          child.kill(signal);
          counts.signals++;
          if (twice) {
            child.kill(signal);
            counts.signals++;
          }
        }
        const first = await exited(child, 30_000);
        counts.runs++;
        const events = ndjson(first.stdout);
        const started = events.find((e) => e.type === 'run.started');
        const runId = started?.type === 'run.started' ? started.runId : undefined;
        if (!runId) {
          // Stopped before the run began: nothing may have been sent.
          if (jobsByStep(emu.jobs(), name).size > 0) v.push('jobs exist for a run that never started');
        } else {
          if (!twice) {
            v.push(
              ...checkRun({
                events,
                exitCode: first.code ?? -1,
                root: state,
                runId,
                runbook: name,
                jobs: emu.jobs(),
                allowedExits: [0, 1, 130],
              }).map((x) => `after ${signal}: ${x}`),
            );
            if (first.code === 130 && !/--resume/.test(first.stderr))
              v.push('exit 130 without the resume command');
          }
          const before = jobsByStep(emu.jobs(), name);
          const rec = readRecordFile(state, runId);
          const mayHave = rec.steps.some((s) => s.state === 'submitting' || s.state === 'may-have-started');
          const resumed = await runCli([...args, '--resume', runId], {
            cwd: dir,
            env: env(),
            timeoutMs: 30_000,
          });
          counts.runs++;
          const allowed = mayHave ? [4] : [0, 1];
          v.push(
            ...checkRun({
              events: ndjson(resumed.stdout),
              exitCode: resumed.code ?? -1,
              root: state,
              runId,
              runbook: name,
              jobs: emu.jobs(),
              allowedExits: allowed,
              rerunFailed: true,
            }).map((x) => `after --resume: ${x}`),
          );
          const after = jobsByStep(emu.jobs(), name);
          for (const [step, js] of before) {
            // Only a step that failed is run again by --resume, on purpose.
            const was = rec.steps.find((s) => s.name === step)?.state;
            // A rolling step's resume sends its batches not run yet: checkBatches (in checkRun) holds
            // it to never sending a host again after it succeeded.
            const rolling = (rec.steps.find((x) => x.name === step) as { batches?: unknown[] } | undefined)
              ?.batches;
            if (!rolling && was !== 'failed' && (after.get(step) ?? []).length !== js.length)
              v.push(`--resume submitted step ${step} (${was}) again`);
          }
          if (mayHave && after.size !== before.size)
            v.push('--resume sent a step while a person had to be asked');
          if (!mayHave && resumed.code !== 0 && resumed.code !== 1)
            v.push(`--resume exited ${resumed.code}: ${resumed.stderr.slice(0, 300)}`);
        }
        for (const x of v) {
          counts.violations++;
          violations.add(i, `${signal}${twice ? ' twice' : ''} after event ${k}: ${x}`);
        }
      }
      expect(violations.list, violations.summary()).toEqual([]);
    },
    size(120_000, 1_200_000),
  );
});

/** What one process of a concurrent case did. */
interface Outcome {
  pid: number;
  code: number;
  stdout: string;
  stderr: string;
  events: RunEvent[];
}

/** Starts `n` CLI processes with the same arguments at once and waits for every one. */
async function together(n: number, args: string[]): Promise<Outcome[]> {
  const kids = Array.from({ length: n }, () => spawnCli(args, { cwd: dir, env: env() }));
  for (const k of kids) k.stdin.end();
  const done = await Promise.all(kids.map((k) => exited(k, 60_000)));
  return done.map((r, i) => ({ ...r, pid: kids[i]!.pid!, code: r.code ?? -1, events: ndjson(r.stdout) }));
}

/**
 * The lock's promises, from the processes' own output: a refused process (exit 2) sent nothing and
 * named a sibling as the holder; the runs of the processes that went on never overlapped in time;
 * and every job of the runbook on JOB was announced by exactly one of them.
 */
function checkTogether(name: string, outs: Outcome[], runbookName: string, earlier: Set<number>): string[] {
  const v: string[] = [];
  const pids = new Set(outs.map((o) => o.pid));
  const spans: Array<[number, number]> = [];
  const announced = new Map<number, number>();
  for (const o of outs) {
    if (o.code === 2) {
      const holder = /is being applied by process (\d+)/.exec(o.stderr);
      if (!holder) v.push(`${name}: exit 2 without naming the holder: ${o.stderr.slice(0, 300)}`);
      else if (!pids.has(Number(holder[1])) || Number(holder[1]) === o.pid)
        v.push(`${name}: refused naming process ${holder[1]}, not one of its siblings`);
      if (o.events.length > 0) v.push(`${name}: a refused process printed events`);
      continue;
    }
    if (![0, 1, 4, 130].includes(o.code)) v.push(`${name}: exit ${o.code}: ${o.stderr.slice(0, 300)}`);
    const start = o.events.find((e) => e.type === 'run.started');
    const end = o.events.find((e) => e.type === 'run.finished');
    if (start && end) spans.push([Date.parse(start.ts), Date.parse(end.ts)]);
    for (const e of o.events)
      if (e.type === 'step.submitted' && !e.reattached)
        announced.set(e.jobInstanceId, (announced.get(e.jobInstanceId) ?? 0) + 1);
  }
  spans.sort((a, b) => a[0] - b[0]);
  for (let k = 1; k < spans.length; k++)
    if (spans[k]![0] < spans[k - 1]![1]) v.push(`${name}: two processes ran at the same time`);
  for (const [step, jobs] of jobsByStep(emu.jobs(), runbookName)) {
    for (const j of jobs) {
      if (earlier.has(j.jobInstanceId)) continue;
      if (announced.get(j.jobInstanceId) !== 1)
        v.push(
          `${name}: job ${j.jobInstanceId} of step ${step} announced ${announced.get(j.jobInstanceId) ?? 0} times`,
        );
    }
  }
  return v;
}

describe('signals: two or three processes at once on one run or one runbook', () => {
  it(
    'one goes on, the others are refused naming it: no step is submitted twice',
    async () => {
      const violations = new Violations('concurrent');
      for (const i of cases(size(3, 60))) {
        const rng = createRng(caseSeed('concurrent', i));
        const name = `conc-${SEED}-${i}`;
        const file = join(dir, `${name}.yaml`);
        await writeFile(file, runbook(name, rng.int(2, 4), createRng(caseSeed('signals-rolling', i))));
        const state = join(dir, `conc-runs-${i}`);
        const args = [
          'apply',
          file,
          '--yes',
          '--ui',
          'json',
          '--poll-initial',
          '20',
          '--poll-max',
          '100',
          '--state-dir',
          state,
        ];
        const n = rng.int(2, 3);
        const v: string[] = [];
        if (rng.chance(0.5)) {
          // Applies of one runbook to one JOB scope at once.
          const outs = await together(n, args);
          counts.runs += n;
          v.push(...checkTogether(`${n} applies`, outs, name, new Set()));
        } else {
          // A run stopped by a signal at a random moment, then resumed by several processes at once.
          const child = spawnCli(args, { cwd: dir, env: env() });
          child.stdin.end();
          const k = rng.int(1, 12);
          const signal = rng.pick(SIGNALS);
          await waitFor(
            `event ${k}`,
            () => (ndjson(child.output().stdout).length >= k || child.exitCode !== null ? true : undefined),
            20_000,
          );
          if (child.exitCode === null) {
            child.kill(signal);
            counts.signals++;
          }
          const first = await exited(child, 30_000);
          counts.runs++;
          const started = ndjson(first.stdout).find((e) => e.type === 'run.started');
          if (started?.type !== 'run.started') {
            v.push(`the first apply never started: exit ${first.code} ${first.stderr.slice(0, 300)}`);
          } else {
            const before = new Set(
              emu
                .jobs()
                .filter((j) => j.name.startsWith(`${name}/`))
                .map((j) => j.jobInstanceId),
            );
            const outs = await together(n, [...args, '--resume', started.runId]);
            counts.runs += n;
            v.push(...checkTogether(`${n} resumes after ${signal} at event ${k}`, outs, name, before));
            // The record tells what the process that ran last did.
            const endOf = (o: Outcome) =>
              Date.parse(o.events.find((e) => e.type === 'run.finished')?.ts ?? '') || 0;
            const last = outs
              .filter((o) => o.code !== 2)
              .sort((a, b) => endOf(a) - endOf(b))
              .at(-1);
            v.push(
              ...checkRun({
                // The exit code and the events of the process that ran last: earlier ones may have
                // failed a step that the last one ran again, on purpose.
                events: last?.events ?? [],
                exitCode: last?.code ?? 130,
                root: state,
                runId: started.runId,
                runbook: name,
                jobs: emu.jobs(),
                allowedExits: [0, 1, 4, 130],
                rerunFailed: true,
              }).map((x) => `after ${n} resumes: ${x}`),
            );
          }
        }
        for (const x of v) {
          counts.violations++;
          violations.add(i, x);
        }
      }
      expect(violations.list, violations.summary()).toEqual([]);
    },
    size(120_000, 1_800_000),
  );
});
