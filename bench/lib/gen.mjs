// Generators of runbooks for the benchmarks: deterministic, valid under format v1.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The i-th host of a fan-out, 10.0.0.1 upwards. */
export function hostIp(i) {
  const n = i + 1;
  return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
}

/** A realistic runbook of `steps` steps: vars, groups, defaults, inline scripts, params. */
export function realisticRunbook(k, steps = 20) {
  const lines = [
    'version: 1',
    `name: generated-${k}`,
    `description: Generated runbook ${k} for the validation benchmark.`,
    `biz: ${1 + (k % 7)}`,
    'vars:',
    '  keep_days: { type: integer, default: 7, min: 1, description: Days of logs to keep }',
    '  service: nginx',
    `  release: { type: string, default: "2026.11.${k % 28}", pattern: "^[0-9.]+$" }`,
    'groups:',
    '  web:',
    `    hosts: ["0:10.1.${k % 250}.1", "0:10.1.${k % 250}.2", { cloud: 0, ip: 10.1.${k % 250}.3 }]`,
    '  db:',
    `    hosts: ["10.2.${k % 250}.1", "10.2.${k % 250}.2"]`,
    '    custom_query: ["3"]',
    'defaults:',
    '  account: root',
    '  timeout: 10m',
    '  type: shell',
    'steps:',
  ];
  for (let s = 0; s < steps; s++) {
    lines.push(
      `  - name: step-${s}`,
      `    description: Step ${s} of runbook ${k}`,
      `    hosts: [${s % 2 ? 'web' : 'db'}, "0:10.3.${s}.${1 + (k % 250)}"]`,
      '    script: |',
      '      set -euo pipefail',
      `      echo "step ${s} of \${{ runbook.name }} for \${{ vars.service }}"`,
      `      find /var/log/\${{ vars.service }} -mtime +\${{ vars.keep_days }} -name "*.gz" -print`,
      '      df -h /var/log | tail -1',
      `    params: "--keep \${{ vars.keep_days }} --release \${{ vars.release }} --n ${s}"`,
      `    timeout: ${s % 3 === 0 ? '20m' : 300 + s}`,
    );
    if (s % 5 === 4) lines.push('    on_failure: continue');
  }
  return `${lines.join('\n')}\n`;
}

/** `steps` steps, each on `hosts` loopback hosts, each running `script`. */
export function localRunbook(name, steps, hosts, script = 'true') {
  const ips = Array.from({ length: hosts }, (_, i) => `"127.0.0.${i + 1}"`).join(', ');
  const lines = [
    'version: 1',
    `name: ${name}`,
    'biz: 1',
    'defaults:',
    '  account: root',
    '  timeout: 60',
    'steps:',
  ];
  for (let s = 0; s < steps; s++) {
    lines.push(`  - name: step-${s}`, `    hosts: [${ips}]`, `    script: ${JSON.stringify(script)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** One step on `hosts` simulated hosts (10.0.0.1 upwards). */
export function fanoutRunbook(name, hosts) {
  const ips = Array.from({ length: hosts }, (_, i) => `      - "${hostIp(i)}"`);
  return [
    'version: 1',
    `name: ${name}`,
    'biz: 1',
    'defaults:',
    '  account: root',
    '  timeout: 1h',
    'steps:',
    '  - name: fan-out',
    '    hosts:',
    ...ips,
    '    script: |',
    '      echo hello',
    '',
  ].join('\n');
}

export async function writeFiles(dir, files) {
  await mkdir(dir, { recursive: true });
  const paths = [];
  for (const [name, text] of files) {
    const p = join(dir, name);
    await writeFile(p, text);
    paths.push(p);
  }
  return paths;
}

/** Writes `count` realistic runbooks into dir; returns their names relative to dir. */
export async function writeRealistic(dir, count, steps) {
  const files = Array.from({ length: count }, (_, k) => [
    `rb-${String(k).padStart(4, '0')}.yaml`,
    realisticRunbook(k, steps),
  ]);
  await writeFiles(dir, files);
  return files.map(([n]) => n);
}
