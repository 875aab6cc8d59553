import { type Emulator, startEmulator } from '@runbook/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createClient,
  type DebugEvent,
  EsbError,
  encodeBase64,
  encodeParams,
  type JobClient,
  type JobInstanceStatus,
  RequestValidationError,
} from '../src/index.js';

const SECRET = 'emu-secret-7f3a9c';
let emu: Emulator;
let client: JobClient;
const events: DebugEvent[] = [];

beforeAll(async () => {
  emu = await startEmulator({ apps: { runbook: SECRET } });
  client = createClient({
    baseUrl: emu.url,
    appCode: 'runbook',
    appSecret: SECRET,
    username: 'alice',
    retry: { minDelayMs: 1, maxDelayMs: 5 },
    onDebug: (e) => events.push(e),
  });
});

afterAll(async () => {
  await client?.close();
  await emu?.close();
});

async function untilFinished(ref: {
  bk_biz_id: number;
  job_instance_id: number;
}): Promise<JobInstanceStatus> {
  for (let i = 0; i < 400; i++) {
    const st = await client.getJobInstanceStatus(ref);
    if (st.is_finished) return st;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`job ${ref.job_instance_id} did not finish`);
}

describe('against the emulator over HTTP', () => {
  it('runs a script: submit, status until finished, per-host log', async () => {
    const submitted = await client.fastExecuteScript({
      bk_biz_id: 1,
      task_name: 'core-e2e',
      script_content: encodeBase64('echo "arg=$1"; echo "日志 <ok> & done"'),
      script_param: encodeParams('hello'),
      script_timeout: 60,
      script_type: 1,
      account: 'root',
      ip_list: [{ bk_cloud_id: 0, ip: '127.0.0.1' }],
    });
    expect(submitted.job_instance_id).toBeGreaterThan(0);
    expect(typeof submitted.job_instance_name).toBe('string');
    expect(submitted.request_id).toMatch(/\S/);
    const ref = { bk_biz_id: 1, job_instance_id: submitted.job_instance_id };
    const st = await untilFinished(ref);
    expect(st.job_instance.job_instance_id).toBe(submitted.job_instance_id);
    expect(st.job_instance.status).toBe(3);
    const step = st.blocks[0]?.step_instances[0];
    expect(step?.retry_count).toBe(0);
    expect(step?.step_ip_status).toEqual([
      expect.objectContaining({ ip: '127.0.0.1', bk_cloud_id: 0, status: 9 }),
    ]);
    const logs = await client.getJobInstanceLog(ref);
    const host = logs[0]?.step_results[0]?.ip_logs[0];
    expect(logs[0]?.step_results[0]?.ip_status).toBe(9);
    expect(host?.exit_code).toBe(0);
    expect(host?.log_content).toContain('arg=hello');
    expect(host?.log_content).toContain('日志 <ok> & done');
  });

  it('reports a wrong app secret as CORE_AUTH with a hint, request_id and the server message', async () => {
    const bad = createClient({
      baseUrl: emu.url,
      appCode: 'runbook',
      appSecret: 'not-the-secret',
      username: 'alice',
    });
    try {
      const err = (await bad
        .getJobInstanceStatus({ bk_biz_id: 1, job_instance_id: 1 })
        .catch((e: unknown) => e)) as EsbError;
      expect(err).toBeInstanceOf(EsbError);
      expect(err.name).toBe('EsbError');
      expect(err.code).toBe('CORE_AUTH');
      expect(err.esbCode).toBe(1306000);
      expect(err.call).toBe('get_job_instance_status');
      expect(err.serverMessage).toContain('APP Secret verification failed');
      expect(err.requestId).toMatch(/^[0-9a-f]{32}$/);
      expect(err.hint).toContain('BK_APP_SECRET');
      expect(err.message).not.toContain('not-the-secret');
    } finally {
      await bad.close();
    }
  });

  it('reports an unknown job as CORE_JOB_NOT_FOUND for status and log', async () => {
    for (const call of [
      () => client.getJobInstanceStatus({ bk_biz_id: 1, job_instance_id: 987654 }),
      () => client.getJobInstanceLog({ bk_biz_id: 1, job_instance_id: 987654 }),
    ]) {
      const err = (await call().catch((e: unknown) => e)) as EsbError;
      expect(err).toBeInstanceOf(EsbError);
      expect(err.code).toBe('CORE_JOB_NOT_FOUND');
      expect(err.esbCode).toBe(1244006);
      expect(err.hint).toContain('987654');
    }
  });

  it('checks requests before sending: nothing reaches the server', async () => {
    const before = events.length;
    const err = (await client
      .fastExecuteScript({
        bk_biz_id: 0,
        script_content: 'not base64!',
        script_timeout: 30,
        script_type: 9 as never,
        is_param_sensitive: 2 as never,
        ip_list: [{ bk_cloud_id: -1, ip: '10.0.0.300' }],
        bk_callback_url: 'ftp://x',
      })
      .catch((e: unknown) => e)) as RequestValidationError;
    expect(err).toBeInstanceOf(RequestValidationError);
    expect(err.code).toBe('CORE_VALIDATION');
    expect(err.issues.length).toBeGreaterThanOrEqual(7);
    expect(events.length).toBe(before);
  });

  it('reports every attempt to the debug hook with timing and without credentials', () => {
    expect(events.length).toBeGreaterThan(3);
    for (const e of events) {
      expect(e.durationMs).toBeGreaterThanOrEqual(0);
      expect(e.url.startsWith(emu.url)).toBe(true);
      expect(JSON.stringify(e)).not.toContain(SECRET);
    }
  });
});
