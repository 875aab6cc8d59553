// 3. Engine overhead: `runbook apply --local --yes --ui stream`, 10 steps × 10 hosts running `true`.
// Overhead per step = (apply wall time − 10 × the scripts' own time per step) / 10, where the scripts'
// own time per step is measured in the same run: 10 `bash script.sh` (`true`) started at once from
// node and waited for, which is what the emulator's local executor does for one step.
import { spawn } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { localRunbook, writeFiles } from '../lib/gen.mjs';
import { NODE, OUT, RUNBOOK_BIN } from '../lib/paths.mjs';
import { measure } from '../lib/proc.mjs';
import { figure, info, missing } from '../lib/report.mjs';
import { median } from '../lib/stats.mjs';

export const quiet = true;
export const title = 'engine overhead';
const STEPS = 10;
const HOSTS = 10;
const TARGET = 60;

async function scriptsOwnTime(file) {
  const t0 = performance.now();
  await Promise.all(
    Array.from(
      { length: HOSTS },
      () =>
        new Promise((resolve, reject) => {
          const c = spawn('bash', [file], { stdio: ['ignore', 'pipe', 'pipe'] });
          c.once('error', reject);
          c.once('close', resolve);
        }),
    ),
  );
  return performance.now() - t0;
}

export async function run({ reps, log }) {
  const dir = `${OUT}overhead`;
  await rm(dir, { recursive: true, force: true });
  const [file] = await writeFiles(dir, [['overhead.yaml', localRunbook('overhead', STEPS, HOSTS, 'true')]]);
  const script = join(dir, 'script.sh');
  await writeFile(script, 'true\n', { mode: 0o700 });
  const name = `engine overhead per step (${STEPS} steps × ${HOSTS} hosts, --local, stream)`;
  const perStep = [];
  const own = [];
  const walls = [];
  for (let i = -1; i < reps; i++) {
    const scripts = [];
    for (let s = 0; s < STEPS; s++) scripts.push(await scriptsOwnTime(script));
    const r = await measure(NODE, [RUNBOOK_BIN, 'apply', file, '--local', '--yes', '--ui', 'stream'], {
      cwd: dir,
      env: { CI: '1' },
    });
    if (r.code !== 0) {
      const why = (r.stderr || r.stdout).trim().split('\n').slice(-4).join(' | ');
      return { figures: [missing(name, 'ms', TARGET, '<=', `exit ${r.code}: ${why}`)], infos: [] };
    }
    if (i < 0) continue; // warm-up round
    const s = median(scripts);
    own.push(s);
    walls.push(r.wallMs);
    perStep.push((r.wallMs - STEPS * s) / STEPS);
    log(
      `  run ${i + 1}: apply ${r.wallMs.toFixed(0)} ms, scripts ${s.toFixed(1)} ms/step, CPU ${r.cpuMs.toFixed(0)} ms`,
    );
  }
  return {
    figures: [
      figure(
        name,
        'ms',
        perStep,
        TARGET,
        '<=',
        "whole-process wall time minus the scripts, divided by 10; JOB's callback on (the --local default)",
      ),
    ],
    infos: [
      info('engine overhead: whole apply wall time', 'ms', walls),
      info('engine overhead: scripts’ own time per step', 'ms', own),
    ],
  };
}
