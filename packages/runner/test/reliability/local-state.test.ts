import { spawnSync } from 'node:child_process';
import { closeSync, constants, openSync, writeSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Emulator, startEmulator } from '@runbook/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../src/engine/events.js';
import { type CliResult, exited, runCli, spawnCli, waitFor } from '../helpers.js';
import {
  caseSeed,
  cases,
  createRng,
  type Rng,
  report,
  SEED,
  STACK,
  size,
  tally,
  Violations,
} from './campaign.js';
import { rollingOf } from './fault-draw.js';
import { jobsByStep } from './invariants.js';

// A state folder that is not a folder, read-only or full from the start, or that fills up or turns
// read-only in the middle of a run. What must hold: exit 5; nothing sent when found before the first
// submit; no step submitted twice; and every job JOB started is known afterwards, from the record
// or from the list the runner prints when it cannot save the record.
//
// The read-only and full folders are tmpfs mounts in a private mount namespace of the CLI process
// (`unshare -rm`), so they work for root (whom chmod does not stop) and vanish with the process. A
// background job inside that namespace makes the disk full or read-only when the test writes to a
// FIFO; after the run, `runbook runs --json` reads the record in the same namespace.

const APP_SECRET = 'local-state-app-secret-CANARY';
const MODES = [
  'not-a-folder',
  'read-only',
  'full',
  'run-folder-read-only',
  'fills-up',
  'turns-read-only',
] as const;
type Mode = (typeof MODES)[number];

/**
 * Runs under `sh -c` in the namespace: $1 the state folder (for run-folder-read-only: the run's
 * folder), $2 the mode, $3 the FIFO, $4 where `runs --json` goes; then the CLI's command line.
 */
const SCRIPT = `state=$1 mode=$2 fifo=$3 out=$4; shift 4
case $mode in
  run-folder-read-only) mount --bind "$state" "$state" && mount -o remount,bind,ro "$state" || exit 97 ;;
  *) mount -t tmpfs -o size=256k tmpfs "$state" || exit 97 ;;
esac
case $mode in
  read-only) mount -o remount,ro "$state" ;;
  full) head -c 64M /dev/zero > "$state/fill" 2>/dev/null ;;
  fills-up) (cat "$fifo" > /dev/null; head -c 64M /dev/zero > "$state/fill" 2>/dev/null) & ;;
  turns-read-only) (cat "$fifo" > /dev/null; mount -o remount,ro "$state") & ;;
esac
"$@"; code=$?
rm -f "$state/fill" 2>/dev/null; mount -o remount,rw "$state" 2>/dev/null
"$1" "$2" runs --json --state-dir "$state" > "$out"; echo "runs exit $?" >> "$out.code"
exit $code`;

let emu: Emulator;
let dir: string;
beforeAll(async () => {
  emu = await startEmulator({
    exec: 'simulate',
    seed: SEED,
    config: {
      apps: { 'ls-app': APP_SECRET },
      exec: 'simulate',
      simulate: { durationMs: [60, 300], failRate: 0.05, logLines: 2 },
    },
  });
  dir = await mkdtemp(join(tmpdir(), 'runbook-local-state-'));
  const probe = join(dir, 'probe');
  await mkdir(probe);
  const r = spawnSync('unshare', ['-rm', 'sh', '-c', 'mount -t tmpfs tmpfs "$0"', probe], {
    encoding: 'utf8',
  });
  if (r.status !== 0)
    throw new Error(`this campaign mounts a tmpfs with "unshare -rm", which failed here: ${r.stderr}`);
});
afterAll(async () => {
  await emu?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const env = () => ({
  BK_ESB_URL: emu.url,
  BK_APP_CODE: 'ls-app',
  BK_APP_SECRET: APP_SECRET,
  BK_USERNAME: 'tester',
});

/** 2–4 steps on two hosts; about a third of them roll (`rollingOf`, from a generator of their own). */
function runbook(name: string, steps: number, rolling: Rng = createRng(0)): string {
  let t = `version: 1\nname: ${name}\nbiz: 1\ndefaults:\n  account: root\n  timeout: 60\n  on_failure: continue\nsteps:\n`;
  for (let s = 1; s <= steps; s++)
    t += `  - name: s${s}\n    hosts: ["10.7.${s}.1", "10.7.${s}.2"]\n${rollingOf(rolling)}    script: echo ${s}\n`;
  return t;
}

const ndjson = (text: string) =>
  text
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as RunEvent);

/** Makes the background job in the CLI's namespace fill the disk or remount it read-only now. */
function trigger(fifo: string): boolean {
  try {
    const fd = openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
    writeSync(fd, 'go\n');
    closeSync(fd);
    return true;
  } catch {
    return false; // nobody reads it yet (ENXIO) or any more
  }
}

interface Case {
  mode: Mode;
  name: string;
  file: string;
  state: string;
  fifo: string;
  out: string;
  /** The moment a mid-run mode strikes: after this many events. */
  k: number;
}

/** Starts the case's apply (or, for run-folder-read-only, a resume) where its state folder fails. */
async function runCase(
  c: Case,
  counts: ReturnType<typeof tally>,
): Promise<{ res: CliResult; before: number }> {
  const args = ['apply', c.file, '--yes', '--ui', 'json', '--poll-initial', '20', '--poll-max', '100'];
  let stateDir = c.state;
  let target = c.state;
  let extra: string[] = [];
  if (c.mode === 'not-a-folder') stateDir = join(c.file, 'runs');
  else await mkdir(c.state);
  if (c.mode === 'run-folder-read-only') {
    // A run whose first step ran; its resume finds the locks' folder writable, the run's folder not.
    const first = await runCli([...args, '--only', 's1', '--state-dir', c.state], { cwd: dir, env: env() });
    counts.runs++;
    const started = ndjson(first.stdout).find((e) => e.type === 'run.started');
    // Exit 1 is a host the simulator failed (failRate): its step reruns on the resume, which is
    // still a resume into a run folder that cannot take the record.
    if ((first.code !== 0 && first.code !== 1) || started?.type !== 'run.started')
      throw new Error(`the first run failed (exit ${first.code}): ${first.stderr}`);
    extra = ['--resume', started.runId];
    target = join(c.state, started.runId);
  }
  const before = emu.jobs().length;
  if (c.mode !== 'not-a-folder') spawnSync('mkfifo', [c.fifo]);
  const prefix =
    c.mode === 'not-a-folder'
      ? undefined
      : ['unshare', '-rm', 'sh', '-c', SCRIPT, 'sh', target, c.mode, c.fifo, c.out];
  const child = spawnCli([...args, '--state-dir', stateDir, ...extra], {
    cwd: dir,
    env: env(),
    ...(prefix ? { prefix } : {}),
  });
  child.stdin.end();
  counts.runs++;
  if (c.mode === 'fills-up' || c.mode === 'turns-read-only') {
    await waitFor(
      `event ${c.k}`,
      () => (ndjson(child.output().stdout).length >= c.k || child.exitCode !== null ? true : undefined),
      20_000,
    );
    if (child.exitCode === null && trigger(c.fifo)) counts.faults++;
  } else counts.faults++;
  return { res: await exited(child, 60_000), before };
}

/** Found before the first submit: exit 5, a clear reason, nothing sent. */
function checkBeforeSubmit(res: CliResult, sent: number): string[] {
  const v: string[] = [];
  if (res.code !== 5) v.push(`exit ${res.code}, not 5: ${res.stderr.slice(0, 300)}`);
  if (sent > 0) v.push(`${sent} job(s) sent although the state folder was unusable from the start`);
  if (!/\((E[A-Z]+)\)/.test(res.stderr)) v.push(`no clear reason: ${res.stderr.slice(0, 300)}`);
  return v;
}

/** Struck mid-run: exit 0, 1 or 5 (as its last event says), and every job JOB started is known. */
async function checkMidRun(c: Case, res: CliResult): Promise<string[]> {
  const v: string[] = [];
  const finished = ndjson(res.stdout).find((e) => e.type === 'run.finished');
  if (![0, 1, 5].includes(res.code ?? -1)) v.push(`exit ${res.code}: ${res.stderr.slice(0, 300)}`);
  if (finished?.type === 'run.finished' && finished.exitCode !== res.code)
    v.push(`run.finished says ${finished.exitCode}, the process exited ${res.code}`);
  if (res.code === 5 && !/could not be saved/.test(res.stderr + res.stdout))
    v.push(`exit 5 without saying what could not be saved: ${res.stderr.slice(0, 300)}`);
  // Known: in the record as saved (read in the namespace after the run), or printed on stderr.
  const recorded = new Set<number>();
  try {
    for (const line of (await readFile(c.out, 'utf8')).split('\n').filter(Boolean)) {
      for (const s of JSON.parse(line).steps ?? []) {
        if (s.jobInstanceId !== undefined) recorded.add(s.jobInstanceId);
        for (const b of s.batches ?? []) if (b.jobInstanceId !== undefined) recorded.add(b.jobInstanceId);
      }
    }
    if (!(await readFile(`${c.out}.code`, 'utf8')).includes('runs exit 0'))
      v.push('runbook runs failed after the run');
  } catch (err) {
    v.push(`runs --json after the run: ${(err as Error).message}`);
  }
  for (const [step, jobs] of jobsByStep(emu.jobs(), c.name)) {
    for (const j of jobs) {
      if (!recorded.has(j.jobInstanceId) && !res.stderr.includes(`  ${step}: job ${j.jobInstanceId} (`))
        v.push(`job ${j.jobInstanceId} of step ${step} is neither in the record nor printed`);
    }
  }
  return v;
}

describe('local state: a state folder that is not a folder, read-only or full, from the start or mid-run', () => {
  const counts = tally();
  afterAll(() => report('local-state', counts));

  it(
    'exit 5; nothing sent when found before the first submit; every job started is known',
    async () => {
      const violations = new Violations('local-state');
      for (const i of cases(size(MODES.length, 60))) {
        const rng = createRng(caseSeed('local-state', i));
        const name = `ls-${SEED}-${i}`;
        const c: Case = {
          mode: MODES[i % MODES.length]!,
          name,
          file: join(dir, `${name}.yaml`),
          state: join(dir, `state-${i}`),
          fifo: join(dir, `fifo-${i}`),
          out: join(dir, `runs-${i}.json`),
          k: rng.int(1, 8),
        };
        await writeFile(c.file, runbook(name, rng.int(2, 4), createRng(caseSeed('local-state-rolling', i))));
        const v: string[] = [];
        try {
          const { res, before } = await runCase(c, counts);
          if (STACK.test(res.stderr)) v.push(`stack trace: ${res.stderr.slice(0, 400)}`);
          // No host of a step in two jobs: a rolling step has a job per batch, each batch's hosts once.
          for (const [step, js] of jobsByStep(emu.jobs(), name)) {
            const hosts = js.flatMap((j) => j.hosts.map((h) => `${h.bk_cloud_id}:${h.ip}`));
            if (new Set(hosts).size !== hosts.length)
              v.push(`step ${step} was submitted twice on a host (${js.length} jobs)`);
          }
          const midRun = c.mode === 'fills-up' || c.mode === 'turns-read-only';
          v.push(
            ...(midRun ? await checkMidRun(c, res) : checkBeforeSubmit(res, emu.jobs().length - before)),
          );
        } catch (err) {
          v.push((err as Error).message);
        }
        for (const x of v) {
          counts.violations++;
          violations.add(
            i,
            `${c.mode}${c.mode.endsWith('up') || c.mode.startsWith('turns') ? ` after event ${c.k}` : ''}: ${x}`,
          );
        }
      }
      expect(violations.list, violations.summary()).toEqual([]);
    },
    size(120_000, 1_200_000),
  );
});
