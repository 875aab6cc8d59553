/**
 * The v3 transport against the real emulator's API gateway v3 (same port as ESB v2): submit →
 * status → logs → terminate, with header-only credentials.
 */

import { type Emulator, startEmulator } from '@runbook/emulator';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createClient,
  type DebugEvent,
  encodeBase64,
  type FastExecuteScriptRequest,
  type JobClient,
  type JobInstanceStatus,
  type JobRef,
  parseJobTime,
} from '../src/index.js';

const SECRET = 'v3-emu-secret-5d21';
const closers: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (closers.length > 0) await closers.pop()?.();
});

async function setup(): Promise<{ emu: Emulator; c: JobClient; events: DebugEvent[] }> {
  const emu = await startEmulator({ config: { apps: { runbook: SECRET } } });
  closers.push(() => emu.close());
  const events: DebugEvent[] = [];
  const c = createClient({
    transport: 'v3',
    baseUrl: emu.url,
    appCode: 'runbook',
    appSecret: SECRET,
    username: 'alice',
    retry: { minDelayMs: 1, maxDelayMs: 5 },
    onDebug: (e) => events.push(e),
  });
  closers.push(() => c.close());
  return { emu, c, events };
}

const submit = (script: string): FastExecuteScriptRequest => ({
  bk_biz_id: 1,
  task_name: 'v3-e2e',
  script_content: encodeBase64(script),
  script_timeout: 60,
  script_type: 1,
  account: 'root',
  ip_list: [{ bk_cloud_id: 0, ip: '127.0.0.1' }],
});

async function until(c: JobClient, ref: JobRef, done: (st: JobInstanceStatus) => boolean) {
  for (let i = 0; i < 400; i++) {
    const st = await c.getJobInstanceStatus(ref);
    if (done(st)) return st;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`job ${ref.job_instance_id} never reached the expected state`);
}

describe('v3 against the emulator', () => {
  it('submit → status → logs over /api/v3/, credentials only in the header', async () => {
    const { emu, c, events } = await setup();
    const res = await c.fastExecuteScript(submit('echo "v3 <ok> & done"; exit 3'));
    expect(res.job_instance_id).toBeGreaterThan(0);
    const ref = { bk_biz_id: 1, job_instance_id: res.job_instance_id };
    const st = await until(c, ref, (s) => s.is_finished);
    expect(st.job_instance.status).toBe(4);
    const host = st.blocks[0]?.step_instances[0]?.step_ip_status[0];
    expect(host).toMatchObject({ ip: '127.0.0.1', bk_cloud_id: 0, status: 104 });
    expect(host?.bk_host_id).toBeGreaterThan(0);
    expect(parseJobTime(st.job_instance.start_time)?.getTime()).toBeGreaterThan(Date.now() - 60_000);
    const logs = await c.getJobInstanceLog(ref);
    const log = logs[0]?.step_results[0]?.ip_logs[0];
    expect(logs[0]?.step_results[0]?.ip_status).toBe(104);
    expect(log?.exit_code).toBe(3);
    expect(log?.log_content).toContain('v3 <ok> & done');
    expect(emu.jobs()).toHaveLength(1);
    expect(events.every((e) => e.url.startsWith(`${emu.url}/api/v3/`))).toBe(true);
    expect(events.some((e) => e.call === 'batch_get_job_instance_ip_log')).toBe(true);
    expect(JSON.stringify(events)).not.toContain(SECRET);
  });

  it('terminates a running job', async () => {
    const { c } = await setup();
    const res = await c.fastExecuteScript(submit('sleep 30'));
    const ref = { bk_biz_id: 1, job_instance_id: res.job_instance_id };
    await until(c, ref, (s) => s.job_instance.status === 2);
    expect(await c.operateJobInstance(ref)).toEqual({
      job_instance_id: res.job_instance_id,
      outcome: 'requested',
    });
    const st = await until(c, ref, (s) => s.is_finished);
    expect(st.job_instance.status).toBe(11);
    expect(await c.operateJobInstance(ref)).toEqual({
      job_instance_id: res.job_instance_id,
      outcome: 'finished',
      status: 11,
    });
  });

  it('a wrong secret is CORE_AUTH, nothing runs', async () => {
    const { emu } = await setup();
    const bad = createClient({
      transport: 'v3',
      baseUrl: emu.url,
      appCode: 'runbook',
      appSecret: 'wrong-secret-x',
      username: 'alice',
    });
    closers.push(() => bad.close());
    await expect(bad.fastExecuteScript(submit('echo no'))).rejects.toMatchObject({ code: 'CORE_AUTH' });
    expect(emu.jobs()).toHaveLength(0);
  });
});
