import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../src/index.js';
import { job, SCOPE, v3Script, waitFinishedV3 } from './apigw-helpers.js';
import { call, scriptRequest } from './helpers.js';

let emu: Emulator;

beforeAll(async () => {
  emu = await startEmulator({
    exec: 'simulate',
    config: {
      apps: { app: 'right-secret' },
      simulate: { durationMs: 5, logLines: 1 },
      businesses: {
        '1': {
          hosts: [
            { ip: '10.0.0.1', bk_host_id: 101 },
            { ip: '10.0.0.2', bk_host_id: 102 },
            { ip: '10.0.0.3' },
            { ip: '10.0.1.1', cloud: 2, bk_host_id: 201 },
            { ip: '10.0.0.9', bk_host_id: 109, agent: 'offline' },
          ],
          custom_queries: { blo8gojho0skft7pr5q0: [101, '10.0.0.3'], '7': ['2:10.0.1.1'] },
          topology: { '3': { '12': [101, 102], '13': ['10.0.0.3'] }, '4': { '14': [201] } },
        },
        '2': { hosts: [{ ip: '10.9.9.9', bk_host_id: 901 }] },
        '5': {},
      },
    },
  });
});
afterAll(() => emu.close());

/** 0:10.0.0.3 has no configured id: cloud × 2^32 + the address as a number. */
const GEN3 = 167772163;

async function submit(target_server: Record<string, unknown>, scope = SCOPE) {
  return job(emu, 'POST', 'fast_execute_script', v3Script('true', { ...scope, target_server }));
}

/** The hosts a submit ran on, as `id@cloud:ip`, in JOB's order. */
async function hostsOf(target_server: Record<string, unknown>, scope = SCOPE): Promise<string[]> {
  const a = await submit(target_server, scope);
  expect(a).toMatchObject({ result: true, code: 0 });
  const j = emu.jobs().find((x) => x.jobInstanceId === a.data.job_instance_id)!;
  return j.hosts.map((h) => `${h.bk_host_id}@${h.bk_cloud_id}:${h.ip}`);
}

describe('host ids', () => {
  it('host_id_list names configured hosts; ids are kept in the job and in status answers', async () => {
    expect(await hostsOf({ host_id_list: [102, 101, 102] })).toEqual(['102@0:10.0.0.2', '101@0:10.0.0.1']);
    const a = await submit({ host_id_list: [GEN3, 201] });
    const s = await waitFinishedV3(emu, a.data.job_instance_id);
    expect(
      s.data.step_instance_list[0].step_ip_result_list.map((h: any) => [h.bk_host_id, h.bk_cloud_id, h.ip]),
    ).toEqual([
      [GEN3, 0, '10.0.0.3'],
      [201, 2, '10.0.1.1'],
    ]);
  });

  it('host_id_list wins: ip_list is then ignored, as JOB does', async () => {
    expect(await hostsOf({ host_id_list: [101], ip_list: [{ bk_cloud_id: 0, ip: '10.0.0.2' }] })).toEqual([
      '101@0:10.0.0.1',
    ]);
    expect(await hostsOf({ ip_list: [{ bk_cloud_id: 0, ip: '10.0.0.2' }] })).toEqual(['102@0:10.0.0.2']);
  });

  it('an id the CMDB lacks is 1244030; a host of another business 1244002; nothing saved', async () => {
    const before = emu.jobs().length;
    expect(await submit({ host_id_list: [101, 555, 556] })).toMatchObject({
      result: false,
      code: 1244030,
      message: '作业引用的执行对象不存在。不存在的执行对象个数:2,执行对象列表[(host_id:555),(host_id:556)]',
    });
    expect(await submit({ host_id_list: [901] })).toMatchObject({ code: 1244002 });
    expect((await submit({ host_id_list: [901] })).message).toContain('无效的1台主机：[0:10.9.9.9]');
    expect(emu.jobs()).toHaveLength(before);
  });

  it('a business that lists no hosts takes any address, and any id that names one', async () => {
    const permissive = { bk_scope_type: 'biz', bk_scope_id: '5' };
    expect(await hostsOf({ host_id_list: [167772161, 2 * 2 ** 32 + 167772161] }, permissive)).toEqual([
      '167772161@0:10.0.0.1',
      `${2 * 2 ** 32 + 167772161}@2:10.0.0.1`,
    ]);
    expect(await hostsOf({ ip_list: [{ bk_cloud_id: 0, ip: '10.0.0.1' }] }, permissive)).toEqual([
      '101@0:10.0.0.1',
    ]);
    expect(await submit({ host_id_list: [2 ** 32] }, permissive)).toMatchObject({ code: 1244030 });
  });
});

describe('topology and dynamic groups', () => {
  it('topo_node_list: a module, a set, the business', async () => {
    expect(await hostsOf({ topo_node_list: [{ id: 12, node_type: 'module' }] })).toEqual([
      '101@0:10.0.0.1',
      '102@0:10.0.0.2',
    ]);
    expect(await hostsOf({ topo_node_list: [{ id: 3, node_type: 'set' }] })).toEqual([
      '101@0:10.0.0.1',
      '102@0:10.0.0.2',
      `${GEN3}@0:10.0.0.3`,
    ]);
    expect(await hostsOf({ topo_node_list: [{ id: 1, node_type: 'biz' }] })).toHaveLength(5);
  });

  it('a node the business lacks yields no host: alone 1244001, beside others nothing', async () => {
    expect(await submit({ topo_node_list: [{ id: 99, node_type: 'module' }] })).toMatchObject({
      code: 1244001,
      message: '主机为空',
    });
    expect(
      await hostsOf({
        topo_node_list: [
          { id: 99, node_type: 'module' },
          { id: 14, node_type: 'module' },
        ],
      }),
    ).toEqual(['201@2:10.0.1.1']);
  });

  it('dynamic_group_list reads custom_queries; unknown groups 1211003', async () => {
    expect(await hostsOf({ dynamic_group_list: [{ id: 'blo8gojho0skft7pr5q0' }, { id: '7' }] })).toEqual([
      '101@0:10.0.0.1',
      `${GEN3}@0:10.0.0.3`,
      '201@2:10.0.1.1',
    ]);
    expect(await submit({ dynamic_group_list: [{ id: 'nope' }] })).toMatchObject({
      code: 1211003,
      message: expect.stringContaining('动态分组 ID ：nope'),
    });
  });

  it('every kind at once: static hosts, then groups, then nodes, each host once', async () => {
    const all = {
      host_id_list: [102],
      dynamic_group_list: [{ id: 'blo8gojho0skft7pr5q0' }],
      topo_node_list: [{ id: 12, node_type: 'module' }],
    };
    expect(await hostsOf(all)).toEqual(['102@0:10.0.0.2', '101@0:10.0.0.1', `${GEN3}@0:10.0.0.3`]);
  });

  it('ESB v2 custom_query_id reads the same groups, host ids included', async () => {
    const a = await call(
      emu,
      'fast_execute_script',
      scriptRequest('true', { ip_list: [], custom_query_id: ['blo8gojho0skft7pr5q0'] }),
    );
    expect(a.result).toBe(true);
    const j = emu.jobs().find((x) => x.jobInstanceId === a.data.job_instance_id)!;
    expect(j.hosts.map((h) => [h.ip, h.bk_host_id])).toEqual([
      ['10.0.0.1', 101],
      ['10.0.0.3', GEN3],
    ]);
  });
});

describe('batch_get_job_instance_ip_log: at most 500 hosts a call', () => {
  it('600 hosts: 600 or 501 ids are refused with 1241007; two calls of 300 read every log', async () => {
    const permissive = { bk_scope_type: 'biz', bk_scope_id: '5' };
    const ip_list = Array.from({ length: 600 }, (_, i) => ({
      bk_cloud_id: 0,
      ip: `10.1.${i >> 8}.${i & 255}`,
    }));
    const a = await submit({ ip_list }, permissive);
    expect(a.result).toBe(true);
    const s = await waitFinishedV3(emu, a.data.job_instance_id, permissive);
    const ids: number[] = s.data.step_instance_list[0].step_ip_result_list.map((h: any) => h.bk_host_id);
    expect(new Set(ids).size).toBe(600);
    const logs = (host_id_list: number[]) =>
      job(emu, 'POST', 'batch_get_job_instance_ip_log', {
        ...permissive,
        job_instance_id: a.data.job_instance_id,
        step_instance_id: a.data.step_instance_id,
        host_id_list,
      });
    const refused = { result: false, code: 1241007, message: '请求参数[host_id_list/ip_list]缺失或不合法' };
    expect(await logs(ids)).toMatchObject(refused);
    expect(await logs(ids.slice(0, 501))).toMatchObject(refused);
    expect(await logs([])).toMatchObject(refused);
    const first = await logs(ids.slice(0, 300));
    const second = await logs(ids.slice(300));
    const got = [...first.data.script_task_logs, ...second.data.script_task_logs];
    expect(got.map((l: any) => l.bk_host_id)).toEqual(ids);
    expect(got.every((l: any) => l.log_content.includes('simulated output'))).toBe(true);
    expect((await logs(ids.slice(0, 500))).data.script_task_logs).toHaveLength(500);
  });

  it('the step must be the job’s, the ids positive (JOB’s messages)', async () => {
    const a = await submit({ host_id_list: [101] });
    const q = {
      ...SCOPE,
      job_instance_id: a.data.job_instance_id,
      step_instance_id: a.data.step_instance_id,
      host_id_list: [101],
    };
    expect(
      await job(emu, 'POST', 'batch_get_job_instance_ip_log', { ...q, step_instance_id: 1 }),
    ).toMatchObject({
      code: 1244006,
    });
    expect(
      await job(emu, 'POST', 'batch_get_job_instance_ip_log', { ...q, step_instance_id: 0 }),
    ).toMatchObject({
      code: 1240003,
      message: '步骤实例ID必须为正整数',
    });
    expect(
      await job(emu, 'POST', 'batch_get_job_instance_ip_log', { ...q, job_instance_id: undefined }),
    ).toMatchObject({
      code: 1240003,
      message: '任务实例ID必须为正整数',
    });
    const get = { ...SCOPE, job_instance_id: q.job_instance_id, host_id: 101 };
    expect(await job(emu, 'GET', 'get_job_instance_ip_log', get)).toMatchObject({
      code: 1240003,
      message: '错误的请求',
    });
    expect(
      await job(emu, 'GET', 'get_job_instance_ip_log', { ...get, step_instance_id: q.step_instance_id }),
    ).toMatchObject({
      result: true,
      data: { bk_host_id: 101, log_type: 1 },
    });
  });
});
