import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../src/index.js';
import { b64, call, scriptRequest } from './helpers.js';

let emu: Emulator;

beforeAll(async () => {
  emu = await startEmulator({
    exec: 'simulate',
    jobGeneration: 3,
    config: { simulate: { durationMs: 5 }, scripts: { '7': { type: 1, content: 'echo stored' } } },
  });
});
afterAll(() => emu.close());

/** Submits and checks that a refused request saved nothing. */
async function refused(extra: Record<string, unknown>) {
  const before = emu.jobs().length;
  const a = await call(emu, 'fast_execute_script', scriptRequest('true', extra));
  expect(a.result).toBe(false);
  expect(a.data).toBeNull();
  expect(emu.jobs()).toHaveLength(before);
  return a;
}

const accepted = async (extra: Record<string, unknown>) => {
  const a = await call(emu, 'fast_execute_script', scriptRequest('true', extra));
  expect(a).toMatchObject({ result: true, code: 0 });
  return emu.jobs().find((j) => j.jobInstanceId === a.data.job_instance_id)!;
};

/** Base64 text that decodes to exactly `n` bytes (JOB computes the length without decoding). */
const b64Of = (n: number) => Buffer.alloc(n, 'a').toString('base64');

describe('JOB 3.x fast_execute_script: the server’s order and codes', () => {
  it.each([
    ['script_type missing', { script_type: undefined }, '请求参数[script_type]不合法'],
    ['script_type 6', { script_type: 6 }, '请求参数[script_type]不合法'],
    ['script_content missing', { script_content: undefined }, '请求参数[script_content]不合法'],
    ['script_content blank', { script_content: ' ' }, '请求参数[script_content]不合法'],
    [
      'both missing: the type is checked first',
      { script_type: undefined, script_content: undefined },
      '[script_type]',
    ],
    ['script_id 0', { script_id: 0 }, '请求参数[script_id]不合法'],
  ])('%s → 1241005', async (_what, extra, message) => {
    const a = await refused(extra);
    expect(a.code).toBe(1241005);
    expect(a.message).toContain(message);
  });

  it('script, then targets, then account', async () => {
    const none = { script_content: undefined, ip_list: [], account: undefined };
    expect(await refused(none)).toMatchObject({ code: 1241005, message: '请求参数[script_content]不合法' });
    expect(await refused({ ip_list: [], account: undefined })).toMatchObject({
      code: 1241007,
      message: '请求参数[ip_list|custom_query_id|target_server]缺失或不合法',
    });
    expect(await refused({ account: undefined })).toMatchObject({
      code: 1241004,
      message: '请求参数[account]缺失',
    });
    expect(await refused({ account: '  ' })).toMatchObject({ code: 1241004 });
  });

  it('a value JSON binding refuses is a bare 1240003', async () => {
    expect(await refused({ script_timeout: 'soon' })).toMatchObject({ code: 1240003, message: '错误的请求' });
    expect(await refused({ ip_list: '10.0.0.1' })).toMatchObject({ code: 1240003, message: '错误的请求' });
  });

  it('a stored script_id is looked up after the account (1243001) and wins over script_content', async () => {
    expect(await refused({ script_id: 8 })).toMatchObject({ code: 1243001, message: '脚本不存在' });
    const job = await accepted({ script_id: 7, script_content: b64('echo ignored') });
    expect(job.script).toEqual({ type: 1, content: 'echo stored', scriptId: 7 });
  });

  it('no message on success, job_request_id added, the default name 快速执行脚本_yyyyMMddHHmmssSSS', async () => {
    const a = await call(emu, 'fast_execute_script', scriptRequest('true'));
    expect(a).not.toHaveProperty('message');
    expect(a.job_request_id).toMatch(/^[0-9a-f]{16}$/);
    expect(a.data.job_instance_name).toMatch(/^快速执行脚本_20\d{15}$/);
    const named = await call(emu, 'fast_execute_script', scriptRequest('true', { task_name: ' ' }));
    expect(named.data.job_instance_name).toMatch(/^快速执行脚本_/);
    const failed = await refused({ account: undefined });
    expect(failed).toHaveProperty('message');
  });
});

describe('JOB 3.x limits', () => {
  it('script_timeout: 1–259200 (default 7200), else 1240003', async () => {
    expect((await accepted({ script_timeout: 1 })).timeoutSeconds).toBe(1);
    expect((await accepted({ script_timeout: 259_200 })).timeoutSeconds).toBe(259_200);
    expect((await accepted({ script_timeout: undefined })).timeoutSeconds).toBe(7200);
    for (const t of [0, 259_201])
      expect(await refused({ script_timeout: t })).toMatchObject({
        code: 1240003,
        message: '作业超时时间必须在1-259200之间',
      });
  });

  it('script_param: 65,535 bytes decoded, 48,128 when sensitive', async () => {
    await accepted({ script_param: b64Of(65_535) });
    expect(await refused({ script_param: b64Of(65_536) })).toMatchObject({
      code: 1240003,
      message: 'script_param字段过长 limit:TEXT(64.00KB)',
    });
    await accepted({ script_param: b64Of(48_128), is_param_sensitive: 1 });
    expect(await refused({ script_param: b64Of(48_129), is_param_sensitive: 1 })).toMatchObject({
      code: 1240003,
      message: 'script_param加密后超出存储限制，最大支持48128字节',
    });
  });

  it('script_content: 16 MiB − 1 byte decoded (MEDIUMTEXT)', async () => {
    expect(await refused({ script_content: b64Of(16 * 1024 * 1024) })).toMatchObject({
      code: 1240003,
      message: 'script_content 字段过长 limit:MEDIUMTEXT(16.00MB)',
    });
    const job = await accepted({ script_content: b64Of(16 * 1024 * 1024 - 1) });
    expect(job.script.content).toHaveLength(16 * 1024 * 1024 - 1);
  });

  it('task_name over 512 characters and bk_callback_url over 1,024: the row is refused, 1240002, nothing saved', async () => {
    expect((await accepted({ task_name: '名'.repeat(512) })).name).toHaveLength(512);
    expect(await refused({ task_name: '名'.repeat(513) })).toMatchObject({
      code: 1240002,
      message: '内部服务器异常',
    });
    const url = (n: number) => `http://127.0.0.1:9/${'p'.repeat(n - 'http://127.0.0.1:9/'.length)}`;
    expect((await accepted({ bk_callback_url: url(1024) })).callbackUrl).toHaveLength(1024);
    expect(await refused({ bk_callback_url: url(1025) })).toMatchObject({ code: 1240002 });
  });

  it('at most 50,000 hosts in one step (1244022)', async () => {
    const hosts = (n: number) =>
      Array.from({ length: n }, (_, i) => ({
        bk_cloud_id: 0,
        ip: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
      }));
    expect(await refused({ ip_list: hosts(50_001) })).toMatchObject({
      code: 1244022,
      message: '脚本任务目标服务器数量超过限制：50,000',
    });
    expect((await accepted({ ip_list: hosts(50_000) })).hosts).toHaveLength(50_000);
  });

  it('a callback URL that is not http(s) or carries user info: 1240003 with JOB’s message', async () => {
    for (const u of ['ftp://127.0.0.1/', 'http://u:p@127.0.0.1/'])
      expect(await refused({ bk_callback_url: u })).toMatchObject({
        code: 1240003,
        message: '回调地址不合法或不在允许列表中，请联系平台管理员添加',
      });
  });
});
