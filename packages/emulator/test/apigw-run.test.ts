import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../src/index.js';
import { job, SCOPE, statusQuery, v3, v3Script, waitFinishedV3, waitStatusV3 } from './apigw-helpers.js';
import { AUTH, b64, call, scriptRequest, waitFinished } from './helpers.js';

let emu: Emulator;

beforeAll(async () => {
  emu = await startEmulator({ jobGeneration: 3, config: { apps: { app: 'right-secret' } } });
});
afterAll(() => emu.close());

/** 0:10.0.0.x's generated host id: 10.0.0.0 as a 32-bit number plus x. */
const idOf = (x: number) => 167772160 + x;
const logQuery = (a: any, extra: Record<string, unknown>) => ({
  ...SCOPE,
  job_instance_id: a.data.job_instance_id,
  step_instance_id: a.data.step_instance_id,
  ...extra,
});

describe('API gateway v3: a script from submit to logs', () => {
  it('answers JOB’s v3 shapes: the submit, the status in epoch ms, the logs not HTML-escaped', async () => {
    const before = Date.now();
    const res = await v3(
      emu,
      'POST',
      'fast_execute_script',
      v3Script('echo "<b>a & b</b>"; echo "param: $1 $2"', { script_param: b64('x\ny') }, 2),
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('x-bkapi-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const a = res.json;
    expect(a).toMatchObject({ result: true, code: 0 });
    expect(a).not.toHaveProperty('message');
    expect(a).not.toHaveProperty('request_id');
    expect(a.job_request_id).toMatch(/^[0-9a-f]{16}$/);
    expect(Object.keys(a.data).sort()).toEqual(['job_instance_id', 'job_instance_name', 'step_instance_id']);
    expect(a.data.job_instance_name).toMatch(/^快速执行脚本_20\d{15}$/);

    const s = await waitFinishedV3(emu, a.data.job_instance_id);
    const ji = s.data.job_instance;
    expect(ji).toMatchObject({
      job_instance_id: a.data.job_instance_id,
      bk_scope_type: 'biz',
      bk_scope_id: '1',
      status: 3,
    });
    expect(ji.create_time).toBeGreaterThanOrEqual(before);
    expect(ji.end_time).toBeGreaterThanOrEqual(ji.start_time);
    expect(ji.total_time).toBe(ji.end_time - ji.start_time);
    const step = s.data.step_instance_list[0];
    expect(step).toMatchObject({
      step_instance_id: a.data.step_instance_id,
      type: 1,
      execute_count: 0,
      status: 3,
    });
    expect(step.step_ip_result_list).toEqual([
      expect.objectContaining({
        bk_host_id: idOf(1),
        ip: '10.0.0.1',
        bk_cloud_id: 0,
        status: 9,
        exit_code: 0,
        error_code: 0,
        tag: '',
      }),
      expect.objectContaining({
        bk_host_id: idOf(2),
        ip: '10.0.0.2',
        bk_cloud_id: 0,
        status: 9,
        exit_code: 0,
      }),
    ]);
    const h = step.step_ip_result_list[0];
    expect(h.total_time).toBe(h.end_time - h.start_time);

    const bare = await job(emu, 'GET', 'get_job_instance_status', statusQuery(a.data.job_instance_id, false));
    expect(bare.data.finished).toBe(true);
    expect(bare.data.step_instance_list[0].step_ip_result_list).toBeNull();

    const byId = await job(
      emu,
      'POST',
      'batch_get_job_instance_ip_log',
      logQuery(a, { host_id_list: [idOf(2), idOf(1)] }),
    );
    expect(byId.data).toMatchObject({ job_instance_id: a.data.job_instance_id, log_type: 1 });
    expect(byId.data.script_task_logs.map((l: any) => l.bk_host_id)).toEqual([idOf(2), idOf(1)]);
    expect(byId.data.script_task_logs[0].log_content).toBe('<b>a & b</b>\nparam: x y\n');
    const byIp = await job(
      emu,
      'POST',
      'batch_get_job_instance_ip_log',
      logQuery(a, { ip_list: [{ bk_cloud_id: 0, ip: '10.0.0.1' }] }),
    );
    expect(byIp.data.script_task_logs).toEqual([
      {
        host_id: idOf(1),
        bk_host_id: idOf(1),
        bk_cloud_id: 0,
        ip: '10.0.0.1',
        ipv6: null,
        log_content: '<b>a & b</b>\nparam: x y\n',
      },
    ]);

    const one = await job(emu, 'GET', 'get_job_instance_ip_log', logQuery(a, { host_id: idOf(2) }));
    expect(one.data).toMatchObject({
      log_type: 1,
      bk_host_id: idOf(2),
      log_content: '<b>a & b</b>\nparam: x y\n',
    });
    const oneByIp = await job(
      emu,
      'GET',
      'get_job_instance_ip_log',
      logQuery(a, { bk_cloud_id: 0, ip: '10.0.0.2' }),
    );
    expect(oneByIp.data).toMatchObject({ bk_host_id: idOf(2), bk_cloud_id: 0, ip: '10.0.0.2' });
    expect(await job(emu, 'GET', 'get_job_instance_ip_log', logQuery(a, {}))).toMatchObject({
      code: 1241007,
      message: '请求参数[host_id/(bk_cloud_id+ip)]缺失或不合法',
    });
  });

  it('a failing host: status 104 with its exit code, the job 4', async () => {
    const script = 'if [ "$RUNBOOK_EMU_HOST_IP" = 10.0.0.2 ]; then echo broken >&2; exit 3; fi; echo fine';
    const a = await job(emu, 'POST', 'fast_execute_script', v3Script(script, { task_name: 'one fails' }, 2));
    const s = await waitFinishedV3(emu, a.data.job_instance_id);
    expect(s.data.job_instance).toMatchObject({ name: 'one fails', status: 4 });
    const hosts = s.data.step_instance_list[0].step_ip_result_list;
    expect(hosts.map((h: any) => [h.ip, h.status, h.exit_code])).toEqual([
      ['10.0.0.1', 9, 0],
      ['10.0.0.2', 104, 3],
    ]);
    const logs = await job(
      emu,
      'POST',
      'batch_get_job_instance_ip_log',
      logQuery(a, { host_id_list: [idOf(2)] }),
    );
    expect(logs.data.script_task_logs[0].log_content).toBe('broken\n');
  });

  it('one store for both transports: ESB v2 reads a v3 job, v3 reads a v2 job', async () => {
    const a = await job(emu, 'POST', 'fast_execute_script', v3Script('echo v3'));
    await waitFinishedV3(emu, a.data.job_instance_id);
    const esb = await call(emu, 'get_job_instance_status', {
      ...AUTH,
      bk_app_secret: 'right-secret',
      bk_biz_id: 1,
      job_instance_id: a.data.job_instance_id,
    });
    expect(esb).toMatchObject({ result: true, data: { is_finished: true, job_instance: { status: 3 } } });
    expect(emu.jobs().find((j) => j.jobInstanceId === a.data.job_instance_id)).toMatchObject({
      transport: 'v3',
      hosts: [{ ip: '10.0.0.1', bk_host_id: idOf(1) }],
    });

    const v2 = await call(emu, 'fast_execute_script', {
      ...scriptRequest('echo v2'),
      bk_app_secret: 'right-secret',
    });
    expect(v2.result).toBe(true);
    await waitFinished(emu, v2.data.job_instance_id);
    const s = await job(emu, 'GET', 'get_job_instance_status', statusQuery(v2.data.job_instance_id));
    expect(s.data.step_instance_list[0].step_ip_result_list[0]).toMatchObject({
      bk_host_id: idOf(1),
      status: 9,
    });
    expect(emu.jobs().find((j) => j.jobInstanceId === v2.data.job_instance_id)?.transport).toBe('v2');
  });

  it('start_task: false saves the job without starting it; operation 2 starts it', async () => {
    const a = await job(emu, 'POST', 'fast_execute_script', v3Script('echo later', { start_task: false }));
    expect(a.result).toBe(true);
    const id = a.data.job_instance_id;
    expect(emu.jobs().find((j) => j.jobInstanceId === id)).toMatchObject({ status: 1, started: false });
    const op = (code: number) =>
      job(emu, 'POST', 'operate_job_instance', { ...SCOPE, job_instance_id: id, operation_code: code });
    expect(await op(1)).toMatchObject({ result: false, code: 1241003, message: '不支持的操作' });
    expect(await op(2)).toMatchObject({ result: true, data: { job_instance_id: id } });
    expect((await waitFinishedV3(emu, id)).data.job_instance.status).toBe(3);
  });

  it('terminate: operate_job_instance code 1 stops the processes, 10 then 11, hosts 403', async () => {
    const a = await job(emu, 'POST', 'fast_execute_script', v3Script('echo started; sleep 30', {}, 2));
    const id = a.data.job_instance_id;
    await waitStatusV3(emu, id, 2);
    const stop = await job(emu, 'POST', 'operate_job_instance', {
      ...SCOPE,
      job_instance_id: id,
      operation_code: 1,
    });
    expect(stop).toEqual({
      result: true,
      code: 0,
      data: { job_instance_id: id },
      job_request_id: expect.any(String),
    });
    const s = await waitFinishedV3(emu, id);
    expect(s.data.job_instance.status).toBe(11);
    for (const h of s.data.step_instance_list[0].step_ip_result_list)
      expect(h).toMatchObject({ status: 403, error_code: 126 });
    expect(
      await job(emu, 'POST', 'operate_job_instance', { ...SCOPE, job_instance_id: id, operation_code: 1 }),
    ).toMatchObject({
      result: false,
      code: 1241003,
    });
  });

  it('a failure has a message and no data (JOB leaves null fields out)', async () => {
    const a = await job(emu, 'GET', 'get_job_instance_status', statusQuery(999_999));
    expect(a).toEqual({
      result: false,
      code: 1244006,
      message: '作业实例不存在',
      job_request_id: expect.any(String),
    });
  });
});

describe('the v3 gateway of an emulator left at JOB 2.x (the --local default)', () => {
  it('still answers like JOB 3.x on v3, and runs v3 jobs as JOB 3.x does', async () => {
    const old = await startEmulator({
      exec: 'simulate',
      config: {
        simulate: { durationMs: 5, logLines: 1 },
        businesses: { '1': { hosts: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2', agent: 'not_installed' }] } },
      },
    });
    try {
      const a = await job(old, 'POST', 'fast_execute_script', v3Script('true', {}, 2));
      expect(a.data.job_instance_name).toMatch(/^快速执行脚本_/);
      expect(a.data.step_instance_id).toBe(a.data.job_instance_id + 1);
      const s = await waitFinishedV3(old, a.data.job_instance_id);
      expect(typeof s.data.job_instance.create_time).toBe('number');
      expect(s.data.step_instance_list[0].step_ip_result_list.map((h: any) => h.status)).toEqual([9, 18]);
      const logs = await job(old, 'POST', 'batch_get_job_instance_ip_log', {
        ...SCOPE,
        job_instance_id: a.data.job_instance_id,
        step_instance_id: a.data.step_instance_id,
        host_id_list: [167772161],
      });
      expect(logs.data.script_task_logs[0].log_content).not.toContain('job_start');
    } finally {
      await old.close();
    }
  });
});
