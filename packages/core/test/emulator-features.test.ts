import { type Emulator, type EmulatorOptions, startEmulator } from '@runbook/emulator';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type ClientOptions,
  createClient,
  type DebugEvent,
  EsbError,
  encodeBase64,
  type FastExecuteScriptRequest,
  type JobClient,
  type JobRef,
  MayHaveStartedError,
} from '../src/index.js';

const SECRET = 'feature-secret-31c9';
const closers: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (closers.length > 0) await closers.pop()?.();
});

async function setup(
  options: EmulatorOptions = {},
  extra: Partial<ClientOptions> = {},
): Promise<{ emu: Emulator; c: JobClient; events: DebugEvent[] }> {
  const emu = await startEmulator({
    ...options,
    config: { apps: { runbook: SECRET }, ...options.config },
  });
  closers.push(() => emu.close());
  const events: DebugEvent[] = [];
  const c = createClient({
    baseUrl: emu.url,
    appCode: 'runbook',
    appSecret: SECRET,
    username: 'alice',
    retry: { minDelayMs: 1, maxDelayMs: 5 },
    onDebug: (e) => events.push(e),
    ...extra,
  });
  closers.push(() => c.close());
  return { emu, c, events };
}

const submit = (
  script = 'echo hi',
  patch: Partial<FastExecuteScriptRequest> = {},
): FastExecuteScriptRequest => ({
  bk_biz_id: 1,
  task_name: 'features',
  script_content: encodeBase64(script),
  script_timeout: 60,
  script_type: 1,
  account: 'root',
  ip_list: [{ bk_cloud_id: 0, ip: '127.0.0.1' }],
  ...patch,
});

async function untilFinished(c: JobClient, ref: JobRef) {
  for (let i = 0; i < 400; i++) {
    const st = await c.getJobInstanceStatus(ref);
    if (st.is_finished) return st;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('job did not finish');
}

async function untilStatus(c: JobClient, ref: JobRef, status: number) {
  for (let i = 0; i < 400; i++) {
    if ((await c.getJobInstanceStatus(ref)).job_instance.status === status) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`job never reached status ${status}`);
}

const errorOf = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: unknown) => e,
  );

describe('emulator: envelopes', () => {
  it('permission denied names the IAM actions from `permission`', async () => {
    const { c, emu } = await setup({ config: { users: { alice: { permissions: ['access_business'] } } } });
    const err = (await errorOf(c.fastExecuteScript(submit()))) as EsbError;
    expect(err).toBeInstanceOf(EsbError);
    expect(err.code).toBe('CORE_PERMISSION');
    expect(err.esbCode).toBe(9900403);
    expect(err.hint).toContain('quick_execute_script (快速执行脚本)');
    expect(err.permission?.actions?.map((a) => a.id)).toContain('quick_execute_script');
    expect(emu.jobs()).toHaveLength(0);
  });

  it('parameter errors from JOB: unknown account, unknown script, hosts outside the business', async () => {
    const { c } = await setup({
      config: { businesses: { '1': { accounts: ['root'], hosts: [{ ip: '127.0.0.1' }] } } },
    });
    const cases: Array<[Partial<FastExecuteScriptRequest>, number]> = [
      [{ account: 'nobody' }, 1244003],
      [{ script_id: 99999, script_content: undefined, script_type: undefined }, 1243001],
      [{ ip_list: [{ bk_cloud_id: 0, ip: '10.9.9.9' }] }, 1244002],
    ];
    for (const [patch, code] of cases) {
      const err = (await errorOf(c.fastExecuteScript(submit('echo hi', patch)))) as EsbError;
      expect(err.esbCode).toBe(code);
      expect(err.code).toBe('CORE_BAD_REQUEST');
      expect(err.hint ?? '').not.toBe('');
    }
  });

  it("JOB's refusal of hosts names each of them in the hint, whatever else is cut", async () => {
    const { c } = await setup({
      config: { businesses: { '1': { accounts: ['root'], hosts: [{ ip: '127.0.0.1' }] } } },
    });
    const ip_list = [
      { bk_cloud_id: 0, ip: '127.0.0.1' },
      { bk_cloud_id: 0, ip: '10.9.9.9' },
      { bk_cloud_id: 0, ip: '10.9.9.8' },
    ];
    const err = (await errorOf(c.fastExecuteScript(submit('echo hi', { ip_list })))) as EsbError;
    expect(err.esbCode).toBe(1244002);
    expect(err.hint).toMatch(/^JOB refused these 2 hosts: .*10\.9\.9\.9.*10\.9\.9\.8/);
    expect(err.hint).not.toContain('127.0.0.1');
  });

  it('header authentication is accepted, and a wrong secret in it is CORE_AUTH', async () => {
    const { c, emu } = await setup({}, { authIn: 'header' });
    const res = await c.fastExecuteScript(submit());
    expect(res.job_instance_id).toBeGreaterThan(0);
    const bad = createClient({
      baseUrl: emu.url,
      appCode: 'runbook',
      appSecret: 'nope',
      username: 'alice',
      authIn: 'header',
    });
    closers.push(() => bad.close());
    expect(
      ((await errorOf(bad.getJobInstanceStatus({ bk_biz_id: 1, job_instance_id: 1 }))) as EsbError).code,
    ).toBe('CORE_AUTH');
  });

  it('JOB 3.x answers: step_instance_id, execute_count as retry_count, un-escaped logs', async () => {
    const { c } = await setup({ jobGeneration: 3 });
    const res = await c.fastExecuteScript(submit('echo "a && b <c>"'));
    expect(res.step_instance_id).toBeGreaterThan(0);
    const ref = { bk_biz_id: 1, job_instance_id: res.job_instance_id };
    const st = await untilFinished(c, ref);
    expect(st.blocks[0]?.step_instances[0]?.retry_count).toBe(0);
    const log = await c.getJobInstanceLog(ref);
    expect(log[0]?.step_results[0]?.ip_logs[0]?.log_content).toContain('a && b <c>');
  });
});

describe('emulator: terminate', () => {
  it('terminates a running job; a second terminate finds it terminating, a third finds it over: both success', async () => {
    const { c, events } = await setup();
    const res = await c.fastExecuteScript(submit('sleep 30'));
    const ref = { bk_biz_id: 1, job_instance_id: res.job_instance_id };
    await untilStatus(c, ref, 2);
    expect(await c.operateJobInstance(ref)).toEqual({
      job_instance_id: res.job_instance_id,
      outcome: 'requested',
    });
    const again = await c.operateJobInstance(ref);
    expect(again.job_instance_id).toBe(res.job_instance_id);
    // The emulator answers 1244015 while terminating; the status read says terminating, or already over.
    expect(['terminating', 'finished']).toContain(again.outcome);
    const st = await untilFinished(c, ref);
    expect(st.job_instance.status).toBe(11);
    expect(await c.operateJobInstance(ref)).toEqual({
      job_instance_id: res.job_instance_id,
      outcome: 'finished',
      status: 11,
    });
    const refused = events.filter((e) => e.call === 'operate_job_instance' && e.errorCode !== undefined);
    expect(refused.map((e) => e.code)).toEqual([expect.anything(), 1241003]);
  });
});

describe('emulator: faults', () => {
  it('reads are retried after a rate limit, a 502 and a reset, and succeed', async () => {
    const { c, emu, events } = await setup({
      faults: [
        { call: 'get_job_instance_status', kind: 'rate_limit', times: 1 },
        { call: 'get_job_instance_status', kind: 'http5xx', times: 1 },
        { call: 'get_job_instance_status', kind: 'reset', times: 1 },
      ],
    });
    const res = await c.fastExecuteScript(submit());
    const st = await c.getJobInstanceStatus({ bk_biz_id: 1, job_instance_id: res.job_instance_id });
    expect(st.job_instance.job_instance_id).toBe(res.job_instance_id);
    expect(emu.calls().get_job_instance_status).toBe(4);
    const codes = events.filter((e) => e.call === 'get_job_instance_status').map((e) => e.errorCode ?? 'ok');
    expect(codes.sort()).toEqual(['CORE_CONNECTION', 'CORE_HTTP_STATUS', 'CORE_RATE_LIMITED', 'ok']);
  });

  it('a submit whose answer is dropped after the job was created is not resent: "may have started"', async () => {
    const { c, emu } = await setup({
      faults: [{ call: 'fast_execute_script', kind: 'drop_after_create', times: 1 }],
    });
    const err = (await errorOf(c.fastExecuteScript(submit()))) as MayHaveStartedError;
    expect(err).toBeInstanceOf(MayHaveStartedError);
    expect(err.message).toContain('may have started');
    expect(err.taskName).toBe('features');
    expect(emu.calls().fast_execute_script).toBe(1);
    expect(emu.jobs()).toHaveLength(1);
    expect(emu.jobs()[0]?.name).toBe('features');
  });

  it('a submit refused by the rate limit is a definite error and is not resent', async () => {
    const { c, emu } = await setup({
      faults: [{ call: 'fast_execute_script', kind: 'rate_limit', times: 1 }],
    });
    const err = (await errorOf(c.fastExecuteScript(submit()))) as EsbError;
    expect(err.code).toBe('CORE_RATE_LIMITED');
    expect(emu.calls().fast_execute_script).toBe(1);
    expect(emu.jobs()).toHaveLength(0);
  });

  it('a submit hit by a 502 or a slow body reports "may have started" after one request', async () => {
    for (const fault of [
      { call: 'fast_execute_script', kind: 'http5xx' as const, times: 1 },
      { call: 'fast_execute_script', kind: 'slow_body' as const, times: 1, ms: 3000 },
    ]) {
      const { c, emu } = await setup({ faults: [fault] }, { timeouts: { bodyMs: 200 } });
      expect(await errorOf(c.fastExecuteScript(submit()))).toBeInstanceOf(MayHaveStartedError);
      expect(emu.calls().fast_execute_script).toBe(1);
    }
  });
});
