// 1. Cold start: a new process each time, interleaved with the `node -e 0` baseline in the same run.
import { existsSync } from 'node:fs';
import { NODE, ROOT, RUNBOOK_BIN } from '../lib/paths.mjs';
import { expectOk, measure } from '../lib/proc.mjs';
import { figure, info, missing } from '../lib/report.mjs';
import { median } from '../lib/stats.mjs';

export const quiet = true;
export const title = 'cold start';

export async function run({ reps, log }) {
  const maintenance = 'runbooks/maintenance.yaml';
  const hasMaintenance = existsSync(`${ROOT}${maintenance}`);
  const commands = {
    baseline: [NODE, ['-e', '0']],
    version: [NODE, [RUNBOOK_BIN, '--version']],
    ...(hasMaintenance ? { validate: [NODE, [RUNBOOK_BIN, 'validate', maintenance]] } : {}),
  };
  const wall = { baseline: [], version: [], validate: [] };
  const errors = {};
  // One discarded round warms the page cache; then rounds interleave the commands so that drift
  // of a noisy machine hits the baseline and the CLI alike.
  for (let i = -1; i < reps; i++) {
    for (const [key, [cmd, args]] of Object.entries(commands)) {
      const r = await measure(cmd, args, { cwd: ROOT });
      if (r.code !== 0) {
        errors[key] = `exit ${r.code}: ${(r.stderr || r.stdout).trim().split('\n').slice(0, 3).join(' | ')}`;
        continue;
      }
      if (i >= 0) wall[key].push(r.wallMs);
    }
  }
  expectOk({ code: wall.baseline.length ? 0 : 1, stderr: errors.baseline ?? '', stdout: '' }, 'node -e 0');
  const base = median(wall.baseline);
  log(`  node -e 0 median ${base.toFixed(1)} ms`);
  const figures = [];
  const infos = [info('cold start: node -e 0 (baseline)', 'ms', wall.baseline)];
  figures.push(
    wall.version.length
      ? figure('cold start: runbook --version', 'ms', wall.version, 2 * base, '<=', '2× node -e 0')
      : missing('cold start: runbook --version', 'ms', 2 * base, '<=', errors.version ?? 'no run'),
  );
  const vName = `cold start: runbook validate ${maintenance}`;
  figures.push(
    !hasMaintenance
      ? missing(vName, 'ms', 3 * base, '<=', `${maintenance} does not exist yet`)
      : wall.validate.length
        ? figure(vName, 'ms', wall.validate, 3 * base, '<=', '3× node -e 0')
        : missing(vName, 'ms', 3 * base, '<=', errors.validate ?? 'no run'),
  );
  return { figures, infos };
}
