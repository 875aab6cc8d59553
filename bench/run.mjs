#!/usr/bin/env node
// `pnpm bench [--quick] [--only a,b] [--reps N] [--no-build]`: runs every benchmark, prints one table
// and writes bench/out/results.json (graded figures) and bench/out/context.json (baselines, machine).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import * as ansible from './cases/ansible.mjs';
import * as coldstart from './cases/coldstart.mjs';
import * as economy from './cases/economy.mjs';
import * as fanout from './cases/fanout.mjs';
import * as overhead from './cases/overhead.mjs';
import * as validation from './cases/validation.mjs';
import { OUT, ROOT } from './lib/paths.mjs';
import { method } from './lib/proc.mjs';
import { markdown, table, writeJson } from './lib/report.mjs';

const CASES = { coldstart, validation, overhead, fanout, economy, ansible };

const HELP = `pnpm bench [--quick] [--only CASES] [--reps N] [--no-build]

Runs the benchmarks, prints the table of figures (median, min–max, target, verdict) and writes
bench/out/results.json (the graded figures), results.md (the same table in Markdown) and
context.json (baselines, machine). How each figure is measured: bench/README.md.

  --quick       3 runs each and shorter fan-outs: a smoke test of about a minute
  --only CASES  these cases only, comma-separated: ${Object.keys(CASES).join(', ')}
  --reps N      runs of each figure (default 5)
  --no-build    use the packages as built (default: turbo builds them first)
  -h, --help    this text

Exit 0 when every figure meets its target, 1 when one does not.
`;

let values;
try {
  ({ values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      reps: { type: 'string' },
      'no-build': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  }));
} catch (err) {
  process.stderr.write(`bench: ${err.message}\n\n${HELP}`);
  process.exit(2);
}
if (values.help) {
  process.stdout.write(HELP);
  process.exit(0);
}
const quick = values.quick;
const reps = values.reps ? Number(values.reps) : quick ? 3 : 5;
const only = values.only ? values.only.split(',') : Object.keys(CASES);
for (const k of only)
  if (!Object.hasOwn(CASES, k)) throw new Error(`unknown benchmark ${k}: ${Object.keys(CASES).join(', ')}`);
const log = (s) => process.stderr.write(`${s}\n`);

function build() {
  if (values['no-build']) return;
  const r = spawnSync('npx', ['turbo', 'run', 'build', '--output-logs=errors-only'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  if (r.status !== 0) {
    const dists = ['core', 'schema', 'runner', 'emulator'].map((p) => `${ROOT}packages/${p}/dist`);
    if (!dists.every((d) => existsSync(d))) throw new Error('the build failed and some dist/ is missing');
    log('bench: the build failed; measuring the dist/ already there');
  }
}

function machine() {
  const sh = (cmd, args) => {
    try {
      return execFileSync(cmd, args, { encoding: 'utf8' }).trim();
    } catch {
      return '';
    }
  };
  return {
    nproc: Number(sh('nproc', [])) || cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
    memory: `${sh('free', ['-h']).split('\n')[1]?.split(/\s+/)[1] || `${(totalmem() / 2 ** 30).toFixed(1)}Gi`} RAM`,
    node: process.version,
    kernel: sh('uname', ['-sr']),
    rusage:
      method === 'gnu-time' ? 'GNU time (/usr/bin/time -f "%U %S %M")' : 'process.resourceUsage() preload',
    git: sh('git', ['-C', ROOT, 'rev-parse', '--short', 'HEAD']),
  };
}

const buildStart = performance.now();
build();
const buildSeconds = (performance.now() - buildStart) / 1000;
const started = performance.now();
const loadBefore = loadavg()[0];
const figures = [];
const infos = [];
const m = machine();
log(`bench: ${quick ? 'quick, ' : ''}${reps} runs each; ${m.nproc} CPUs, node ${m.node}, ${m.rusage}`);

/**
 * Cases timed by the wall clock (`quiet`) start once the load the case before left has faded: the
 * one-minute load average below 1, waited for at most 90 s. It also decides whether `runbook
 * validate` starts a worker thread, so a case just after a busy one would measure that one too.
 */
async function settle(title) {
  const t0 = performance.now();
  while (loadavg()[0] >= 1 && performance.now() - t0 < 90_000) await sleep(2_000);
  const waited = (performance.now() - t0) / 1000;
  if (waited >= 1)
    log(
      `bench: waited ${waited.toFixed(0)} s for the load to settle before ${title} (load ${loadavg()[0].toFixed(2)})`,
    );
}

async function runCase(key) {
  const c = CASES[key];
  if (c.quiet && !quick) await settle(c.title);
  const t0 = performance.now();
  log(`bench: ${c.title}…`);
  try {
    const r = await c.run({ reps, quick, log });
    log(`bench: ${c.title} done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    return r;
  } catch (err) {
    log(`bench: ${c.title} failed: ${err.stack ?? err}`);
    return { figures: [], infos: [], error: `${c.title}: ${err.message}` };
  }
}

// In --quick, the API economy case (a long job that mostly waits) runs beside the others.
const background = quick && only.includes('economy') ? runCase('economy') : undefined;
const errors = [];
const results = {};
for (const key of only) {
  if (key === 'economy' && background) continue;
  results[key] = await runCase(key);
}
if (background) results.economy = await background;
for (const key of only) {
  figures.push(...results[key].figures);
  infos.push(...results[key].infos);
  if (results[key].error) errors.push(results[key].error);
}

const seconds = (performance.now() - started) / 1000;
process.stdout.write(`\n${table(figures, infos)}\n\n`);
const load = `load average ${loadBefore.toFixed(1)} before, ${loadavg()[0].toFixed(1)} after`;
process.stdout.write(
  `${m.nproc} CPUs (${m.cpu}), ${m.memory}, node ${m.node}; ${load}; ${seconds.toFixed(0)} s (+ ${buildSeconds.toFixed(0)} s build)\n`,
);
await writeJson(`${OUT}results.json`, figures);
await writeFile(
  `${OUT}results.md`,
  `${markdown(figures, infos)}\n${m.nproc} CPUs (${m.cpu}), ${m.memory}, node ${m.node}, ${load}\n`,
);
await writeJson(`${OUT}context.json`, {
  quick,
  reps,
  seconds,
  buildSeconds,
  load,
  machine: m,
  infos,
  errors,
});
const failed = figures.filter((f) => f.verdict === 'fail').length;
process.stdout.write(`${figures.length - failed} pass, ${failed} fail; ${OUT}results.json\n`);
process.exitCode = failed || errors.length ? 1 : 0;
