import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../src/index.js';

let emu: Emulator;
const auth = { bk_app_code: 'app', bk_app_secret: 'right-secret', bk_username: 'admin' };

async function call(name: string, body: Record<string, unknown>) {
  const res = await fetch(`${emu.url}/api/c/compapi/v2/job/${name}/`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as {
    result: boolean;
    code: number;
    message: string;
    data: any;
    request_id: string;
  };
}

beforeAll(async () => {
  emu = await startEmulator({ apps: { app: 'right-secret' } });
});
afterAll(async () => {
  await emu.close();
});

describe('emulator over HTTP', () => {
  it('binds loopback on a random port', () => {
    expect(emu.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('rejects a wrong secret with HTTP 200 and code 1306000', async () => {
    const a = await call('get_job_instance_status', {
      ...auth,
      bk_app_secret: 'wrong',
      bk_biz_id: 1,
      job_instance_id: 1,
    });
    expect(a).toMatchObject({ result: false, code: 1306000, data: null });
    expect(a.message).toContain('APP Secret verification failed');
    expect(a.request_id).toMatch(/^[0-9a-f]{32}$/);
  });

  it('runs a script per host and reports its output', async () => {
    const submit = await call('fast_execute_script', {
      ...auth,
      bk_biz_id: 1,
      script_content: Buffer.from('echo "got $1"').toString('base64'),
      script_param: Buffer.from('hello').toString('base64'),
      script_type: 1,
      account: 'root',
      ip_list: [{ bk_cloud_id: 0, ip: '10.0.0.1' }],
    });
    expect(submit.result).toBe(true);
    const ref = { ...auth, bk_biz_id: 1, job_instance_id: submit.data.job_instance_id };
    let finished = false;
    for (let i = 0; i < 200 && !finished; i++) {
      finished = (await call('get_job_instance_status', ref)).data.is_finished;
      if (!finished) await new Promise((r) => setTimeout(r, 25));
    }
    expect(finished).toBe(true);
    const log = await call('get_job_instance_log', ref);
    expect(log.data[0].step_results[0].ip_status).toBe(9);
    expect(log.data[0].step_results[0].ip_logs[0].log_content).toContain('got hello');
  });
});
