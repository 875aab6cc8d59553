import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Emulator } from '@runbook/emulator';
import { afterEach, describe, expect, it } from 'vitest';
import { SHARED_LOG_HOSTS } from '../src/record/store.js';
import { startEsb } from './esb.js';
import { onlyRecord, runCli, tempFiles } from './helpers.js';

// Issue 18: a step of 50,000 hosts wrote 50,000 log files, which cost more than the step itself.
// Past SHARED_LOG_HOSTS the step's logs go into one file, each host's a byte range of it.

let emu: Emulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

const ip = (i: number) => `10.0.${i >> 8}.${i & 255}`;

describe('the logs of a step of many hosts', () => {
  it('are one file with a byte range per host; runbook logs prints each host its own', async () => {
    const n = SHARED_LOG_HOSTS + 1;
    const esb = await startEsb({
      exec: 'simulate',
      simulate: { durationMs: [1, 5], failRate: 0, logLines: 1 },
    });
    emu = esb.emu;
    const hosts = Array.from({ length: n }, (_, i) => `      - "${ip(i + 1)}"`).join('\n');
    const dir = await tempFiles({
      'rb.yaml': `version: 1\nname: big\nbiz: 1\ndefaults:\n  account: root\n  timeout: 60\nsteps:\n  - name: wide\n    hosts:\n${hosts}\n    script: echo ü\n`,
    });
    const res = await runCli(['apply', 'rb.yaml', '--yes', '--poll-max', '1s'], { cwd: dir, env: esb.env });
    expect(res.code).toBe(0);
    const record = await onlyRecord(dir);
    const saved = record.steps[0].hosts as Array<{ ip: string; log: string; logRange: [number, number] }>;
    expect(saved).toHaveLength(n);
    expect(new Set(saved.map((h) => h.log))).toEqual(new Set(['logs/wide/all-hosts.log']));
    expect(await readdir(join(dir, '.runbook', 'runs', record.runId, 'logs', 'wide'))).toEqual([
      'all-hosts.log',
    ]);
    // The ranges tile the file in order, without gaps or overlaps.
    let at = 0;
    for (const h of saved) {
      expect(h.logRange[0]).toBe(at);
      at += h.logRange[1];
    }
    const last = saved[n - 1]!;
    const one = await runCli(['logs', record.runId, '--host', last.ip], { cwd: dir });
    expect(one.code).toBe(0);
    expect(one.stdout).toContain(`==> wide 0:${last.ip} (ok, exit 0) <==`);
    expect(one.stdout.split('\n').filter((l) => l.startsWith('==>'))).toHaveLength(1);
    const all = await runCli(['logs', record.runId], { cwd: dir });
    expect(all.stdout.split('\n').filter((l) => l.startsWith('==>'))).toHaveLength(n);
    // Each host's range holds its own log and nothing of its neighbours'.
    const sections = all.stdout.split(/^==> .*<==\n/m).slice(1);
    expect(sections).toHaveLength(n);
    for (const s of sections) expect(s.match(/job_start/g)).toHaveLength(1);
  });
});
