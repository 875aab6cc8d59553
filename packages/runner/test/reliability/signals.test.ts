import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Emulator, startEmulator } from '@runbook/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../src/engine/events.js';
import { exited, runCli, spawnCli, waitFor } from '../helpers.js';
import { caseSeed, cases, createRng, report, SEED, size, tally, Violations } from './campaign.js';
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
const ndjson = (text: string) =>
  text
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as RunEvent);

function runbook(name: string, steps: number): string {
  let t = `version: 1\nname: ${name}\nbiz: 1\ndefaults:\n  account: root\n  timeout: 60\n  on_failure: continue\nsteps:\n`;
  for (let s = 1; s <= steps; s++)
    t += `  - name: s${s}\n    hosts: ["10.9.${s}.1", "10.9.${s}.2", "10.9.${s}.3"]\n    script: echo ${s}\n`;
  return t;
}

describe('signals: SIGINT / SIGTERM at random moments of an apply, then --resume', () => {
  const counts = tally();
  afterAll(() => report('signals', counts));

  it(
    'the record stays consistent and --resume finishes without submitting any submitted step again',
    async () => {
      const violations = new Violations('signals');
      for (const i of cases(size(4, 80))) {
        const rng = createRng(caseSeed('signals', i));
        const name = `sig-${SEED}-${i}`;
        const file = join(dir, `${name}.yaml`);
        await writeFile(file, runbook(name, rng.int(2, 4)));
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
        const signal = rng.pick(['SIGINT', 'SIGTERM'] as const);
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
            if (was !== 'failed' && (after.get(step) ?? []).length !== js.length)
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
