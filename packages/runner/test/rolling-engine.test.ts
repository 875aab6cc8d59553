/**
 * Rolling steps end to end through the emulator, in process: batches one job after another on both
 * transports, the failure budget, partial and ignored steps, pause and confirm between batches, and
 * resume by host (a stop between batches, a batch left running, a fix of what failed). The emulator's
 * job list proves which hosts each job was sent to, and that no host of a batch was sent twice.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createClient } from '@runbook/core';
import { type Emulator, startEmulator } from '@runbook/emulator';
import { loadRunbook } from '@runbook/schema';
import { afterEach, describe, expect, it } from 'vitest';
import { resumeDirectives } from '../src/engine/directives.js';
import type { ConfirmRequest, RunControl, RunEvent } from '../src/engine/events.js';
import { type StepDirective, startRun } from '../src/engine/execute.js';
import { resolvePlan } from '../src/plan/resolve.js';
import { rollingBatches } from '../src/plan/rolling.js';
import { createRecorder, newRecord } from '../src/record/recorder.js';
import type { RunRecord } from '../src/record/types.js';
import { recordProblem } from '../src/record/validate.js';
import { createStreamRenderer } from '../src/render/stream.js';
import { maskEventText } from '../src/secrets/event-text.js';
import { createMask } from '../src/secrets/mask.js';
import { block, tempFiles } from './helpers.js';
import { checkBatches } from './reliability/batch-invariants.js';

let emu: Emulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

const ip = (n: number) => `127.0.0.${n}`;
const key = (n: number) => `0:${ip(n)}`;

interface Setup {
  hosts: number;
  expr: string;
  maxFail?: number;
  pauseMs?: number;
  confirm?: boolean;
  onFailure?: 'abort' | 'continue' | 'ignore';
  /** A host whose marker file exists fails (exit 3); one whose `slow-` marker exists sleeps first. */
  failing?: number[];
  transport?: 'v2' | 'v3';
  simulate?: boolean;
}

/** A runbook of a rolling step `roll` on hosts 127.0.0.1…N, then a step `after` on one host. */
async function setup(o: Setup) {
  emu = await startEmulator({
    ...(o.transport === 'v3' ? { jobGeneration: 3 as const } : {}),
    ...(o.simulate ? { config: { exec: 'simulate', simulate: { durationMs: 1, failRate: 0 } } } : {}),
  });
  const dir = await tempFiles({});
  const script = `if [ -f "${dir}/slow-$RUNBOOK_EMU_HOST_IP" ]; then sleep 3; fi
if [ -f "${dir}/fail-$RUNBOOK_EMU_HOST_IP" ]; then echo "broken on $RUNBOOK_EMU_HOST_IP"; exit 3; fi
echo "ok on $RUNBOOK_EMU_HOST_IP"`;
  const hosts = Array.from({ length: o.hosts }, (_, i) => `"${ip(i + 1)}"`).join(', ');
  const text = `version: 1
name: rl
biz: 1
defaults:
  account: root
  timeout: 60
steps:
  - name: roll
    hosts: [${hosts}]
    script: |
${block(script)}
  - name: after
    hosts: ["${ip(1)}"]
    script: |
${block('echo after')}
`;
  writeFileSync(join(dir, 'rb.yaml'), text);
  for (const n of o.failing ?? []) writeFileSync(join(dir, `fail-${ip(n)}`), '');
  const loaded = await loadRunbook(join(dir, 'rb.yaml'));
  if (!loaded.ok) throw new Error('fixture does not load');
  const resolved = resolvePlan(loaded.runbook, {
    runId: 'run-rolling',
    requireSecrets: true,
    ...(o.transport === 'v3' ? { transport: 'v3' as const } : {}),
  });
  if (!resolved.ok) throw new Error(`fixture does not resolve: ${JSON.stringify(resolved.issues)}`);
  const plan = resolved.plan;
  const step = plan.steps[0]!;
  const keys = step.batches.flat();
  step.rolling = {
    expr: o.expr,
    maxFail: o.maxFail ?? 0,
    maxFailText: String(o.maxFail ?? 0),
    pauseMs: o.pauseMs ?? 0,
    confirm: o.confirm ?? false,
  };
  step.batches = rollingBatches(o.expr, keys);
  if (o.onFailure) step.onFailure = o.onFailure;
  const client = createClient({
    baseUrl: emu.url,
    appCode: 'a',
    appSecret: 's',
    username: 'u',
    ...(o.transport === 'v3' ? { transport: 'v3' as const } : {}),
  });
  const record = newRecord(plan, { url: emu.url, local: false }, join(dir, 'rb.yaml'));
  const recorder = createRecorder(join(dir, 'runs'), record);
  return { dir, plan, client, record, recorder };
}

interface RunOptions {
  directives?: Record<string, StepDirective>;
  confirm?: (req: ConfirmRequest, control: RunControl) => Promise<boolean>;
  yes?: boolean;
  onEvent?: (e: RunEvent, control: RunControl) => void;
}

async function run(s: Awaited<ReturnType<typeof setup>>, o: RunOptions = {}) {
  const events: RunEvent[] = [];
  let stream = '';
  const render = createStreamRenderer((t) => {
    stream += t;
  });
  let control: RunControl | undefined;
  const handle = startRun({
    client: s.client,
    plan: s.plan,
    emit: (e) => {
      events.push(e);
      s.recorder.onEvent(e);
      render(e);
      o.onEvent?.(e, control!);
    },
    confirm: (req) => (o.confirm ? o.confirm(req, control!) : Promise.resolve(true)),
    endpoint: { url: emu!.url, local: false },
    yes: o.yes ?? true,
    pollInitialMs: 20,
    pollMaxMs: 50,
    ...(o.directives ? { directives: o.directives } : {}),
  });
  control = handle.control;
  const code = await handle.result;
  return { code, events, stream };
}

/** The hosts each job of step `roll` was sent to, in the order the jobs were created. */
function jobHosts(): string[][] {
  return emu!
    .jobs()
    .filter((j) => j.name.includes('roll'))
    .map((j) => j.hosts.map((h) => `${h.bk_cloud_id}:${h.ip}`));
}

function expectNoHostTwice(): void {
  const all = jobHosts().flat();
  expect(new Set(all).size).toBe(all.length);
}

const byType = <T extends RunEvent['type']>(events: RunEvent[], type: T) =>
  events.filter((e): e is Extract<RunEvent, { type: T }> => e.type === type);

describe('rolling batches, one job after another', () => {
  const cases: Array<[string, number, number[]]> = [
    ['2', 5, [2, 2, 1]],
    ['20%', 10, [2, 2, 2, 2, 2]],
    ['1 +1', 6, [1, 2, 3]],
    ['1 *2', 7, [1, 2, 4]],
  ];
  for (const [expr, n, sizes] of cases) {
    it(`"${expr}" on ${n} hosts: batches of ${sizes.join(', ')}`, async () => {
      const s = await setup({ hosts: n, expr });
      const { code, events, stream } = await run(s);
      expect(code).toBe(0);
      const hosts = jobHosts();
      expect(hosts.map((h) => h.length)).toEqual(sizes);
      // In the order listed, every host once.
      expect(hosts.flat()).toEqual(Array.from({ length: n }, (_, i) => key(i + 1)));
      const started = byType(events, 'batch.started');
      expect(started.map((e) => [e.batch, e.batches, e.hosts])).toEqual(
        sizes.map((size, i) => [i + 1, sizes.length, size]),
      );
      // One after another: a batch is submitted only after the one before finished.
      const order = events
        .filter((e) => e.type === 'batch.finished' || (e.type === 'step.submitting' && e.step === 'roll'))
        .map((e) => e.type);
      expect(order).toEqual(sizes.flatMap(() => ['step.submitting', 'batch.finished']));
      const fin = byType(events, 'step.finished').find((e) => e.step === 'roll')!;
      expect(fin).toMatchObject({ ok: true, result: 'succeeded' });
      expect(fin.hosts.map((h) => h.batch)).toEqual(sizes.flatMap((size, i) => Array(size).fill(i + 1)));
      expect(stream).toContain(`[roll batch 2/${sizes.length}] starting on ${sizes[1]} host`);
      expect(stream).toContain('failed 0/0 allowed');
      // The record holds every batch's job, and reads back.
      expect(s.record.steps[0]!.batches!.map((b) => [b.index, b.state, b.hosts.length])).toEqual(
        sizes.map((size, i) => [i + 1, 'succeeded', size]),
      );
      expect(s.record.steps[0]!.batches!.map((b) => b.jobInstanceId)).toEqual(
        emu!
          .jobs()
          .filter((j) => j.name.includes('roll'))
          .map((j) => j.jobInstanceId),
      );
      expect(recordProblem(JSON.parse(JSON.stringify(s.record)))).toBeUndefined();
      // The record matches the emulator batch by batch, and no host ran twice but after failing.
      expect(checkBatches(s.record.steps, emu!.jobs(), 'rl')).toEqual([]);
      await s.client.close();
    });
  }

  it('over the API gateway v3 too: each batch its own v3 job with exactly its hosts', async () => {
    const s = await setup({ hosts: 5, expr: '2', transport: 'v3' });
    const { code } = await run(s);
    expect(code).toBe(0);
    const jobs = emu!.jobs().filter((j) => j.name.includes('roll'));
    expect(jobs.map((j) => j.transport)).toEqual(['v3', 'v3', 'v3']);
    expect(jobHosts()).toEqual([[key(1), key(2)], [key(3), key(4)], [key(5)]]);
    // The record matches the emulator batch by batch, and no host ran twice but after failing.
    expect(checkBatches(s.record.steps, emu!.jobs(), 'rl')).toEqual([]);
    await s.client.close();
  });
});

describe('secrets in a rolling step', () => {
  it('a secret a host prints is masked in batch.finished (which the record saves) as in step.finished', async () => {
    const canary = 'canary-Secret-7f3e9a';
    const s = await setup({ hosts: 2, expr: '1', failing: [2], maxFail: 1 });
    // The script prints the canary: through a file it reads, as a secret param would reach it.
    writeFileSync(join(s.dir, 'secret'), canary);
    s.plan.steps[0]!.request.script_content = Buffer.from(
      `cat "${s.dir}/secret"; echo; [ -f "${s.dir}/fail-$RUNBOOK_EMU_HOST_IP" ] && exit 3; true`,
    ).toString('base64');
    const mask = createMask([canary]);
    const masked: RunEvent[] = [];
    const { code, events } = await run(s, {
      onEvent: (e) => masked.push(maskEventText(e, mask)),
    });
    expect(code).toBe(1);
    // The host really printed it, and no masked event carries it.
    expect(JSON.stringify(events)).toContain(canary);
    expect(JSON.stringify(masked)).not.toContain(canary);
    const batches = masked.filter((e) => e.type === 'batch.finished');
    expect(batches).toHaveLength(2);
    for (const b of batches) if (b.type === 'batch.finished') expect(b.hosts[0]!.log).toContain('***');
    // The record matches the emulator batch by batch, and no host ran twice but after failing.
    expect(checkBatches(s.record.steps, emu!.jobs(), 'rl')).toEqual([]);
    await s.client.close();
  });
});

describe('the failure budget', () => {
  it('exceeded in batch 2: no further batch starts, the step fails and on_failure: abort stops the run', async () => {
    const s = await setup({ hosts: 6, expr: '2', maxFail: 1, failing: [3, 4] });
    const { code, events, stream } = await run(s);
    expect(code).toBe(1);
    // Batch 3 (hosts 5 and 6) was never submitted.
    expect(jobHosts()).toEqual([
      [key(1), key(2)],
      [key(3), key(4)],
    ]);
    expect(emu!.jobs().some((j) => j.hosts.some((h) => h.ip === ip(5) || h.ip === ip(6)))).toBe(false);
    const fin = byType(events, 'step.finished')[0]!;
    expect(fin).toMatchObject({ step: 'roll', ok: false, result: 'failed' });
    expect(byType(events, 'batch.finished').map((e) => [e.batch, e.ok, e.failed, e.maxFail])).toEqual([
      [1, true, 0, 1],
      [2, false, 2, 1],
    ]);
    expect(byType(events, 'step.skipped')).toMatchObject([{ step: 'after' }]);
    expect(events.at(-1)).toMatchObject({
      type: 'run.finished',
      exitCode: 1,
      failedHosts: [{ step: 'roll', hosts: [key(3), key(4)] }],
    });
    expect(stream).toContain('failed 2/1 allowed');
    expect(stream).toContain('[roll] failed hosts (2): 127.0.0.[3-4]');
    expect(s.record.steps[0]).toMatchObject({ state: 'failed' });
    expect(s.record.steps[0]!.batches!.map((b) => b.state)).toEqual(['succeeded', 'failed']);
    // The record matches the emulator batch by batch, and no host ran twice but after failing.
    expect(checkBatches(s.record.steps, emu!.jobs(), 'rl')).toEqual([]);
    await s.client.close();
  });

  it('within the budget: the step is partial, the run goes on and exits 1 listing the hosts', async () => {
    const s = await setup({ hosts: 6, expr: '2', maxFail: 2, failing: [3] });
    const { code, events, stream } = await run(s);
    expect(code).toBe(1);
    expect(jobHosts()).toHaveLength(3);
    expect(byType(events, 'step.finished').map((e) => [e.step, e.result])).toEqual([
      ['roll', 'partial'],
      ['after', 'succeeded'],
    ]);
    expect(events.at(-1)).toMatchObject({
      type: 'run.finished',
      exitCode: 1,
      failedHosts: [{ step: 'roll', hosts: [key(3)] }],
    });
    expect(stream).toContain('[roll] PARTLY FAILED');
    expect(s.record.steps.map((r) => r.state)).toEqual(['partial', 'succeeded']);
    expect(recordProblem(JSON.parse(JSON.stringify(s.record)))).toBeUndefined();
    // The record matches the emulator batch by batch, and no host ran twice but after failing.
    expect(checkBatches(s.record.steps, emu!.jobs(), 'rl')).toEqual([]);
    await s.client.close();
  });

  it('on_failure: ignore: the failure is recorded and shown as ignored, the run exits 0', async () => {
    const s = await setup({ hosts: 4, expr: '2', failing: [1], onFailure: 'ignore' });
    const { code, events, stream } = await run(s);
    expect(code).toBe(0);
    // Budget 0 exceeded in batch 1: batch 2 never ran; the next step did.
    expect(jobHosts()).toEqual([[key(1), key(2)]]);
    expect(byType(events, 'step.finished').map((e) => [e.step, e.result, e.ignored])).toEqual([
      ['roll', 'failed', true],
      ['after', 'succeeded', undefined],
    ]);
    expect(events.at(-1)).toMatchObject({
      exitCode: 0,
      failedHosts: [{ step: 'roll', hosts: [key(1)], ignored: true }],
    });
    expect(stream).toContain('(ignored: on_failure: ignore)');
    expect(s.record.steps[0]).toMatchObject({ state: 'failed', ignored: true });
    // The record matches the emulator batch by batch, and no host ran twice but after failing.
    expect(checkBatches(s.record.steps, emu!.jobs(), 'rl')).toEqual([]);
    await s.client.close();
  });
});

describe('between batches', () => {
  it('pauses, then asks before each batch after the first; declining stops with exit 4', async () => {
    const s = await setup({ hosts: 3, expr: '1', pauseMs: 30, confirm: true });
    const asked: ConfirmRequest[] = [];
    const { code, events } = await run(s, {
      yes: false,
      confirm: async (req) => {
        asked.push(req);
        return !req.question.includes('batch 3/3');
      },
    });
    expect(code).toBe(4);
    expect(asked.map((a) => a.step)).toEqual([undefined, 'roll', 'roll']);
    expect(asked[1]!.question).toContain('batch 2/3 of step roll on 1 host');
    expect(asked[1]!.typeToConfirm).toBeUndefined();
    expect(byType(events, 'batch.waiting').map((e) => [e.batch, e.pauseMs])).toEqual([
      [2, 30],
      [3, 30],
    ]);
    // The pause comes before the question, the question before the batch.
    const seq = events
      .filter((e) => e.type === 'batch.waiting' || e.type === 'confirm.asked' || e.type === 'batch.started')
      .map((e) => e.type);
    expect(seq).toEqual([
      'confirm.asked',
      'batch.started',
      'batch.waiting',
      'confirm.asked',
      'batch.started',
      'batch.waiting',
      'confirm.asked',
    ]);
    expect(jobHosts()).toEqual([[key(1)], [key(2)]]);
    // The record matches the emulator batch by batch, and no host ran twice but after failing.
    expect(checkBatches(s.record.steps, emu!.jobs(), 'rl')).toEqual([]);
    await s.client.close();
  });

  it('at 100 hosts or more the question is answered by typing the step name', async () => {
    const s = await setup({ hosts: 100, expr: '50%', confirm: true, simulate: true });
    const asked: ConfirmRequest[] = [];
    const { code } = await run(s, {
      yes: false,
      confirm: async (req) => {
        asked.push(req);
        return true;
      },
    });
    expect(code).toBe(0);
    expect(asked[1]).toMatchObject({ step: 'roll', typeToConfirm: 'roll', hostCount: 50 });
    expect(jobHosts().map((h) => h.length)).toEqual([50, 50]);
    // The record matches the emulator batch by batch, and no host ran twice but after failing.
    expect(checkBatches(s.record.steps, emu!.jobs(), 'rl')).toEqual([]);
    await s.client.close();
  });
});

/** A first run stopped (Ctrl-C, detached) once batch 2 is submitted, host 3 slow so batch 2 still runs. */
function runDetachedAtBatch2(s: Awaited<ReturnType<typeof setup>>) {
  writeFileSync(join(s.dir, `slow-${ip(3)}`), '');
  return run(s, {
    onEvent: (e, control) => {
      if (e.type === 'step.submitted' && e.batch === 2) control.detach('SIGINT');
    },
  });
}

/** As if JOB's answer had named host `n` of the first step unusably (a path for its ip). */
function garble(s: Awaited<ReturnType<typeof setup>>, n: number): void {
  const step = s.record.steps[0]!;
  step.hosts = step.hosts!.map((h) =>
    h.ip === ip(n) ? { ...h, ip: '../../x', invalid: 'ip "../../x" is not an IPv4 address' } : h,
  );
}

/** Directives of `--resume` from the record as saved. */
function resumed(s: Awaited<ReturnType<typeof setup>>, rerunAllHosts = false): Record<string, StepDirective> {
  const saved = JSON.parse(JSON.stringify(s.record)) as RunRecord;
  expect(recordProblem(saved)).toBeUndefined();
  return resumeDirectives(saved, true, s.plan, { rerunAllHosts });
}

describe('resume by host', () => {
  it('a stop between batches, then resume: only the batches not started are submitted', async () => {
    const s = await setup({ hosts: 5, expr: '2', confirm: true });
    const first = await run(s, {
      yes: false,
      confirm: async (req, control) => {
        if (req.question.includes('batch 2/3')) {
          control.detach('SIGINT');
          return new Promise<boolean>(() => {});
        }
        return true;
      },
    });
    expect(first.code).toBe(130);
    expect(jobHosts()).toEqual([[key(1), key(2)]]);
    expect(s.record.steps[0]).toMatchObject({ state: 'pending' });
    const directives = resumed(s);
    expect(directives.roll).toEqual({ action: 'run', hosts: [key(3), key(4), key(5)], firstBatch: 2 });
    const second = await run(s, { directives });
    expect(second.code).toBe(0);
    expect(jobHosts()).toEqual([[key(1), key(2)], [key(3), key(4)], [key(5)]]);
    expectNoHostTwice();
    expect(byType(second.events, 'batch.started').map((e) => [e.batch, e.batches])).toEqual([
      [2, 3],
      [3, 3],
    ]);
    expect(s.record.steps[0]!.state).toBe('succeeded');
    expect(s.record.steps[0]!.batches!.map((b) => [b.index, b.state])).toEqual([
      [1, 'succeeded'],
      [2, 'succeeded'],
      [3, 'succeeded'],
    ]);
    expect(s.record.steps[0]!.hosts!.map((h) => `${h.cloud}:${h.ip}`).sort()).toEqual(
      [1, 2, 3, 4, 5].map(key),
    );
    // The record matches the emulator batch by batch, and no host ran twice but after failing.
    expect(checkBatches(s.record.steps, emu!.jobs(), 'rl')).toEqual([]);
    await s.client.close();
  });

  it('a batch left running is followed again, never submitted again; then the rest runs', async () => {
    const s = await setup({ hosts: 4, expr: '2' });
    const first = await runDetachedAtBatch2(s);
    expect(first.code).toBe(130);
    expect(s.record.steps[0]!.batches!.map((b) => b.state)).toEqual(['succeeded', 'detached']);
    const directives = resumed(s);
    expect(directives.roll).toMatchObject({
      action: 'reattach',
      batch: 2,
      batchHosts: [key(3), key(4)],
      firstBatch: 3,
    });
    expect(directives.roll).not.toHaveProperty('hosts');
    const second = await run(s, { directives });
    expect(second.code).toBe(0);
    expect(jobHosts()).toEqual([
      [key(1), key(2)],
      [key(3), key(4)],
    ]);
    expect(byType(second.events, 'step.submitted').filter((e) => e.step === 'roll')).toMatchObject([
      { batch: 2, reattached: true },
    ]);
    expect(s.record.steps[0]!.state).toBe('succeeded');
    // The record matches the emulator batch by batch, and no host ran twice but after failing.
    expect(checkBatches(s.record.steps, emu!.jobs(), 'rl')).toEqual([]);
    await s.client.close();
  });

  it('after a fix, resume reruns only the failed and the never-run hosts, in the same batch sizes', async () => {
    const s = await setup({ hosts: 6, expr: '2', maxFail: 1, failing: [3, 4] });
    const first = await run(s);
    expect(first.code).toBe(1);
    // The fix: what broke hosts 3 and 4 is gone (the runbook is unchanged).
    for (const n of [3, 4]) rmSync(join(s.dir, `fail-${ip(n)}`));
    const directives = resumed(s);
    expect(directives).toMatchObject({
      roll: { action: 'run', hosts: [3, 4, 5, 6].map(key), firstBatch: 3 },
    });
    const second = await run(s, { directives });
    expect(second.code).toBe(0);
    // The question counts the hosts that run again: 3 to 6 of roll, and host 1 of after.
    expect(byType(second.events, 'confirm.asked')[0]!.question).toContain('Run 2 steps of rl on 5 hosts?');
    expect(jobHosts()).toEqual([
      [key(1), key(2)],
      [key(3), key(4)],
      [key(3), key(4)],
      [key(5), key(6)],
    ]);
    expect(s.record.steps.map((r) => r.state)).toEqual(['succeeded', 'succeeded']);
    expect(s.record.steps[0]!.hosts).toHaveLength(6);
    // Resumed once more, nothing runs again.
    expect(resumed(s).roll).toEqual({ action: 'skip', reason: 'succeeded in run run-rolling' });
    // The record matches the emulator batch by batch, and no host ran twice but after failing.
    expect(checkBatches(s.record.steps, emu!.jobs(), 'rl')).toEqual([]);
    await s.client.close();
  });

  it('hosts JOB named unusably are not run again when they succeeded; when one failed, the resume asks', async () => {
    const s = await setup({ hosts: 6, expr: '2', maxFail: 1, failing: [3, 4] });
    expect((await run(s)).code).toBe(1);
    // As if JOB's answer had named a host of each of the first two batches unusably.
    garble(s, 1); // succeeded in batch 1: the one host of batch 1 without a result is that host
    expect(resumed(s).roll).toEqual({ action: 'run', hosts: [3, 4, 5, 6].map(key), firstBatch: 3 });
    garble(s, 3); // failed in batch 2, with host 4: which of 3 and 4 was it?
    const asked = resumed(s).roll;
    expect(asked).toMatchObject({ action: 'ask', hosts: [3, 4, 5, 6].map(key), firstBatch: 3 });
    expect(asked?.action === 'ask' && asked.reason).toContain('named 1 of its hosts unusably');
    // A later batch's submit lost as well: the question says both, the job that may have started first.
    const batches = s.record.steps[0]!.batches!;
    s.record.steps[0]!.batches = [
      ...batches,
      { ...batches[0]!, index: 3, hosts: [key(5), key(6)], state: 'may-have-started' },
    ];
    const both = resumed(s).roll;
    expect(both).toMatchObject({ action: 'ask', firstBatch: 4 });
    expect(both?.action === 'ask' && both.reason).toMatch(
      /may have started\. JOB's answer for step roll named 1 of its hosts unusably/,
    );
    s.record.steps[0]!.batches = batches;
    // Once a later batch ran 3 and 4 again and they succeeded, nothing about them is unknown.
    const step = s.record.steps[0]!;
    const ok = step.hosts!.find((h) => h.ip === ip(2))!;
    step.hosts = [...step.hosts!, ...[3, 4].map((n) => ({ ...ok, ip: ip(n), batch: 3 }))];
    step.batches = [...step.batches!, { ...step.batches![0]!, index: 3, hosts: [key(3), key(4)] }];
    expect(resumed(s).roll).toEqual({ action: 'run', hosts: [5, 6].map(key), firstBatch: 4 });
    await s.client.close();
  });

  it('a batch left running, after a batch JOB named a failed host of unusably: the resume asks before it follows the job', async () => {
    const s = await setup({ hosts: 6, expr: '2', maxFail: 1, failing: [1] });
    const first = await runDetachedAtBatch2(s);
    expect(first.code).toBe(130);
    expect(s.record.steps[0]!.batches!.map((b) => b.state)).toEqual(['failed', 'detached']);
    // As if JOB's answer for batch 1 had named its failed host unusably: 1 or 2, which one failed?
    garble(s, 1);
    const directives = resumed(s);
    expect(directives.roll).toMatchObject({
      action: 'reattach',
      batch: 2,
      batchHosts: [key(3), key(4)],
      hosts: [1, 5, 6].map(key),
      firstBatch: 3,
    });
    const roll = directives.roll;
    expect(roll?.action === 'reattach' && roll.reason).toContain('named 1 of its hosts unusably');
    // Declined: the job is not followed and nothing is sent.
    const jobs = emu!.jobs().length;
    const declined = await run(s, { directives, confirm: async (req) => req.step !== 'roll' });
    expect(declined.code).toBe(4);
    expect(byType(declined.events, 'confirm.asked').map((e) => e.question)).toContainEqual(
      expect.stringMatching(
        /named 1 of its hosts unusably.*Follow job \d+ of step roll, then run its other hosts/,
      ),
    );
    expect(byType(declined.events, 'step.submitted')).toEqual([]);
    expect(emu!.jobs()).toHaveLength(jobs);
    await s.client.close();
  });

  it('a batch whose submit may have started is asked about on resume: declined, nothing is sent; accepted, it runs with the rest', async () => {
    const s = await setup({ hosts: 4, expr: '2' });
    const first = await run(s, {
      onEvent: (e) => {
        // The second batch's submit creates the job and its answer is lost.
        if (e.type === 'batch.finished' && e.batch === 1)
          emu!.setFaults([{ call: 'fast_execute_script', kind: 'drop_after_create', times: 1 }]);
      },
    });
    expect(first.code).toBe(3);
    emu!.setFaults([]);
    expect(s.record.steps[0]!.batches!.map((b) => b.state)).toEqual(['succeeded', 'may-have-started']);
    const directives = resumed(s);
    expect(directives.roll).toMatchObject({ action: 'ask', hosts: [key(3), key(4)], firstBatch: 3 });
    const jobs = emu!.jobs().length;
    const declined = await run(s, { directives, confirm: async (req) => req.step !== 'roll' });
    expect(declined.code).toBe(4);
    expect(emu!.jobs()).toHaveLength(jobs);
    expect(checkBatches(s.record.steps, emu!.jobs(), 'rl')).toEqual([]);
    // Accepted, the person runs the hosts of a batch that did start again: on purpose, not by accident.
    const accepted = await run(s, { directives: resumed(s), confirm: async () => true });
    expect(accepted.code).toBe(0);
    // Batch 2's job was created by the lost submit; the person chose to run its hosts again as batch 3.
    expect(jobHosts()).toEqual([
      [key(1), key(2)],
      [key(3), key(4)],
      [key(3), key(4)],
    ]);
    expect(s.record.steps[0]!.batches!.map((b) => [b.index, b.state])).toEqual([
      [1, 'succeeded'],
      [2, 'may-have-started'],
      [3, 'succeeded'],
    ]);
    expect(resumed(s).roll).toEqual({ action: 'skip', reason: 'succeeded in run run-rolling' });
    await s.client.close();
  });

  it('--rerun-all-hosts reruns the whole step as planned', async () => {
    const s = await setup({ hosts: 4, expr: '2', maxFail: 1, failing: [3] });
    expect((await run(s)).code).toBe(1);
    expect(s.record.steps[0]!.state).toBe('partial');
    expect(checkBatches(s.record.steps, emu!.jobs(), 'rl')).toEqual([]);
    expect(resumed(s).roll).toEqual({ action: 'run', hosts: [key(3)], firstBatch: 3 });
    const all = resumed(s, true);
    expect(all.roll).toEqual({ action: 'run', firstBatch: 3 });
    rmSync(join(s.dir, `fail-${ip(3)}`));
    expect((await run(s, { directives: all })).code).toBe(0);
    expect(jobHosts().slice(2)).toEqual([
      [key(1), key(2)],
      [key(3), key(4)],
    ]);
    await s.client.close();
  });
});
