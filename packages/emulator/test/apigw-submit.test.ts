import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../src/index.js';
import { job, v3Script } from './apigw-helpers.js';
import { b64 } from './helpers.js';

let emu: Emulator;

beforeAll(async () => {
  emu = await startEmulator({
    exec: 'simulate',
    config: {
      apps: { app: 'right-secret' },
      users: { admin: { permissions: 'all' }, bob: { token: 'bob-token', permissions: [] } },
      simulate: { durationMs: 5 },
      scripts: {
        '7': { type: 1, content: 'echo seven', versionId: 1007 },
        abc123: { type: 4, content: 'print("abc")' },
      },
      businesses: {
        '1': {},
        '3': { accounts: ['root', 'nginx'], account_ids: { '1000': 'nginx' } },
      },
    },
  });
});
afterAll(() => emu.close());

const submit = (extra: Record<string, unknown>, headers?: Record<string, string>) =>
  job(emu, 'POST', 'fast_execute_script', { ...v3Script('echo hi'), ...extra }, headers);

/** A refused submit: the answer, nothing saved. */
async function refused(extra: Record<string, unknown>) {
  const before = emu.jobs().length;
  const a = await submit(extra);
  expect(a.result).toBe(false);
  expect(a).not.toHaveProperty('data');
  expect(emu.jobs()).toHaveLength(before);
  return a;
}

async function accepted(extra: Record<string, unknown>) {
  const a = await submit(extra);
  expect(a).toMatchObject({ result: true, code: 0 });
  return emu.jobs().find((j) => j.jobInstanceId === a.data.job_instance_id)!;
}

describe('v3 fast_execute_script: fields and JOB’s order of checks', () => {
  it('the scope: bk_scope_type + bk_scope_id, or the deprecated bk_biz_id alone', async () => {
    expect(await refused({ bk_scope_type: undefined, bk_scope_id: undefined })).toMatchObject({
      code: 1240003,
      message: '非法的资源范围类型',
    });
    expect((await accepted({ bk_scope_type: undefined, bk_scope_id: undefined, bk_biz_id: 1 })).bizId).toBe(
      1,
    );
    expect(await refused({ bk_scope_id: '404' })).toMatchObject({ code: 1243049 });
  });

  it('the script: script_version_id > script_id > script_content + script_language', async () => {
    const all = { script_version_id: 1007, script_id: 'abc123', script_content: b64('echo content') };
    expect((await accepted(all)).script).toEqual({
      type: 1,
      content: 'echo seven',
      scriptId: '7',
      versionId: 1007,
    });
    expect((await accepted({ ...all, script_version_id: undefined })).script).toEqual({
      type: 4,
      content: 'print("abc")',
      scriptId: 'abc123',
    });
    expect((await accepted({ script_language: 3, script_content: b64('print 1') })).script).toEqual({
      type: 3,
      content: 'print 1',
      scriptId: null,
    });
    expect(await refused({ script_version_id: 9 })).toMatchObject({
      code: 1243047,
      message: '脚本版本不存在',
    });
    expect(await refused({ script_id: 'nope', script_content: undefined })).toMatchObject({ code: 1243001 });
  });

  it.each([
    [{ script_content: undefined }, 1241004, '请求参数[script_version_id|script_id|script_content]缺失'],
    [{ script_version_id: 0 }, 1241005, '请求参数[script_version_id]不合法'],
    [{ script_language: undefined }, 1241005, '请求参数[script_language]不合法'],
    [{ script_language: 6 }, 1241005, '请求参数[script_language]不合法'],
    [{ target_server: undefined }, 1241004, '请求参数[target_server]缺失'],
    [{ target_server: {} }, 1244001, '主机为空'],
    [{ account_alias: undefined }, 1241004, '请求参数[account_id|account_alias]缺失'],
    [{ account_alias: ' ', account_id: 0 }, 1241004, '请求参数[account_id|account_alias]缺失'],
    [{ timeout: 0 }, 1240003, '作业超时时间必须在1-259200之间'],
    [{ timeout: 'soon' }, 1240003, '错误的请求'],
    [{ target_server: { host_id_list: ['x'] } }, 1240003, '错误的请求'],
    [{ target_server: { ip_list: [{ bk_cloud_id: 0, ip: '10.0.0.256' }] } }, 1240003, 'IP 非法'],
    [{ target_server: { ip_list: [{ bk_cloud_id: -1, ip: '10.0.0.1' }] } }, 1240003, '管控区域 ID 非法'],
    [{ target_server: { topo_node_list: [{ id: 3 }] } }, 1240003, '拓扑节点类型不可为空'],
    [{ target_server: { dynamic_group_list: [{}] } }, 1240003, '动态分组 ID 不可为空'],
    [{ callback_url: 'ftp://x/' }, 1240003, '回调地址不合法或不在允许列表中，请联系平台管理员添加'],
    [{ task_name: '名'.repeat(513) }, 1240002, '内部服务器异常'],
  ])('%j → %i', async (extra, code, message) => {
    expect(await refused(extra)).toMatchObject({ code, message });
  });

  it('v3 names only: timeout (default 7200), callback_url; ESB v2 names are not read', async () => {
    const j = await accepted({
      timeout: undefined,
      script_timeout: 5,
      bk_callback_url: 'http://127.0.0.1:9/x',
    });
    expect(j).toMatchObject({ timeoutSeconds: 7200, callbackUrl: null });
    expect(await accepted({ timeout: 259_200, callback_url: 'http://127.0.0.1:9/cb' })).toMatchObject({
      timeoutSeconds: 259_200,
      callbackUrl: 'http://127.0.0.1:9/cb',
    });
  });

  it('the account: account_id wins over account_alias; the business’s accounts', async () => {
    const biz3 = { bk_scope_type: 'biz', bk_scope_id: '3' };
    expect((await accepted({ ...biz3, account_id: 1000, account_alias: 'root' })).account).toBe('nginx');
    expect(await refused({ ...biz3, account_id: 1001 })).toMatchObject({
      code: 1244003,
      message: '账号[1001]不存在',
    });
    expect(await refused({ ...biz3, account_alias: 'mysql' })).toMatchObject({ code: 1244003 });
    expect((await accepted({ account_id: 5, account_alias: undefined })).account).toBe('account-5');
  });

  it('rolling_config is checked as JOB does, kept in the request, and not rolled (one batch)', async () => {
    const j = await accepted({ rolling_config: { expression: '10% +2 *2', mode: 1 } });
    expect(j.request.rolling_config).toEqual({ expression: '10% +2 *2', mode: 1 });
    expect(await refused({ rolling_config: { expression: '+1', mode: 1 } })).toMatchObject({
      code: 1244026,
      message: '非法的滚动策略',
    });
    expect(await refused({ rolling_config: { expression: '1', mode: 9 } })).toMatchObject({
      code: 1240003,
      message: '滚动机制取值不合法',
    });
    expect(await refused({ rolling_config: { mode: 2 } })).toMatchObject({
      message: '目标执行对象滚动分批策略表达式不可为空',
    });
  });

  it('windows_interpreter and host_password_list are accepted and ignored', async () => {
    const j = await accepted({ windows_interpreter: 'C:\\py\\python.exe', host_password_list: [] });
    expect(j.request.windows_interpreter).toBe('C:\\py\\python.exe');
  });

  it('a user without quick_execute_script: 9900403 with the permission block', async () => {
    const headers = {
      'X-Bkapi-Authorization': JSON.stringify({
        bk_app_code: 'app',
        bk_app_secret: 'right-secret',
        bk_token: 'bob-token',
      }),
    };
    const a = await submit({}, headers);
    expect(a).toMatchObject({
      result: false,
      code: 9900403,
      message: '用户(bob)权限不足，请前往权限中心确认并申请补充后重试',
    });
    expect(a.permission.actions.map((x: any) => x.id)).toEqual(['quick_execute_script', 'use_account']);
  });
});
