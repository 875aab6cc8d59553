import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../src/index.js';
import { AUTH, call, scriptRequest, waitFinished } from './helpers.js';

let emu: Emulator;

beforeAll(async () => {
  emu = await startEmulator({
    jobGeneration: 3,
    parallelism: 1,
    config: {
      businesses: {
        '1': {
          hosts: [
            { ip: '10.0.0.1' },
            { ip: '10.0.0.2' },
            { ip: '10.0.0.3', agent: 'offline' },
            { ip: '10.0.0.4', status: 301 },
            { ip: '10.0.0.5', status: 303 },
          ],
        },
      },
    },
  });
});
afterAll(() => emu.close());

const ref = (jobId: number) => ({ ...AUTH, bk_biz_id: 1, job_instance_id: jobId });
const ips = (...xs: number[]) => xs.map((x) => ({ bk_cloud_id: 0, ip: `10.0.0.${x}` }));
const logHosts = (log: any) =>
  log.data[0].step_results.flatMap((g: any) => g.ip_logs.map((h: any) => ({ ...h, ip_status: g.ip_status })));

/** `yyyy-MM-dd HH:mm:ss` read as if it were UTC, in ms. */
const asUtc = (text: string) => Date.parse(`${text.replace(' ', 'T')}Z`);

describe('JOB 3.x time strings', () => {
  it('are in the zone of X-Bk-Job-User-Timezone, else Asia/Shanghai, without an offset', async () => {
    const a = await call(emu, 'fast_execute_script', scriptRequest('true', { ip_list: ips(1) }));
    await waitFinished(emu, a.data.job_instance_id);
    const at = async (zone?: string) => {
      const s = await call(emu, 'get_job_instance_status', ref(a.data.job_instance_id), {
        ...(zone ? { 'X-Bk-Job-User-Timezone': zone } : {}),
      });
      expect(s.result).toBe(true);
      return s.data.job_instance.create_time as string;
    };
    const shanghai = await at();
    const utc = await at('UTC');
    expect(shanghai).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    expect(asUtc(shanghai) - asUtc(utc)).toBe(8 * 3600_000);
    expect(await at('Asia/Shanghai')).toBe(shanghai);
    expect(asUtc(await at('+05:30')) - asUtc(utc)).toBe(5.5 * 3600_000);
    expect(asUtc(await at('America/New_York')) - asUtc(utc)).toBeLessThan(0);
    const log = await call(emu, 'get_job_instance_log', ref(a.data.job_instance_id), {
      'X-Bk-Job-User-Timezone': 'UTC',
    });
    expect(asUtc(log.data[0].step_results[0].ip_logs[0].start_time)).toBeGreaterThanOrEqual(asUtc(utc));
  });

  it('a header that is not a zone: 1247005', async () => {
    const a = await call(emu, 'get_job_instance_status', ref(1), {
      'X-Bk-Job-User-Timezone': 'Mars/Olympus',
    });
    expect(a).toMatchObject({ result: false, code: 1247005 });
  });

  it('JOB 2.x mode keeps the offset form in its own zone and ignores the header', async () => {
    const old = await startEmulator({ exec: 'simulate', config: { simulate: { durationMs: 5 } } });
    try {
      const a = await call(old, 'fast_execute_script', scriptRequest('true'));
      const s = await call(old, 'get_job_instance_status', ref(a.data.job_instance_id), {
        'X-Bk-Job-User-Timezone': 'Mars/Olympus',
      });
      expect(s.data.job_instance.create_time).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d{4}$/);
    } finally {
      await old.close();
    }
  });
});

describe('hosts that never ran have exit_code null (JOB 3.x)', () => {
  it('agent error, configured 301/303, waiting, terminated before start', async () => {
    const done = await call(
      emu,
      'fast_execute_script',
      scriptRequest('exit 0', { ip_list: ips(1, 3, 4, 5) }),
    );
    const s = await waitFinished(emu, done.data.job_instance_id);
    expect(s.data.job_instance.status).toBe(4);
    expect(s.data.blocks[0].step_instances[0].step_ip_status.map((h: any) => h.status)).toEqual([
      9, 1, 301, 303,
    ]);
    const log = await call(emu, 'get_job_instance_log', ref(done.data.job_instance_id));
    expect(logHosts(log).map((h: any) => [h.ip_status, h.exit_code])).toEqual([
      [9, 0],
      [1, null],
      [301, null],
      [303, null],
    ]);

    // parallelism 1: the second host waits while the first sleeps, then is terminated before it starts.
    const slow = await call(emu, 'fast_execute_script', scriptRequest('sleep 30', { ip_list: ips(1, 2) }));
    const id = slow.data.job_instance_id;
    let running: any;
    for (let i = 0; i < 500; i++) {
      running = await call(emu, 'get_job_instance_log', ref(id));
      if (logHosts(running).some((h: any) => h.ip_status === 7)) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(logHosts(running).find((h: any) => h.ip === '10.0.0.2')).toMatchObject({
      ip_status: 5,
      exit_code: null,
    });
    expect(await call(emu, 'operate_job_instance', { ...ref(id), operation_code: 1 })).toMatchObject({
      result: true,
    });
    await waitFinished(emu, id);
    const end = await call(emu, 'get_job_instance_log', ref(id));
    expect(logHosts(end).find((h: any) => h.ip === '10.0.0.2')).toMatchObject({
      ip_status: 403,
      exit_code: null,
    });
  });

  it('JOB 2.x mode still answers 0 for them', async () => {
    const old = await startEmulator({
      config: {
        businesses: {
          '1': {
            hosts: [
              { ip: '10.0.0.3', agent: 'offline' },
              { ip: '10.0.0.4', status: 301 },
            ],
          },
        },
      },
    });
    try {
      const a = await call(old, 'fast_execute_script', scriptRequest('true', { ip_list: ips(3, 4) }));
      await waitFinished(old, a.data.job_instance_id);
      const log = await call(old, 'get_job_instance_log', ref(a.data.job_instance_id));
      expect(logHosts(log).map((h: any) => [h.ip_status, h.exit_code])).toEqual([
        [1, 0],
        [301, 0],
      ]);
    } finally {
      await old.close();
    }
  });
});
