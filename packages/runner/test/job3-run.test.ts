/**
 * A run against the JOB people run, over real HTTP: the misbehaving loopback ESB plays what the
 * emulator cannot (quotas, 1240002, contradictions, hostile host identities, JOB 3.x times, terminate's
 * 1241003). Every run goes through the engine and the recorder into a temporary state dir.
 */

import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { createClient } from '@runbook/core';
import { loadRunbook } from '@runbook/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resumeDirectives } from '../src/engine/directives.js';
import type { RunControl, RunEvent } from '../src/engine/events.js';
import { type ExecuteOptions, startRun } from '../src/engine/execute.js';
import { resolvePlan } from '../src/plan/resolve.js';
import type { Plan } from '../src/plan/types.js';
import { createRecorder, newRecord } from '../src/record/recorder.js';
import type { RunRecord } from '../src/record/types.js';
import { createStreamRenderer } from '../src/render/stream.js';
import {
  type Answer,
  GOOD,
  goodAnswer,
  json,
  type MisbehavingEsb,
  startMisbehavingEsb,
} from './reliability/esb-server.js';
import { readRecordFile } from './reliability/invariants.js';

const SUBMIT = 'fast_execute_script';
const STATUS = 'get_job_instance_status';
const LOG = 'get_job_instance_log';
type Obj = Record<string, any>;

const RUNBOOK = `version: 1
name: j3
biz: 2
defaults:
  account: root
  timeout: 60
steps:
  - name: one
    hosts: ["10.0.0.1", "10.0.0.2"]
    script: echo one
`;

let esb: MisbehavingEsb;
let dir: string;
let plan: Plan;
beforeAll(async () => {
  esb = await startMisbehavingEsb();
  dir = await mkdtemp(join(tmpdir(), 'runbook-job3-'));
  await writeFile(join(dir, 'j3.yaml'), RUNBOOK);
});
afterAll(async () => {
  await esb?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

let runs = 0;
async function freshPlan(): Promise<Plan> {
  const loaded = await loadRunbook(join(dir, 'j3.yaml'));
  if (!loaded.ok) throw new Error('fixture does not load');
  const resolved = resolvePlan(loaded.runbook, { runId: `j3-${++runs}`, requireSecrets: true });
  if (!resolved.ok) throw new Error('fixture does not resolve');
  return resolved.plan;
}

interface Outcome {
  code: number;
  events: RunEvent[];
  record: RunRecord;
  stream: string;
  root: string;
}

/** Runs the plan against the ESB as it answers now; `during` may steer the run (interrupts). */
async function run(
  extra: Partial<ExecuteOptions> = {},
  during?: (control: RunControl, events: RunEvent[]) => void,
  p?: Plan,
): Promise<Outcome> {
  plan = p ?? (await freshPlan());
  const client = createClient({
    baseUrl: esb.url,
    appCode: 'app',
    appSecret: 'job3-secret-value',
    username: 'tester',
    retry: { retries: 1, minDelayMs: 1, maxDelayMs: 5, deadlineMs: 2_000 },
  });
  const root = join(dir, 'runs');
  const recorder = createRecorder(
    root,
    newRecord(plan, { url: esb.url, local: false }, join(dir, 'j3.yaml')),
  );
  const events: RunEvent[] = [];
  let stream = '';
  const render = createStreamRenderer((t) => {
    stream += t;
  });
  let control: RunControl | undefined;
  const handle = startRun({
    client,
    plan,
    emit: (e) => {
      events.push(e);
      recorder.onEvent(e);
      render(e);
      if (control) during?.(control, events);
    },
    confirm: async () => true,
    endpoint: { url: esb.url, local: false },
    yes: true,
    pollInitialMs: 1,
    pollMaxMs: 5,
    followGraceMs: 1_500,
    ...extra,
  });
  control = handle.control;
  const code = await handle.result;
  await client.close();
  return { code, events, record: readRecordFile(root, plan.runId), stream, root };
}

const fail = (code: number, message: string): Answer => json({ result: false, code, message, data: null });
const status = (edit: (o: Obj) => void): Answer => {
  const o = GOOD.status() as Obj;
  edit(o);
  return json(o);
};
/** Every step's deadline short (the plan is plain data): contradictions end in seconds, not minutes. */
const quick = (p: Plan): Plan => {
  for (const s of p.steps) s.timeoutSec = 1;
  return p;
};
const submits = () => esb.requests.filter((r) => r.call === SUBMIT).length;

describe("JOB's running-job quota", () => {
  it('waits (first wait, doubling) and submits again, one submit per answer, each wait an event', async () => {
    esb.setResponder((call, n) =>
      call === SUBMIT && n <= 3 ? fail(1244032 + n - 1, '当前执行的作业总量超过配额限制') : goodAnswer(call),
    );
    const out = await run({ quotaWait: { limitMs: 60_000, firstMs: 10, maxMs: 25 } });
    expect(out.code).toBe(0);
    expect(submits()).toBe(4);
    const waits = out.events.filter((e) => e.type === 'step.waiting');
    expect(waits.map((e) => e.type === 'step.waiting' && [e.code, e.waitMs, e.waitedMs])).toEqual([
      [1244032, 10, 0],
      [1244033, 20, 10],
      [1244034, 25, 30],
    ]);
    expect(out.events.filter((e) => e.type === 'step.submitting')).toHaveLength(4);
    expect(out.stream).toMatch(
      /\[one\] waiting 10 ms: JOB's running-job quota is full \(code 1244032: 当前执行的作业总量超过配额限制\)/,
    );
    expect(out.record.steps[0]?.state).toBe('succeeded');
  });

  it('gives up after --quota-wait with RUNNER_QUOTA_TIMEOUT, exit 3; the step is not "may have started"', async () => {
    esb.setResponder((call) => (call === SUBMIT ? fail(1244034, 'system quota') : goodAnswer(call)));
    const out = await run({ quotaWait: { limitMs: 50, firstMs: 10, maxMs: 30 } });
    expect(out.code).toBe(3);
    // Waits 10, 20, then the 20 ms left: four answers, four submits, never more.
    expect(
      out.events.filter((e) => e.type === 'step.waiting').map((e) => e.type === 'step.waiting' && e.waitMs),
    ).toEqual([10, 20, 20]);
    expect(submits()).toBe(4);
    const err = out.events.find((e) => e.type === 'step.error');
    expect(err).toMatchObject({ error: { code: 'RUNNER_QUOTA_TIMEOUT' } });
    expect(err && 'mayHaveStarted' in err).toBe(false);
    expect(out.record.steps[0]?.state).toBe('error');
  });

  it('--quota-wait 0 does not wait', async () => {
    esb.setResponder((call) => (call === SUBMIT ? fail(1244032, 'biz quota') : goodAnswer(call)));
    const out = await run({ quotaWait: { limitMs: 0 } });
    expect(out.code).toBe(3);
    expect(submits()).toBe(1);
    expect(out.events.some((e) => e.type === 'step.waiting')).toBe(false);
  });

  it('an interrupt stops the wait: exit 130, nothing submitted again, the step pending (a resume submits it)', async () => {
    esb.setResponder((call) => (call === SUBMIT ? fail(1244032, 'biz quota') : goodAnswer(call)));
    const out = await run({ quotaWait: { limitMs: 600_000, firstMs: 60_000 } }, (control, events) => {
      if (events.at(-1)?.type === 'step.waiting') control.detach('SIGINT');
    });
    expect(out.code).toBe(130);
    expect(submits()).toBe(1);
    expect(out.record.steps[0]?.state).toBe('pending');
    expect(resumeDirectives(out.record, true)).toEqual({});
  });
});

describe('late failures', () => {
  for (const code of [1240002, 1252001, 1255001]) {
    it(`a submit answered ${code} is recorded "may have started", never refused, sent once`, async () => {
      esb.setResponder((call) => (call === SUBMIT ? fail(code, 'Internal Server Error') : goodAnswer(call)));
      const out = await run();
      expect(out.code).toBe(3);
      expect(submits()).toBe(1);
      expect(out.events.find((e) => e.type === 'step.error')).toMatchObject({
        mayHaveStarted: true,
        error: { code: 'CORE_MAY_HAVE_STARTED' },
      });
      expect(out.record.steps[0]?.state).toBe('may-have-started');
      expect(resumeDirectives(out.record, true).one?.action).toBe('ask');
    });
  }
});

describe('contradictory status answers', () => {
  it('is_finished true with job status 2 is followed on to a consistent answer: success, one submit', async () => {
    esb.setResponder((call, n) =>
      call === STATUS && n <= 3 ? status((o) => (o.data.job_instance.status = 2)) : goodAnswer(call),
    );
    const out = await run();
    expect(out.code).toBe(0);
    expect(esb.counts[STATUS]).toBe(4);
    expect(out.record.steps[0]?.state).toBe('succeeded');
  });

  for (const [name, edit] of [
    ['is_finished true with job status 2', (o: Obj) => (o.data.job_instance.status = 2)],
    [
      'is_finished false with job status 4 (failed)',
      (o: Obj) =>
        Object.assign(o.data, { is_finished: false, job_instance: { ...o.data.job_instance, status: 4 } }),
    ],
  ] as const) {
    it(`${name} to the deadline: detached (exit 3), never failed; a resume re-attaches, never resubmits`, async () => {
      esb.setResponder((call) => (call === STATUS ? status(edit) : goodAnswer(call)));
      const out = await run({}, undefined, quick(await freshPlan()));
      expect(out.code).toBe(3);
      expect(submits()).toBe(1);
      const err = out.events.find((e) => e.type === 'step.error');
      expect(err).toMatchObject({ error: { code: 'RUNNER_FOLLOW_TIMEOUT' }, jobInstanceId: 100 });
      expect(err?.type === 'step.error' && err.error.message).toContain('contradicted');
      expect(out.events.some((e) => e.type === 'step.finished')).toBe(false);
      expect(out.record.steps[0]?.state).toBe('detached');
      expect(resumeDirectives(out.record, true).one).toMatchObject({
        action: 'reattach',
        jobInstanceId: 100,
      });
    });
  }

  it('a finished job with a status nobody documented is detached at once, not failed', async () => {
    esb.setResponder((call) =>
      call === STATUS ? status((o) => (o.data.job_instance.status = 42)) : goodAnswer(call),
    );
    const out = await run();
    expect(out.code).toBe(3);
    expect(out.events.find((e) => e.type === 'step.error')).toMatchObject({
      error: { code: 'RUNNER_UNKNOWN_STATUS' },
    });
    expect(out.record.steps[0]?.state).toBe('detached');
  });

  it('a final failure status (4) with is_finished true is a failed step, exit 1', async () => {
    esb.setResponder((call) =>
      call === STATUS ? status((o) => (o.data.job_instance.status = 4)) : goodAnswer(call),
    );
    const out = await run();
    expect(out.code).toBe(1);
    expect(out.record.steps[0]?.state).toBe('failed');
  });
});

describe('hosts JOB names unusably, and hosts that never ran', () => {
  const HOSTILE: unknown[] = [
    '../../x',
    '../../../../../../tmp/runbook-escape',
    '/etc/cron.d/x',
    'a\u0000b',
    '\u001b]0;t\u0007',
    '',
  ];
  it('never become paths: no file outside the run folder, each kept invalid with its log under a number', async () => {
    const hosts = [
      { ip: '10.0.0.1', bk_cloud_id: 0 },
      ...HOSTILE.map((ip) => ({ ip, bk_cloud_id: 0 })),
      { ip: '10.0.0.2', bk_cloud_id: '../x' },
    ];
    esb.setResponder((call) => {
      if (call === STATUS)
        return status(
          (o) =>
            (o.data.blocks[0].step_instances[0].step_ip_status = hosts.map((h) => ({ ...h, status: 9 }))),
        );
      if (call === LOG) {
        const o = GOOD.log('secret-free output\n') as Obj;
        o.data[0].step_results[0].ip_logs = hosts.map((h, i) => ({
          ...h,
          exit_code: 0,
          error_code: 0,
          log_content: `log of host ${i}\n`,
        }));
        return json(o);
      }
      return goodAnswer(call);
    });
    const before = await listTree(dir);
    const out = await run();
    expect(out.code).toBe(0);
    const after = await listTree(dir);
    const added = after.filter((f) => !before.includes(f));
    const runDir = relative(dir, join(out.root, plan.runId));
    expect(added.filter((f) => f !== 'runs' && f !== runDir && !f.startsWith(`${runDir}/`))).toEqual([]);
    const rec = out.record.steps[0]!.hosts!;
    expect(rec).toHaveLength(hosts.length);
    expect(rec[0]).toMatchObject({ ip: '10.0.0.1', cloud: 0, log: 'logs/one/0-10.0.0.1.log' });
    for (const [i, h] of rec.slice(1).entries()) {
      expect(h.invalid).toMatch(/unusable host identity/);
      expect(h.log).toBe(`logs/one/invalid-${i + 1}.log`);
    }
    expect(added.filter((f) => f.endsWith('.log'))).toHaveLength(hosts.length);
    expect(out.stream).toContain('(named unusably by JOB)');
    expect(out.stream).not.toMatch(/[\u0000\u001b\u0007]/);
    expect(existsSync('/tmp/runbook-escape.log')).toBe(false);
  });

  it('a host that never ran has no exit code in the record and on screen, never exit 0', async () => {
    esb.setResponder((call) => {
      if (call !== LOG) return goodAnswer(call);
      const o = GOOD.log() as Obj;
      o.data[0].step_results[0].ip_logs[1].exit_code = null;
      return json(o);
    });
    const out = await run();
    expect(out.record.steps[0]?.hosts?.map((h) => h.exitCode)).toEqual([0, null]);
    expect(out.stream).toContain('10.0.0.2 (1 host): ok, no exit code');
    expect(out.stream).not.toMatch(/10\.0\.0\.2.*exit 0/);
  });

  it('a host the log leaves out has no exit code (null), not -1 or 0', async () => {
    esb.setResponder((call) => {
      if (call !== LOG) return goodAnswer(call);
      const o = GOOD.log() as Obj;
      o.data[0].step_results[0].ip_logs.pop();
      return json(o);
    });
    const out = await run();
    expect(out.record.steps[0]?.hosts?.find((h) => h.ip === '10.0.0.2')?.exitCode).toBeNull();
  });
});

describe('scope and time on the wire', () => {
  it("every call carries the step's scope (a business set here) and asks for UTC times", async () => {
    esb.setResponder(goodAnswer);
    const p = await freshPlan();
    Object.assign(p.steps[0]!.request, {
      bk_biz_id: undefined,
      bk_scope_type: 'biz_set',
      bk_scope_id: '9000002',
    });
    const out = await run({}, undefined, p);
    expect(out.code).toBe(0);
    expect(new Set(esb.requests.map((r) => r.call))).toEqual(new Set([SUBMIT, STATUS, LOG]));
    for (const r of esb.requests) {
      expect(r.body).toMatchObject({
        bk_biz_id: 9_000_002,
        bk_scope_type: 'biz_set',
        bk_scope_id: '9000002',
      });
      expect(r.headers['x-bk-job-user-timezone']).toBe('UTC');
    }
  });

  for (const tz of ['Asia/Shanghai', 'America/New_York']) {
    it(`TZ=${tz}: a re-attached job's duration comes from JOB's UTC times, right whatever the zone`, async () => {
      esb.setResponder((call) =>
        call === STATUS
          ? status((o) =>
              Object.assign(o.data.job_instance, {
                start_time: '2026-11-27 23:59:30',
                end_time: '2026-11-28 00:00:12',
              }),
            )
          : goodAnswer(call),
      );
      const before = process.env.TZ;
      process.env.TZ = tz;
      try {
        const p = await freshPlan();
        const out = await run(
          { directives: { one: { action: 'reattach', jobInstanceId: 100 } } },
          undefined,
          p,
        );
        expect(out.code).toBe(0);
        expect(submits()).toBe(0);
        expect(out.events.find((e) => e.type === 'step.finished')).toMatchObject({ elapsedMs: 42_000 });
        expect(out.stream).toContain('42.0 s)');
      } finally {
        if (before === undefined) delete process.env.TZ;
        else process.env.TZ = before;
      }
    });
  }
});

describe('terminate on interrupt', () => {
  it('JOB refusing with 1241003 while the job is terminating is no error: exit 130, no step.error', async () => {
    esb.setResponder((call, n) => {
      if (call === 'operate_job_instance') return fail(1241003, '不支持的操作');
      if (call === STATUS)
        return status((o) =>
          Object.assign(o.data, {
            is_finished: false,
            job_instance: { ...o.data.job_instance, status: n === 1 ? 2 : 10 },
          }),
        );
      return goodAnswer(call);
    });
    const out = await run({}, (control, events) => {
      if (events.at(-1)?.type === 'step.progress') control.terminate('SIGTERM');
    });
    expect(out.code).toBe(130);
    expect(esb.counts.operate_job_instance).toBe(1);
    expect(out.events.some((e) => e.type === 'step.error')).toBe(false);
  });
});

async function listTree(root: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string) => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const full = join(d, e.name);
      out.push(relative(root, full));
      if (e.isDirectory()) await walk(full);
    }
  };
  await walk(root);
  return out;
}
