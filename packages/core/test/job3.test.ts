/**
 * The JOB that people run (bk-job 3.x, and still 2.x): scope fields, late failures, quotas, the
 * codes the client names, terminate's 1241003, times in UTC, exit_code null, answers without
 * `message`. Over real HTTP: the emulator where it behaves so, the scripted server otherwise.
 */

import { type Emulator, startEmulator } from '@runbook/emulator';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createClient,
  EsbError,
  encodeBase64,
  type FastExecuteScriptRequest,
  type JobClient,
  MayHaveStartedError,
  parseJobTime,
  RequestValidationError,
  TERMINATE_ROUNDS,
} from '../src/index.js';
import { fail, ok, type Script, STATUS_DATA, SUBMIT, startScripted } from './helpers/scripted-server.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

async function scripted(script: Parameters<typeof startScripted>[0]) {
  const s = await startScripted(script);
  cleanups.push(() => s.close());
  const c = createClient({
    baseUrl: s.url,
    appCode: 'app',
    appSecret: 'app-secret-value',
    username: 'alice',
    retry: { minDelayMs: 1, maxDelayMs: 5, retries: 2 },
  });
  cleanups.push(() => c.close());
  return { s, c };
}

async function emulator(): Promise<{ emu: Emulator; c: JobClient }> {
  const emu = await startEmulator({ config: { apps: { app: 'emu-secret-4410' } } });
  cleanups.push(() => emu.close());
  const c = createClient({
    baseUrl: emu.url,
    appCode: 'app',
    appSecret: 'emu-secret-4410',
    username: 'alice',
    retry: { minDelayMs: 1, maxDelayMs: 5 },
  });
  cleanups.push(() => c.close());
  return { emu, c };
}

const callOf = (path: string) => path.split('/').filter(Boolean).at(-1);
const errorOf = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: unknown) => e,
  );
/** A status answer of job 7 with the given job status and hosts. */
const status = (jobStatus: number, hosts: unknown[] = [], finished = true) => ({
  ...STATUS_DATA,
  is_finished: finished,
  job_instance: { ...STATUS_DATA.job_instance, status: jobStatus },
  blocks: [
    { step_instances: [{ step_instance_id: 8, name: 'x', status: jobStatus, step_ip_status: hosts }] },
  ],
});
const logAnswer = (hosts: unknown[]) =>
  ok([
    {
      is_finished: true,
      step_instance_id: 8,
      name: 'x',
      status: 3,
      step_results: [{ ip_status: 9, tag: '', ip_logs: hosts }],
    },
  ]);

describe('scope fields on every call', () => {
  it('sends bk_biz_id, bk_scope_type and bk_scope_id in the body of submit, status, log and terminate, with the UTC header', async () => {
    const { s, c } = await scripted((req) => {
      const call = callOf(req.path);
      if (call === 'fast_execute_script') return { json: ok({ job_instance_id: 7, job_instance_name: 'x' }) };
      if (call === 'get_job_instance_log') return { json: logAnswer([]) };
      if (call === 'operate_job_instance') return { json: ok({ job_instance_id: 7 }) };
      return { json: ok(STATUS_DATA) };
    });
    await c.fastExecuteScript(SUBMIT);
    await c.getJobInstanceStatus({ bk_biz_id: 2, job_instance_id: 7 });
    await c.getJobInstanceLog({ bk_biz_id: 2, job_instance_id: 7 });
    await c.operateJobInstance({ bk_biz_id: 2, job_instance_id: 7 });
    expect(s.requests.map((r) => callOf(r.path))).toEqual([
      'fast_execute_script',
      'get_job_instance_status',
      'get_job_instance_log',
      'operate_job_instance',
    ]);
    for (const r of s.requests) {
      expect(r.body).toMatchObject({ bk_biz_id: 2, bk_scope_type: 'biz', bk_scope_id: '2' });
      expect(r.headers['x-bk-job-user-timezone']).toBe('UTC');
    }
  });

  it('ids 8000000–9999999 are business sets; an explicit scope wins and gives bk_biz_id', async () => {
    const { s, c } = await scripted([{ json: ok(STATUS_DATA) }]);
    await c.getJobInstanceStatus({ bk_biz_id: 9_000_001, job_instance_id: 7 });
    await c.getJobInstanceStatus({ bk_biz_id: 7_999_999, job_instance_id: 7 });
    await c.getJobInstanceStatus({ bk_scope_type: 'biz_set', bk_scope_id: '5', job_instance_id: 7 });
    await c.getJobInstanceStatus({ bk_scope_type: 'biz', bk_scope_id: '8000000', job_instance_id: 7 });
    expect(s.requests.map((r) => [r.body.bk_biz_id, r.body.bk_scope_type, r.body.bk_scope_id])).toEqual([
      [9_000_001, 'biz_set', '9000001'],
      [7_999_999, 'biz', '7999999'],
      [5, 'biz_set', '5'],
      [8_000_000, 'biz', '8000000'],
    ]);
  });

  it('refuses, before sending, a scope that contradicts bk_biz_id or is not an id', async () => {
    const { s, c } = await scripted([{ json: ok(STATUS_DATA) }]);
    for (const ref of [
      { bk_biz_id: 2, bk_scope_id: '3', job_instance_id: 7 },
      { bk_scope_type: 'biz', bk_scope_id: '../2', job_instance_id: 7 },
      { bk_scope_type: 'cluster', bk_scope_id: '2', job_instance_id: 7 },
      { job_instance_id: 7 },
    ]) {
      const err = await errorOf(c.getJobInstanceStatus(ref as never));
      expect(err).toBeInstanceOf(RequestValidationError);
    }
    expect(s.requests).toHaveLength(0);
  });

  it('a JOB 2.x server (the emulator) ignores the scope fields: a run by scope alone works end to end', async () => {
    const { emu, c } = await emulator();
    const res = await c.fastExecuteScript({
      bk_scope_type: 'biz',
      bk_scope_id: '1',
      task_name: 'scoped',
      script_content: encodeBase64('echo scoped'),
      script_timeout: 60,
      script_type: 1,
      account: 'root',
      ip_list: [{ bk_cloud_id: 0, ip: '127.0.0.1' }],
    });
    const ref = { bk_scope_type: 'biz' as const, bk_scope_id: '1', job_instance_id: res.job_instance_id };
    let st = await c.getJobInstanceStatus(ref);
    for (let i = 0; i < 400 && !st.is_finished; i++) {
      await new Promise((r) => setTimeout(r, 20));
      st = await c.getJobInstanceStatus(ref);
    }
    expect(st.job_instance.status).toBe(3);
    const log = await c.getJobInstanceLog(ref);
    expect(log[0]?.step_results[0]?.ip_logs[0]?.log_content).toContain('scoped');
    expect(emu.jobs()[0]?.bizId).toBe(1);
  });

  it('a scope-required server refusing a call without scope fields is a definite refusal with a scope hint', async () => {
    // JOB 3.x with bkBizIdCompatible off: bean validation → 1240003 with the validation message.
    const { s, c } = await scripted([{ json: fail(1240003, 'Invalid bk_scope_type') }]);
    const err = (await errorOf(c.fastExecuteScript(SUBMIT))) as EsbError;
    expect(err).toBeInstanceOf(EsbError);
    expect(err.code).toBe('CORE_BAD_REQUEST');
    expect(err.hint).toContain('bk_scope_type/bk_scope_id of business 2');
    expect(s.requests).toHaveLength(1);
  });
});

describe('late failures and quotas of fast_execute_script', () => {
  for (const code of [1240002, 1252001, 1255001]) {
    it(`${code} after JOB may have saved the job is "may have started", sent once`, async () => {
      const { s, c } = await scripted([{ json: fail(code, 'Internal Server Error') }]);
      const err = (await errorOf(c.fastExecuteScript(SUBMIT))) as MayHaveStartedError;
      expect(err).toBeInstanceOf(MayHaveStartedError);
      expect(err.code).toBe('CORE_MAY_HAVE_STARTED');
      expect(err.esbCode).toBe(code);
      expect(err.message).toContain('may have started');
      expect(s.requests).toHaveLength(1);
    });
  }

  it('1240002 on a read call is retried (JOB failing inside), then succeeds', async () => {
    const { s, c } = await scripted([
      { json: fail(1240002, 'Internal Server Error') },
      { json: ok(STATUS_DATA) },
    ]);
    expect((await c.getJobInstanceStatus({ bk_biz_id: 2, job_instance_id: 7 })).is_finished).toBe(true);
    expect(s.requests).toHaveLength(2);
  });

  for (const [code, who] of [
    [1244032, 'business'],
    [1244033, 'app'],
    [1244034, 'system'],
  ] as const) {
    it(`quota ${code} is CORE_QUOTA: nothing started, sent once, the hint says so`, async () => {
      const { s, c } = await scripted([{ json: fail(code, '当前执行的作业总量超过配额限制') }]);
      const err = (await errorOf(c.fastExecuteScript(SUBMIT))) as EsbError;
      expect(err).toBeInstanceOf(EsbError);
      expect(err).not.toBeInstanceOf(MayHaveStartedError);
      expect(err.code).toBe('CORE_QUOTA');
      expect(err.esbCode).toBe(code);
      expect(err.serverMessage).toBe('当前执行的作业总量超过配额限制');
      expect(err.hint).toContain('nothing was started');
      expect(err.hint).toContain(who);
      expect(s.requests).toHaveLength(1);
    });
  }
});

describe('the refusals the client names', () => {
  const cases: Array<[number, string, RegExp]> = [
    [1244014, 'CORE_SCRIPT_DISABLED', /disabled/],
    [1244018, 'CORE_SCRIPT_NOT_EXECUTABLE', /online/],
    [1244019, 'CORE_DANGEROUS_SCRIPT', /dangerous-command rules/],
    [1244022, 'CORE_TOO_MANY_TARGETS', /split the step/],
    [1244025, 'CORE_JOB_ABANDONED', /nothing started/],
    [1243047, 'CORE_SCRIPT_NOT_FOUND', /script version/],
    [1211003, 'CORE_CUSTOM_QUERY', /custom_query_id/],
    [1241010, 'CORE_BAD_REQUEST', /correct that field/],
    [1241012, 'CORE_BAD_REQUEST', /correct that field/],
    [1243049, 'CORE_BAD_REQUEST', /business 2 does not exist/],
  ];
  for (const [esb, code, hint] of cases) {
    it(`${esb} → ${code} with a hint, a definite refusal sent once`, async () => {
      const { s, c } = await scripted([{ json: fail(esb, `JOB says ${esb}`) }]);
      const err = (await errorOf(c.fastExecuteScript(SUBMIT))) as EsbError;
      expect(err).toBeInstanceOf(EsbError);
      expect(err.code).toBe(code);
      expect(err.hint).toMatch(hint);
      expect(err.message).toContain(`JOB says ${esb}`);
      expect(s.requests).toHaveLength(1);
    });
  }
});

describe('terminate: JOB answers 1241003 for every status but 2 and 7', () => {
  const REF = { bk_biz_id: 2, job_instance_id: 7 };
  const byCall =
    (answers: Record<string, unknown[]>): Script =>
    (req) => {
      const list = answers[callOf(req.path) ?? ''] ?? [];
      return { json: list.length > 1 ? list.shift() : list[0] };
    };

  it('1241003 with the job finished is success: "finished"', async () => {
    const { c } = await scripted(
      byCall({
        operate_job_instance: [fail(1241003, '不支持的操作')],
        get_job_instance_status: [ok(status(4))],
      }),
    );
    expect(await c.operateJobInstance(REF)).toEqual({ job_instance_id: 7, outcome: 'finished', status: 4 });
  });

  it('1241003 while the job has not started is asked again until it runs, then terminated', async () => {
    const { s, c } = await scripted(
      byCall({
        operate_job_instance: [
          fail(1241003, '不支持的操作'),
          fail(1241003, '不支持的操作'),
          ok({ job_instance_id: 7 }),
        ],
        get_job_instance_status: [ok(status(1, [], false)), ok(status(1, [], false))],
      }),
    );
    expect(await c.operateJobInstance(REF)).toEqual({ job_instance_id: 7, outcome: 'requested' });
    expect(s.requests.map((r) => callOf(r.path))).toEqual([
      'operate_job_instance',
      'get_job_instance_status',
      'operate_job_instance',
      'get_job_instance_status',
      'operate_job_instance',
    ]);
  });

  it('a job that never starts is given up after a bounded number of requests: CORE_NOT_TERMINABLE', async () => {
    const { s, c } = await scripted(
      byCall({
        operate_job_instance: [fail(1241003, '不支持的操作')],
        get_job_instance_status: [ok(status(1, [], false))],
      }),
    );
    const err = (await errorOf(c.operateJobInstance(REF))) as EsbError;
    expect(err.code).toBe('CORE_NOT_TERMINABLE');
    expect(err.message).toContain('not started');
    expect(err.hint).toContain("JOB's web UI");
    expect(s.requests.filter((r) => callOf(r.path) === 'operate_job_instance')).toHaveLength(
      TERMINATE_ROUNDS,
    );
  });

  it('a status read that fails after 1241003 is that error, not success', async () => {
    const { c } = await scripted(
      byCall({
        operate_job_instance: [fail(1241003, '不支持的操作')],
        get_job_instance_status: [fail(1244006, 'no job')],
      }),
    );
    expect(((await errorOf(c.operateJobInstance(REF))) as EsbError).code).toBe('CORE_JOB_NOT_FOUND');
  });
});

describe('times are UTC whatever zone the runner is in', () => {
  for (const tz of ['Asia/Shanghai', 'America/New_York']) {
    it(`TZ=${tz}: a JOB 3.x time without offset is read as UTC, a JOB 2.x offset is honoured`, () => {
      const before = process.env.TZ;
      process.env.TZ = tz;
      try {
        // The zone really changed for this process (January: +8 h / -5 h).
        expect(new Date(2026, 0, 1).getTimezoneOffset()).toBe(tz === 'Asia/Shanghai' ? -480 : 300);
        expect(parseJobTime('2026-11-27 10:10:10')?.toISOString()).toBe('2026-11-27T10:10:10.000Z');
        expect(parseJobTime('2026-11-27 10:10:10 +0800')?.toISOString()).toBe('2026-11-27T02:10:10.000Z');
        const start = parseJobTime('2026-11-27 23:59:58')!;
        const end = parseJobTime('2026-11-28 00:00:03')!;
        expect(end.getTime() - start.getTime()).toBe(5000);
      } finally {
        if (before === undefined) delete process.env.TZ;
        else process.env.TZ = before;
      }
    });
  }
});

describe('answers of the real JOB 3.x', () => {
  it('accepts a success without message, keeps job_request_id', async () => {
    const { c } = await scripted([
      {
        json: {
          result: true,
          code: 0,
          data: { job_instance_id: 7, job_instance_name: 'x', step_instance_id: 8 },
          job_request_id: 'jr-1',
        },
      },
    ]);
    expect(await c.fastExecuteScript(SUBMIT)).toEqual({
      job_instance_id: 7,
      job_instance_name: 'x',
      step_instance_id: 8,
      job_request_id: 'jr-1',
    });
  });

  it('keeps exit_code null for hosts that never ran; a non-integer exit code is null, never 0', async () => {
    const host = (ip: string, exit_code: unknown) => ({
      ip,
      bk_cloud_id: 0,
      exit_code,
      error_code: 0,
      log_content: '',
    });
    const { c } = await scripted([
      {
        json: logAnswer([
          host('10.0.0.1', null),
          host('10.0.0.2', '0'),
          host('10.0.0.3', 0),
          host('10.0.0.4', 1.5),
        ]),
      },
    ]);
    const logs = await c.getJobInstanceLog({ bk_biz_id: 2, job_instance_id: 7 });
    expect(logs[0]?.step_results[0]?.ip_logs.map((h) => h.exit_code)).toEqual([null, null, 0, null]);
  });

  it('marks hosts whose identity is not an address and an integer cloud id invalid, printable, and keeps the rest', async () => {
    const hostile: Array<[unknown, unknown]> = [
      ['../../x', 0],
      ['/etc/passwd', 0],
      ['10.0.0.1\u0000', 0],
      ['\u001b]0;pwned\u0007', 0],
      ['10.0.0.1', '0'],
      ['10.0.0.1', -1],
      ['10.0.0.1', 1.5],
      ['10.0.0.1', 2 ** 40],
      ['fe80::1%../../x', 0],
      ['010.0.0.1', 0],
      [null, 0],
      ['x'.repeat(10_000), 0],
    ];
    const hosts = [
      { ip: '10.0.0.9', bk_cloud_id: 3, status: 9 },
      { ip: '2001:db8::1', bk_cloud_id: 0, status: 9 },
      ...hostile.map(([ip, bk_cloud_id]) => ({ ip, bk_cloud_id, status: 9 })),
    ];
    const { c } = await scripted([{ json: ok(status(3, hosts)) }]);
    const st = await c.getJobInstanceStatus({ bk_biz_id: 2, job_instance_id: 7 });
    const got = st.blocks[0]!.step_instances[0]!.step_ip_status;
    expect(got.slice(0, 2)).toEqual([
      { ip: '10.0.0.9', bk_cloud_id: 3, status: 9 },
      { ip: '2001:db8::1', bk_cloud_id: 0, status: 9 },
    ]);
    expect(got).toHaveLength(hosts.length);
    for (const h of got.slice(2)) {
      expect(h.invalid).toMatch(/unusable host identity/);
      expect(h.bk_cloud_id).toBe(-1);
      expect(h.status).toBe(9);
      // Shown escaped and short: no control character, never longer than a screen line.
      expect(`${h.ip}${h.invalid}`).not.toMatch(/[\u0000-\u001f\u007f]/);
      expect(h.ip.length).toBeLessThanOrEqual(65);
    }
    expect(got[4]?.ip).toBe('10.0.0.1\\u{0}');
  });
});

describe('the submit request as JOB 3.x needs it', () => {
  it('sends scope and the header also with a bk_scope_id given as a number', async () => {
    const { s, c } = await scripted([{ json: ok({ job_instance_id: 7, job_instance_name: 'x' }) }]);
    const req = { ...SUBMIT, bk_biz_id: undefined, bk_scope_type: 'biz_set', bk_scope_id: 9_100_000 };
    await c.fastExecuteScript(req as unknown as FastExecuteScriptRequest);
    expect(s.requests[0]?.body).toMatchObject({
      bk_biz_id: 9_100_000,
      bk_scope_type: 'biz_set',
      bk_scope_id: '9100000',
    });
  });
});
