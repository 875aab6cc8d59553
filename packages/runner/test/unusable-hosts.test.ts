/**
 * Hosts JOB names unusably (paths, control characters, null, numbers: the emulator's `hostile_hosts`
 * fault on every status and log answer) are each kept in the run record: two of one answer whose
 * shown form is the same are two hosts, not one.
 */

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createClient } from '@runbook/core';
import { type Emulator, startEmulator } from '@runbook/emulator';
import { loadRunbook } from '@runbook/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunEvent } from '../src/engine/events.js';
import { startRun } from '../src/engine/execute.js';
import { resolvePlan } from '../src/plan/resolve.js';
import { rollingBatches } from '../src/plan/rolling.js';
import { createRecorder, newRecord } from '../src/record/recorder.js';
import { tempFiles } from './helpers.js';
import { readRecordFile } from './reliability/invariants.js';

/** 16 hosts: the emulator's 13 unusable ips cannot all differ, so some are shown alike. */
const HOSTS = Array.from({ length: 16 }, (_, i) => `"10.0.0.${i + 1}"`).join(', ');
const RUNBOOK = `version: 1
name: unusable
biz: 2
defaults:
  account: root
  timeout: 60
steps:
  - name: many
    hosts: [${HOSTS}]
    script: echo hi
`;

let emu: Emulator;
let dir: string;
beforeAll(async () => {
  emu = await startEmulator({
    exec: 'simulate',
    seed: 3,
    config: { simulate: { durationMs: 1, logLines: 1 } },
    faults: [{ kind: 'hostile_hosts' }],
  });
  dir = await tempFiles({ 'rb.yaml': RUNBOOK });
});
afterAll(async () => {
  await emu?.close();
});

describe('hosts JOB names unusably', () => {
  for (const [runId, rolling] of [
    ['u-1', undefined],
    ['u-2', '8'],
  ] as const) {
    it(`are each recorded with a log of their own, never merged, never named by what JOB sent${rolling ? ', in a rolling step saved batch by batch' : ''}`, async () => {
      const loaded = await loadRunbook(join(dir, 'rb.yaml'));
      if (!loaded.ok) throw new Error('fixture does not load');
      const resolved = resolvePlan(loaded.runbook, { runId, requireSecrets: true });
      if (!resolved.ok) throw new Error('fixture does not resolve');
      if (rolling) {
        const step = resolved.plan.steps[0]!;
        step.rolling = { expr: rolling, maxFail: 0, maxFailText: '0', pauseMs: 0, confirm: false };
        step.batches = rollingBatches(rolling, step.batches.flat());
      }
      const client = createClient({ baseUrl: emu.url, appCode: 'a', appSecret: 's', username: 'u' });
      const root = join(dir, 'runs');
      const recorder = createRecorder(
        root,
        newRecord(resolved.plan, { url: emu.url, local: false }, join(dir, 'rb.yaml')),
      );
      const events: RunEvent[] = [];
      const code = await startRun({
        client,
        plan: resolved.plan,
        emit: (e) => {
          events.push(e);
          recorder.onEvent(e);
        },
        confirm: async () => true,
        endpoint: { url: emu.url, local: false },
        yes: true,
        pollInitialMs: 5,
        pollMaxMs: 20,
      }).result;
      await client.close();
      expect(code).toBe(0);
      expect(emu.faultsInjected().hostile_hosts).toBeGreaterThan(0);

      const step = readRecordFile(root, runId).steps[0]!;
      if (rolling) expect(step.batches?.map((b) => b.state)).toEqual(['succeeded', 'succeeded']);
      const hosts = step.hosts ?? [];
      // Every host of the status answer is an entry, those shown alike too (fewer shown forms than
      // entries); the log answer's hosts are matched to them only by shown form and order, so none is lost.
      expect(hosts.length).toBeGreaterThanOrEqual(16);
      expect(hosts.every((h) => h.invalid)).toBe(true);
      const shown = new Set(hosts.map((h) => h.ip));
      expect(shown.size).toBeLessThan(16);
      const logs = hosts.map((h) => h.log);
      expect(new Set(logs).size).toBe(hosts.length);
      for (const log of logs) {
        expect(log).toMatch(/^logs\/many\/invalid-\d+\.log$/);
        expect(existsSync(join(root, runId, log))).toBe(true);
      }
    });
  }
});
