import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../src/index.js';
import { AUTH, b64, call, scriptRequest } from './helpers.js';

let emu: Emulator;

beforeAll(async () => {
  emu = await startEmulator({
    config: {
      apps: { app: 'right-secret' },
      businesses: {
        '1': {
          hosts: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }, { ip: '10.0.0.3', cloud: 2 }],
          custom_queries: { '3': ['10.0.0.2', '2:10.0.0.3'] },
          accounts: ['root', 'nginx'],
        },
      },
      scripts: { '7': { type: 1, content: 'echo stored' } },
    },
  });
});
afterAll(() => emu.close());

const submit = (extra: Record<string, unknown>) =>
  call(emu, 'fast_execute_script', scriptRequest('true', extra));

describe('fast_execute_script validation (HTTP 200, JOB codes and messages)', () => {
  it.each([
    ['bk_biz_id missing', { bk_biz_id: undefined }, 1241004, '请求参数[bk_biz_id]缺失'],
    ['bk_biz_id not a number', { bk_biz_id: 'abc' }, 1241005, '请求参数[bk_biz_id]不合法'],
    ['bk_biz_id < 1', { bk_biz_id: 0 }, 1240003, '错误的请求'],
    ['unknown business', { bk_biz_id: 99 }, 1241008, '错误的业务 ID'],
    ['script_content missing', { script_content: undefined }, 1241004, '请求参数[script_content]缺失'],
    ['script_content not base64', { script_content: '@@@' }, 1241005, '请求参数[script_content]不合法'],
    ['script_type missing', { script_type: undefined }, 1241004, '请求参数[script_type]缺失'],
    ['script_type 6', { script_type: 6 }, 1241005, '请求参数[script_type]不合法'],
    ['script_param not base64', { script_param: '%%' }, 1241005, '请求参数[script_param]不合法'],
    ['script_timeout 59', { script_timeout: 59 }, 1240003, 'script_timeout'],
    ['script_timeout 86401', { script_timeout: 86401 }, 1240003, 'script_timeout'],
    ['script_timeout text', { script_timeout: 'soon' }, 1241005, '请求参数[script_timeout]不合法'],
    ['is_param_sensitive 2', { is_param_sensitive: 2 }, 1241005, '请求参数[is_param_sensitive]不合法'],
    ['callback with userinfo', { bk_callback_url: 'http://u:p@127.0.0.1/' }, 1241005, '[bk_callback_url]'],
    ['callback not http', { bk_callback_url: 'ftp://127.0.0.1/' }, 1241005, '[bk_callback_url]'],
    ['no targets', { ip_list: [] }, 1241007, '请求参数[ip_list|custom_query_id|target_server]缺失或不合法'],
    ['ip_list not a list', { ip_list: '10.0.0.1' }, 1241005, '请求参数[ip_list]不合法'],
    ['ip not IPv4', { ip_list: [{ bk_cloud_id: 0, ip: '10.0.0.300' }] }, 1241005, '[ip_list]'],
    ['negative cloud', { ip_list: [{ bk_cloud_id: -1, ip: '10.0.0.1' }] }, 1241005, '[ip_list]'],
    ['unknown custom query', { ip_list: [], custom_query_id: ['42'] }, 1211003, '动态分组 ID ：42'],
    ['unknown account', { account: 'oracle' }, 1244003, '账号[oracle]不存在'],
    ['script_id not a number', { script_id: 'x' }, 1241005, '请求参数[script_id]不合法'],
    ['unknown script_id', { script_id: 8 }, 1243001, '脚本不存在'],
  ])('%s', async (_name, extra, code, message) => {
    const a = await submit(extra);
    expect(a).toMatchObject({ result: false, code, data: null });
    expect(a.message).toContain(message);
    expect(a.request_id).toMatch(/^[0-9a-f]{32}$/);
  });

  it('hosts not in the business: 1244002 listing each of them', async () => {
    const a = await submit({
      ip_list: [
        { bk_cloud_id: 0, ip: '10.0.0.1' },
        { bk_cloud_id: 0, ip: '10.9.9.9' },
        { bk_cloud_id: 0, ip: '10.0.0.3' },
      ],
    });
    expect(a).toMatchObject({ result: false, code: 1244002 });
    expect(a.message).toContain('业务[1]');
    expect(a.message).toContain('无效的2台主机：[0:10.9.9.9, 0:10.0.0.3]');
  });

  it('malformed JSON: 1306000 with ESB’s message', async () => {
    const res = await fetch(`${emu.url}/api/c/compapi/v2/job/fast_execute_script/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"bk_app_code": "app", ',
    });
    expect(res.status).toBe(200);
    const a = (await res.json()) as any;
    expect(a).toMatchObject({
      result: false,
      code: 1306000,
      message: 'Request JSON string is wrong in format, which cannot be analyzed.',
    });
  });

  it('script_id wins over script_content and script_type', async () => {
    const a = await submit({ script_id: 7, script_content: b64('echo ignored'), script_type: 4 });
    expect(a.result).toBe(true);
    const job = emu.jobs().find((j) => j.jobInstanceId === a.data.job_instance_id)!;
    expect(job.script).toEqual({ type: 1, content: 'echo stored', scriptId: 7 });
  });

  it('ip_list and custom query hosts are merged and deduplicated', async () => {
    const a = await submit({
      ip_list: [
        { bk_cloud_id: 0, ip: '10.0.0.2' },
        { bk_cloud_id: 0, ip: '10.0.0.1' },
        { bk_cloud_id: 0, ip: '10.0.0.2' },
      ],
      custom_query_id: ['3'],
    });
    expect(a.result).toBe(true);
    const job = emu.jobs().find((j) => j.jobInstanceId === a.data.job_instance_id)!;
    expect(job.hosts.map((h) => `${h.bk_cloud_id}:${h.ip}`)).toEqual([
      '0:10.0.0.2',
      '0:10.0.0.1',
      '2:10.0.0.3',
    ]);
  });

  it('unknown job: 1244006 from the read calls and terminate', async () => {
    for (const name of ['get_job_instance_status', 'get_job_instance_log', 'operate_job_instance']) {
      const a = await call(emu, name, { ...AUTH, bk_biz_id: 1, job_instance_id: 123456, operation_code: 1 });
      expect(a).toMatchObject({ result: false, code: 1244006, message: '作业实例不存在', data: null });
    }
  });

  it('read calls check their own fields', async () => {
    const a = await call(emu, 'get_job_instance_status', { ...AUTH, bk_biz_id: 1 });
    expect(a).toMatchObject({ code: 1241004, message: '请求参数[job_instance_id]缺失' });
    const b = await call(emu, 'get_job_instance_log', { ...AUTH, bk_biz_id: 1, job_instance_id: 'x' });
    expect(b).toMatchObject({ code: 1241005, message: '请求参数[job_instance_id]不合法' });
    const c = await call(emu, 'operate_job_instance', { ...AUTH, bk_biz_id: 1, job_instance_id: 10000 });
    expect(c).toMatchObject({ code: 1241004, message: '请求参数[operation_code]缺失' });
  });

  it('an unknown component: 1306404', async () => {
    const a = await call(emu, 'fast_push_file', { ...AUTH });
    expect(a).toMatchObject({
      result: false,
      code: 1306404,
      message: 'Not found, component class not found',
    });
  });

  it('missingCalls: an ESB without operate_job_instance (JOB 2.x) answers 1306404 for it', async () => {
    const old = await startEmulator({ missingCalls: ['operate_job_instance'] });
    try {
      const a = await call(old, 'operate_job_instance', {
        ...AUTH,
        bk_biz_id: 1,
        job_instance_id: 1,
        operation_code: 1,
      });
      expect(a).toMatchObject({ result: false, code: 1306404 });
      const b = await call(old, 'get_job_instance_status', { ...AUTH, bk_biz_id: 1, job_instance_id: 1 });
      expect(b.code).toBe(1244006);
    } finally {
      await old.close();
    }
  });
});
