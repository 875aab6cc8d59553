#!/usr/bin/env node
// `pnpm test:soak`: the reliability campaigns at full size (SOAK=1), then the counts they wrote.
// RELIABILITY_SEED=N picks another seed; the default seed makes the run repeatable.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const runner = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const countsDir = mkdtempSync(join(tmpdir(), 'runbook-soak-'));
const started = Date.now();
const child = spawn('npx', ['vitest', 'run', 'test/reliability', ...process.argv.slice(2)], {
  cwd: runner,
  stdio: 'inherit',
  env: { ...process.env, SOAK: '1', RELIABILITY_COUNTS_DIR: countsDir },
});
const code = await new Promise((resolve) => child.on('close', (c) => resolve(c ?? 1)));

const rows = readdirSync(countsDir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(join(countsDir, f), 'utf8')))
  .sort((a, b) => a.campaign.localeCompare(b.campaign));
rmSync(countsDir, { recursive: true, force: true });
const keys = ['runs', 'faults', 'inputs', 'signals', 'violations', 'secrets'];
const total = Object.fromEntries(keys.map((k) => [k, rows.reduce((n, r) => n + (r[k] ?? 0), 0)]));
const pad = (s, n) => String(s).padStart(n);
const out = [
  '',
  `reliability soak: seed ${rows[0]?.seed ?? process.env.RELIABILITY_SEED ?? 20261127}, ${Math.round((Date.now() - started) / 1000)} s, vitest exit ${code}`,
  `${'campaign'.padEnd(12)}${keys.map((k) => pad(k, 11)).join('')}`,
  ...rows.map((r) => `${r.campaign.padEnd(12)}${keys.map((k) => pad(r[k] ?? 0, 11)).join('')}`),
  `${'total'.padEnd(12)}${keys.map((k) => pad(total[k], 11)).join('')}`,
  '',
  `runs ${total.runs}, faults injected ${total.faults}, inputs tried ${total.inputs}, signals sent ${total.signals}, invariant violations ${total.violations}, secrets found ${total.secrets}`,
  '',
];
process.stdout.write(out.join('\n'));
process.exit(code === 0 && total.violations === 0 && total.secrets === 0 ? 0 : 1);
