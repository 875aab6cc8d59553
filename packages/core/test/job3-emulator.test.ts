// The client against the emulator in JOB 3.x mode: the rules of docs/job-api.md, both sides
// reading the protocol independently (core's other JOB 3.x tests use scripted servers).
import { type Emulator, type EmulatorOptions, startEmulator } from '@runbook/emulator';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createClient,
  EsbError,
  encodeBase64,
  type FastExecuteScriptRequest,
  type JobClient,
  type JobRef,
  MayHaveStartedError,
  parseJobTime,
} from '../src/index.js';

const SECRET = 'job3-emulator-secret-77e1';
const closers: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (closers.length > 0) await closers.pop()?.();
});

async function setup(options: EmulatorOptions = {}): Promise<{ emu: Emulator; c: JobClient }> {
  const emu = await startEmulator({
    exec: 'simulate',
    ...options,
    config: {
      apps: { runbook: SECRET },
      job: { generation: 3, bizIdCompatible: false },
      simulate: { durationMs: [5, 20], logLines: 1 },
      ...options.config,
    },
  });
  closers.push(() => emu.close());
  const c = createClient({
    baseUrl: emu.url,
    appCode: 'runbook',
    appSecret: SECRET,
    username: 'alice',
    retry: { minDelayMs: 1, maxDelayMs: 5 },
  });
  closers.push(() => c.close());
  return { emu, c };
}

const submit = (patch: Partial<FastExecuteScriptRequest> = {}): FastExecuteScriptRequest => ({
  bk_biz_id: 2,
  task_name: 'job3-emulator',
  script_content: encodeBase64('echo hi'),
  script_timeout: 60,
  script_type: 1,
  account: 'root',
  ip_list: [{ bk_cloud_id: 0, ip: '10.0.0.1' }],
  ...patch,
});

async function untilFinished(c: JobClient, ref: JobRef) {
  for (let i = 0; i < 400; i++) {
    const st = await c.getJobInstanceStatus(ref);
    if (st.is_finished) return st;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('job did not finish');
}

const errorOf = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: unknown) => e,
  );

describe('client ↔ emulator, JOB 3.x with bkBizIdCompatible off', () => {
  it('bk_biz_id alone is enough for the client: it sends the scope fields on every call', async () => {
    const { c, emu } = await setup();
    const sub = await c.fastExecuteScript(submit());
    const ref = { bk_biz_id: 2, job_instance_id: sub.job_instance_id };
    const st = await untilFinished(c, ref);
    expect(st.job_instance.status).toBe(3);
    const logs = await c.getJobInstanceLog(ref);
    expect(logs[0]?.step_results[0]?.ip_logs[0]?.ip).toBe('10.0.0.1');
    expect(emu.jobs()).toHaveLength(1);
  });

  it('a business set id (8000000–9999999) goes out as biz_set and is accepted', async () => {
    const { c, emu } = await setup();
    const sub = await c.fastExecuteScript(submit({ bk_biz_id: 9991001 }));
    await untilFinished(c, { bk_biz_id: 9991001, job_instance_id: sub.job_instance_id });
    expect(emu.jobs()).toHaveLength(1);
  });

  it('a late failure (1240002 after saving) is "may have started", and the job exists', async () => {
    const { c, emu } = await setup({ faults: [{ call: 'fast_execute_script', kind: 'late_failure' }] });
    const err = await errorOf(c.fastExecuteScript(submit()));
    expect(err).toBeInstanceOf(MayHaveStartedError);
    expect((err as MayHaveStartedError).code).toBe('CORE_MAY_HAVE_STARTED');
    expect(emu.jobs()).toHaveLength(1);
    expect(emu.faultsInjected().late_failure).toBe(1);
  });

  it('a running-job quota (1244032–34) is CORE_QUOTA and nothing was saved', async () => {
    for (const code of [1244032, 1244033, 1244034]) {
      const { c, emu } = await setup({ faults: [{ call: 'fast_execute_script', kind: 'quota', code }] });
      const err = (await errorOf(c.fastExecuteScript(submit()))) as EsbError;
      expect(err).toBeInstanceOf(EsbError);
      expect(err.code).toBe('CORE_QUOTA');
      expect(err.esbCode).toBe(code);
      expect(emu.jobs()).toHaveLength(0);
    }
  });

  it('terminating a finished job is 1241003 on the wire and "finished" for the caller', async () => {
    const { c } = await setup();
    const sub = await c.fastExecuteScript(submit());
    const ref = { bk_biz_id: 2, job_instance_id: sub.job_instance_id };
    await untilFinished(c, ref);
    const res = await c.operateJobInstance({ ...ref, operation_code: 1 });
    expect(res.outcome).toBe('finished');
  });

  it('times come back in UTC (the header the client sends), whatever the process zone', async () => {
    const zone = process.env.TZ;
    try {
      for (const tz of ['Asia/Shanghai', 'America/New_York', 'UTC']) {
        process.env.TZ = tz;
        const { c } = await setup();
        const before = Date.now();
        const sub = await c.fastExecuteScript(submit());
        const st = await untilFinished(c, { bk_biz_id: 2, job_instance_id: sub.job_instance_id });
        const created = parseJobTime(st.job_instance.create_time ?? st.job_instance.start_time, 'Z');
        expect(created).toBeDefined();
        // Within a minute of the submit: an 8 h or 13 h zone error would be far off.
        expect(Math.abs(created!.getTime() - before)).toBeLessThan(60_000);
      }
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
  });

  it('a host that never ran has exit_code null, never 0', async () => {
    const { c } = await setup({
      config: {
        businesses: { '2': { hosts: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2', agent: 'offline' }] } },
      },
    });
    const sub = await c.fastExecuteScript(
      submit({
        ip_list: [
          { bk_cloud_id: 0, ip: '10.0.0.1' },
          { bk_cloud_id: 0, ip: '10.0.0.2' },
        ],
      }),
    );
    const ref = { bk_biz_id: 2, job_instance_id: sub.job_instance_id };
    await untilFinished(c, ref);
    const logs = (await c.getJobInstanceLog(ref)).flatMap((s) => s.step_results.flatMap((r) => r.ip_logs));
    const offline = logs.find((l) => l.ip === '10.0.0.2');
    expect(offline?.exit_code).toBeNull();
    expect(logs.find((l) => l.ip === '10.0.0.1')?.exit_code).toBe(0);
  });
});
