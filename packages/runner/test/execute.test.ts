import { createClient } from '@runbook/core';
import { type Emulator, startEmulator } from '@runbook/emulator';
import { loadRunbook } from '@runbook/schema';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConfirmRequest, RunEvent } from '../src/engine/events.js';
import { startRun } from '../src/engine/execute.js';
import { resolvePlan } from '../src/plan/resolve.js';
import { block, tempFiles } from './helpers.js';

const text = `version: 1
name: ex
biz: 1
defaults:
  account: root
  timeout: 60
steps:
  - name: first
    hosts: ["127.0.0.1"]
    script: |
${block('echo first')}
  - name: risky
    hosts: ["127.0.0.1", "127.0.0.2"]
    confirm: Really run the risky step?
    script: |
${block('echo risky')}
`;

let emu: Emulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

async function setup() {
  emu = await startEmulator();
  const dir = await tempFiles({ 'rb.yaml': text });
  const loaded = await loadRunbook(`${dir}/rb.yaml`);
  if (!loaded.ok) throw new Error('fixture does not load');
  const resolved = resolvePlan(loaded.runbook, { runId: 'run-1', requireSecrets: true });
  if (!resolved.ok) throw new Error('fixture does not resolve');
  const client = createClient({ baseUrl: emu.url, appCode: 'a', appSecret: 's', username: 'u' });
  return { plan: resolved.plan, client };
}

describe('the executor with a person answering', () => {
  for (const accept of [false, true]) {
    it(`a step's confirm: ${accept ? 'accepted runs it' : 'declined stops before it, exit 4'}`, async () => {
      const { plan, client } = await setup();
      const events: RunEvent[] = [];
      const asked: ConfirmRequest[] = [];
      const run = startRun({
        client,
        plan,
        emit: (e) => events.push(e),
        confirm: async (req) => {
          asked.push(req);
          return req.step === 'risky' ? accept : true;
        },
        endpoint: { url: emu!.url, local: false },
        pollInitialMs: 20,
      });
      const code = await run.result;
      await client.close();
      expect(asked.map((a) => a.step)).toEqual([undefined, 'risky']);
      expect(asked[1]).toMatchObject({ question: 'Really run the risky step?', hostCount: 2 });
      expect(asked[0]!.question).toBe('Run 2 steps of ex on 2 hosts?');
      const names = emu!.jobs().map((j) => j.name.split('@')[0]);
      const answered = events.filter((e) => e.type === 'confirm.answered');
      expect(answered.map((e) => e.type === 'confirm.answered' && [e.step, e.accepted, e.by])).toEqual([
        [undefined, true, 'person'],
        ['risky', accept, 'person'],
      ]);
      if (accept) {
        expect(code).toBe(0);
        expect(names).toEqual(['ex/first', 'ex/risky']);
      } else {
        expect(code).toBe(4);
        expect(names).toEqual(['ex/first']);
        expect(events.at(-1)).toMatchObject({
          type: 'run.finished',
          exitCode: 4,
          reason: 'step risky was declined',
        });
      }
    });
  }

  it('declining the run question sends nothing', async () => {
    const { plan, client } = await setup();
    const events: RunEvent[] = [];
    const code = await startRun({
      client,
      plan,
      emit: (e) => events.push(e),
      confirm: async () => false,
      endpoint: { url: emu!.url, local: false },
    }).result;
    await client.close();
    expect(code).toBe(4);
    expect(emu!.jobs()).toHaveLength(0);
    expect(events.map((e) => e.type)).toEqual([
      'run.started',
      'confirm.asked',
      'confirm.answered',
      'run.finished',
    ]);
  });

  for (const action of ['detach', 'terminate'] as const) {
    it(`a ${action} while a question waits ends the run with 130 and sends nothing`, async () => {
      const { plan, client } = await setup();
      const events: RunEvent[] = [];
      let release: (v: boolean) => void = () => {};
      const run = startRun({
        client,
        plan,
        emit: (e) => events.push(e),
        confirm: () =>
          new Promise<boolean>((r) => {
            release = r;
          }),
        endpoint: { url: emu!.url, local: false },
      });
      run.control[action]('ctrl-c');
      const code = await run.result;
      release(true);
      await client.close();
      expect(code).toBe(130);
      expect(emu!.jobs()).toHaveLength(0);
      expect(events.at(-2)).toMatchObject({ type: 'run.interrupted', signal: 'ctrl-c', action });
    });
  }

  it('a confirm on 100 hosts or more must be typed: the request carries the step name to type', async () => {
    emu = await startEmulator({ config: { exec: 'simulate', simulate: { durationMs: 10 } } });
    const hosts = Array.from(
      { length: 120 },
      (_, i) => `"10.0.${Math.floor(i / 100)}.${(i % 100) + 1}"`,
    ).join(', ');
    const dir = await tempFiles({
      'rb.yaml': `version: 1\nname: big\nbiz: 1\ndefaults: { account: root }\nsteps:\n  - name: wide\n    hosts: [${hosts}]\n    confirm: Go wide?\n    script: echo hi\n`,
    });
    const loaded = await loadRunbook(`${dir}/rb.yaml`);
    if (!loaded.ok) throw new Error('fixture does not load');
    const resolved = resolvePlan(loaded.runbook, { runId: 'run-2', requireSecrets: true });
    if (!resolved.ok) throw new Error('fixture does not resolve');
    const client = createClient({ baseUrl: emu.url, appCode: 'a', appSecret: 's', username: 'u' });
    const asked: ConfirmRequest[] = [];
    const code = await startRun({
      client,
      plan: resolved.plan,
      emit: () => {},
      confirm: async (req) => {
        asked.push(req);
        return true;
      },
      endpoint: { url: emu.url, local: false },
    }).result;
    await client.close();
    expect(code).toBe(0);
    expect(asked[1]).toEqual({ step: 'wide', question: 'Go wide?', hostCount: 120, typeToConfirm: 'wide' });
  });
});
