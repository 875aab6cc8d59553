import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JOB_LIMITS, loadRunbook, parseRunbook } from '../src/index.js';

// The limits too big for a corpus file (a 16 MiB script, 50,001 hosts) and the values right at each limit.

const HEAD = 'version: 1\nname: demo\nbiz: 2\ndefaults:\n  account: root\n';
const ip = (i: number) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;

function issues(text: string): string[] {
  const res = parseRunbook(text, { path: 'x.yaml', checkFiles: false });
  return res.ok ? [] : res.issues.map((i) => `${i.file}:${i.line}:${i.col}: ${i.code}: ${i.message}`);
}

const step = (extra: string) =>
  `${HEAD}steps:\n  - name: s\n    hosts: ["10.0.0.1"]\n    script: df -h\n${extra}`;

describe("JOB's limits, checked by validate", () => {
  it('accept every value right at its limit', () => {
    expect(issues(step(`    params: "${'p'.repeat(JOB_LIMITS.paramBytes)}"\n`))).toEqual([]);
    expect(issues(step(`    sensitive: true\n    params: "${'é'.repeat(24_064)}"\n`))).toEqual([]);
    expect(issues(step(`    task_name: "${'任'.repeat(JOB_LIMITS.taskNameChars)}"\n`))).toEqual([]);
    const url = 'https://h.example.com/';
    expect(
      issues(step(`    callback_url: ${url}${'a'.repeat(JOB_LIMITS.callbackUrlChars - url.length)}\n`)),
    ).toEqual([]);
  });

  it('count params in UTF-8 bytes and the sensitive limit when the step is sensitive', () => {
    // 24,065 × "é" (2 bytes) = 48,130 bytes: fine for plain params, too long for sensitive ones.
    const params = `    params: "${'é'.repeat(24_065)}"\n`;
    expect(issues(step(params))).toEqual([]);
    expect(issues(step(`    sensitive: true\n${params}`))).toEqual([
      'x.yaml:11:13: SCHEMA_JOB_LIMIT: sensitive params are 48,130 bytes; JOB takes at most 48,128 bytes of sensitive params (before base64)',
    ]);
  });

  it('refuse a script over 16 MiB, inline or in a script_file, at its key', async () => {
    const big = 'x'.repeat(JOB_LIMITS.scriptBytes);
    const inline = `${HEAD}steps:\n  - name: s\n    hosts: ["10.0.0.1"]\n    script: |\n      ${big}\n`;
    // The block scalar keeps its line break: one byte over.
    expect(issues(inline)).toEqual([
      'x.yaml:9:13: SCHEMA_JOB_LIMIT: script is 16,777,216 bytes; JOB takes at most 16,777,215 bytes (16 MiB) of script (before base64)',
    ]);
    const dir = await mkdtemp(join(tmpdir(), 'runbook-limits-'));
    await writeFile(join(dir, 'big.sh'), `${big}\n`);
    await writeFile(join(dir, 'ok.sh'), big);
    const file = (name: string) =>
      `${HEAD}steps:\n  - name: s\n    hosts: ["10.0.0.1"]\n    script_file: ${name}\n`;
    await writeFile(join(dir, 'rb.yaml'), file('big.sh'));
    const res = await loadRunbook(join(dir, 'rb.yaml'));
    expect(res.ok ? [] : res.issues.map((i) => `${i.line}:${i.col}: ${i.code}: ${i.message}`)).toEqual([
      '9:18: SCHEMA_JOB_LIMIT: script_file big.sh is 16,777,216 bytes; JOB takes at most 16,777,215 bytes (16 MiB) of script (before base64)',
    ]);
    await writeFile(join(dir, 'rb.yaml'), file('ok.sh'));
    expect((await loadRunbook(join(dir, 'rb.yaml'))).ok).toBe(true);
  });

  it('refuse more than 50,000 distinct hosts in a step, groups expanded, duplicates and queries aside', () => {
    const group = Array.from({ length: 30_000 }, (_, i) => `"${ip(i)}"`).join(', ');
    // 30,000 in the group; the step adds 20,000 more of which 10,000 repeat the group's: 40,000.
    const own = Array.from({ length: 20_000 }, (_, i) => `"${ip(i + 20_000)}"`).join(', ');
    const text = (extra: number) =>
      `${HEAD}groups:\n  fleet:\n    hosts: [${group}]\nsteps:\n  - name: wide\n    custom_query: ["1", "2"]\n    script: uptime\n    hosts: [fleet, ${own}${Array.from({ length: extra }, (_, i) => `, "0:${ip(i + 40_000)}"`).join('')}]\n`;
    expect(issues(text(10_000))).toEqual([]);
    expect(issues(text(10_001))).toEqual([
      'x.yaml:13:12: SCHEMA_JOB_LIMIT: step "wide" has 50,001 target hosts once groups are expanded and duplicates removed; JOB takes at most 50,000 in one step (custom queries aside): split them over several steps',
    ]);
  });
});
