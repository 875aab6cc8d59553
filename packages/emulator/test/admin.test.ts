import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleAdmin, isLoopbackPeer } from '../src/admin.js';
import { type Emulator, startEmulator } from '../src/index.js';
import { AUTH, b64, call, scriptRequest, waitFinished } from './helpers.js';

let emu: Emulator;
const CANARY = 'canary-token-31337';

beforeAll(async () => {
  emu = await startEmulator({ exec: 'simulate', config: { simulate: { durationMs: 5 } } });
});
afterAll(() => emu.close());

const admin = (path: string, init?: RequestInit) => fetch(`${emu.url}/__emulator/${path}`, init);

describe('introspection and admin endpoints', () => {
  it('GET /__emulator/jobs: each job with its decoded request, no credentials', async () => {
    const a = await call(
      emu,
      'fast_execute_script',
      scriptRequest('echo 你好', {
        bk_token: CANARY,
        script_param: b64(`a 'b c'`),
        task_name: 'admin-check',
      }),
    );
    await waitFinished(emu, a.data.job_instance_id);
    const res = await admin('jobs');
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).not.toContain(CANARY);
    expect(text).not.toContain('right-secret');
    const job = (JSON.parse(text) as any[]).find((j) => j.jobInstanceId === a.data.job_instance_id);
    expect(job).toMatchObject({
      name: 'admin-check',
      status: 3,
      script: { type: 1, content: 'echo 你好', scriptId: null },
      params: "a 'b c'",
      args: ['a', 'b c'],
      account: 'root',
      hosts: [{ ip: '10.0.0.1', bk_cloud_id: 0, status: 9, exitCode: 0, tag: '' }],
    });
    expect(job.request.bk_app_code).toBe('app');
  });

  it('sensitive parameters are masked in the record', async () => {
    const a = await call(
      emu,
      'fast_execute_script',
      scriptRequest('true', { script_param: b64(CANARY), is_param_sensitive: 1 }),
    );
    const job = emu.jobs().find((j) => j.jobInstanceId === a.data.job_instance_id)!;
    expect(job.params).toBe('******');
    expect(JSON.stringify(job)).not.toContain(b64(CANARY));
  });

  it('GET /__emulator/calls counts attempts per call', async () => {
    const before = (await (await admin('calls')).json()) as Record<string, number>;
    await call(emu, 'get_job_instance_log', { ...AUTH, bk_biz_id: 1, job_instance_id: 1 });
    await call(emu, 'get_job_instance_log', { ...AUTH, bk_biz_id: 1, job_instance_id: 1 });
    const after = (await (await admin('calls')).json()) as Record<string, number>;
    expect(after.get_job_instance_log).toBe((before.get_job_instance_log ?? 0) + 2);
    expect(emu.calls()).toEqual(after);
  });

  it('GET /__emulator/callbacks lists the attempts', async () => {
    const res = await admin('callbacks');
    expect(res.status).toBe(200);
    expect(Array.isArray(await res.json())).toBe(true);
  });

  it('PUT /__emulator/faults switches faults on and off', async () => {
    const put = await admin('faults', {
      method: 'PUT',
      body: JSON.stringify([{ call: 'get_job_instance_status', kind: 'rate_limit', times: 1 }]),
    });
    expect(put.status).toBe(200);
    expect(await put.json()).toEqual({ faults: 1 });
    const limited = await call(emu, 'get_job_instance_status', { ...AUTH, bk_biz_id: 1, job_instance_id: 1 });
    expect(limited.code).toBe(1306429);
    const normal = await call(emu, 'get_job_instance_status', { ...AUTH, bk_biz_id: 1, job_instance_id: 1 });
    expect(normal.code).toBe(1244006);
    const bad = await admin('faults', { method: 'PUT', body: '{"kind":"reset"}' });
    expect(bad.status).toBe(400);
    const unknown = await admin('nothing');
    expect(unknown.status).toBe(404);
  });

  it('answers loopback peers only', async () => {
    expect(isLoopbackPeer('127.0.0.1')).toBe(true);
    expect(isLoopbackPeer('::1')).toBe(true);
    expect(isLoopbackPeer('::ffff:127.0.0.1')).toBe(true);
    expect(isLoopbackPeer('10.1.2.3')).toBe(false);
    expect(isLoopbackPeer('::ffff:192.168.1.9')).toBe(false);
    expect(isLoopbackPeer(undefined)).toBe(false);
  });

  it('a non-loopback peer gets 403 (peer address set on a real loopback connection)', async () => {
    const server = createServer((req, res) => {
      Object.defineProperty(req.socket, 'remoteAddress', { value: '10.1.2.3' });
      void handleAdmin(req, res, new URL(req.url ?? '/', 'http://x').pathname, {
        jobs: () => emu.jobs(),
        calls: () => emu.calls(),
        credentialsInParams: () => emu.credentialsInParams(),
        callbacks: () => emu.callbacks(),
        setFaults: (r) => emu.setFaults(r),
        faultsInjected: () => emu.faultsInjected(),
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const port = (server.address() as AddressInfo).port;
      const res = await fetch(`http://127.0.0.1:${port}/__emulator/jobs`);
      expect(res.status).toBe(403);
      const put = await fetch(`http://127.0.0.1:${port}/__emulator/faults`, { method: 'PUT', body: '[]' });
      expect(put.status).toBe(403);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('refuses to bind a non-loopback address without allowNonLoopback', async () => {
    await expect(startEmulator({ host: '0.0.0.0' })).rejects.toMatchObject({
      name: 'EmulatorOptionsError',
      code: 'EMULATOR_OPTIONS_INVALID',
    });
  });
});
