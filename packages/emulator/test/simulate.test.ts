import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../src/index.js';
import { AUTH, call, scriptRequest, waitFinished } from './helpers.js';

let emu: Emulator;

const hosts = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    bk_cloud_id: 0,
    ip: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
  }));

beforeAll(async () => {
  emu = await startEmulator({
    exec: 'simulate',
    seed: 42,
    config: { simulate: { durationMs: [1500, 2500], failRate: 0.1, agentErrorRate: 0.01, logLines: 2 } },
  });
});
afterAll(() => emu.close());

describe('exec: simulate', () => {
  it('carries a 10,000-host job to completion, with seeded outcomes', async () => {
    const submit = await call(
      emu,
      'fast_execute_script',
      scriptRequest('echo hi', { ip_list: hosts(10_000) }),
    );
    expect(submit.result).toBe(true);
    const ref = { ...AUTH, bk_biz_id: 1, job_instance_id: submit.data.job_instance_id };
    const seen = new Set<number>();
    let end: any;
    for (let i = 0; i < 500; i++) {
      const s = await call(emu, 'get_job_instance_status', ref);
      for (const h of s.data.blocks[0].step_instances[0].step_ip_status) seen.add(h.status);
      if (s.data.is_finished) {
        end = s;
        break;
      }
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(end.data.job_instance.status).toBe(4);
    const statuses = end.data.blocks[0].step_instances[0].step_ip_status.map((h: any) => h.status);
    expect(statuses).toHaveLength(10_000);
    const count = (v: number) => statuses.filter((s: number) => s === v).length;
    expect(count(9) + count(104) + count(1)).toBe(10_000);
    expect(count(104)).toBeGreaterThan(800);
    expect(count(104)).toBeLessThan(1200);
    expect(count(1)).toBeGreaterThan(50);
    expect(seen.has(7)).toBe(true);
    const log = await call(emu, 'get_job_instance_log', ref);
    const groups = log.data[0].step_results;
    expect(groups.reduce((n: number, g: any) => n + g.ip_logs.length, 0)).toBe(10_000);
    const failed = groups.find((g: any) => g.ip_status === 104).ip_logs[0];
    expect(failed.log_content).toContain('simulated failure: exit code');
    expect(failed.exit_code).toBeGreaterThan(0);

    // The same seed gives the same outcomes for the same job id.
    const again = await startEmulator({
      exec: 'simulate',
      seed: 42,
      config: { simulate: { durationMs: [1500, 2500], failRate: 0.1, agentErrorRate: 0.01, logLines: 2 } },
    });
    try {
      const s2 = await call(
        again,
        'fast_execute_script',
        scriptRequest('echo hi', { ip_list: hosts(10_000) }),
      );
      const e2 = await waitFinished(again, s2.data.job_instance_id);
      expect(e2.data.blocks[0].step_instances[0].step_ip_status.map((h: any) => h.status)).toEqual(statuses);
    } finally {
      await again.close();
    }
  });

  it('terminate: 10, then 11 with unfinished hosts 403', async () => {
    // Terminating lasts long enough that the next status call sees it, however loaded the machine.
    const slow = await startEmulator({
      exec: 'simulate',
      config: { simulate: { durationMs: 60_000, terminatingMs: 1500 } },
    });
    try {
      const submit = await call(
        slow,
        'fast_execute_script',
        scriptRequest('sleep 60', { ip_list: hosts(100) }),
      );
      const ref = { ...AUTH, bk_biz_id: 1, job_instance_id: submit.data.job_instance_id };
      const op = await call(slow, 'operate_job_instance', { ...ref, operation_code: 1 });
      expect(op.result).toBe(true);
      const during = await call(slow, 'get_job_instance_status', ref);
      expect(during.data.job_instance.status).toBe(10);
      const end = await waitFinished(slow, ref.job_instance_id);
      expect(end.data.job_instance.status).toBe(11);
      const st = new Set(end.data.blocks[0].step_instances[0].step_ip_status.map((h: any) => h.status));
      expect([...st]).toEqual([403]);
    } finally {
      await slow.close();
    }
  });

  it('simulated timeouts: 102 when the duration exceeds script_timeout', async () => {
    const t = await startEmulator({
      exec: 'simulate',
      timeoutScale: 0.001,
      config: { simulate: { durationMs: 5000 } },
    });
    try {
      const submit = await call(
        t,
        'fast_execute_script',
        scriptRequest('x', { ip_list: hosts(3), script_timeout: 60 }),
      );
      const end = await waitFinished(t, submit.data.job_instance_id);
      expect(end.data.blocks[0].step_instances[0].step_ip_status.map((h: any) => h.status)).toEqual([
        102, 102, 102,
      ]);
    } finally {
      await t.close();
    }
  });
});
