import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, EsbError, encodeBase64, encodeParams, type JobClient } from '../src/index.js';
import { type ScriptedServer, startScripted } from './helpers/scripted-server.js';

/** The JOB/ESB test vectors (the same files as the emulator's test/fixtures/job-v2), served byte for byte over loopback HTTP. */
const DIR = fileURLToPath(new URL('./fixtures/job-v2/', import.meta.url));
const read = (name: string) => readFileSync(join(DIR, name), 'utf8');
const answers = readdirSync(DIR).filter((f) => /\.answer(\.[a-z0-9]+)?\.json$/.test(f));

let current = '';
let server: ScriptedServer;
let client: JobClient;

beforeAll(async () => {
  server = await startScripted(() => ({
    status: 200,
    text: current,
    headers: { 'content-type': 'application/json' },
  }));
  client = createClient({
    baseUrl: server.url,
    appCode: 'esb_test',
    appSecret: 'xxx-fixture',
    token: 'tok-fixture',
    retry: { minDelayMs: 1, maxDelayMs: 2 },
  });
});
afterAll(async () => {
  await client?.close();
  await server?.close();
});

const REF = { bk_biz_id: 1, job_instance_id: 100 };
const SUBMIT = JSON.parse(read('fast_execute_script.request.json')) as Record<string, unknown>;
delete SUBMIT.bk_app_code;
delete SUBMIT.bk_app_secret;
delete SUBMIT.bk_token;

async function callFor(name: string): Promise<unknown> {
  current = read(name);
  const call = name.split('.')[0];
  if (call === 'fast_execute_script') return client.fastExecuteScript(SUBMIT as never);
  if (call === 'get_job_instance_status') return client.getJobInstanceStatus(REF);
  if (call === 'get_job_instance_log') return client.getJobInstanceLog(REF);
  return client.getJobInstanceStatus(REF).catch((e: unknown) => e);
}

describe('the shared test vectors', () => {
  it('include every answer file', () => {
    expect(answers.length).toBe(11);
  });

  it.each(answers)('%s parses', async (name) => {
    const out = await callFor(name);
    const env = JSON.parse(read(name)) as { result: boolean; code: number; request_id?: string };
    if (env.result) expect(out).not.toBeInstanceOf(Error);
    else {
      expect(out).toBeInstanceOf(EsbError);
      expect((out as EsbError).esbCode).toBe(env.code);
      expect((out as EsbError).requestId).toBe(env.request_id);
    }
  });

  it("encode the seed's request example to the seed's base64 values", () => {
    expect(encodeBase64('echo $1')).toBe(SUBMIT.script_content);
    expect(encodeParams('hello')).toBe(SUBMIT.script_param);
    expect(SUBMIT.script_content).toBe('ZWNobyAkMQ==');
    expect(SUBMIT.script_param).toBe('aGVsbG8=');
  });

  it("send the seed's request as the seed shows it, and parse the seed's answer", async () => {
    const res = await callFor('fast_execute_script.answer.json');
    expect(res).toEqual({
      job_instance_name: 'API Quick execution script1521100521303',
      job_instance_id: 10000,
    });
    const sent = server.requests.at(-1)?.body;
    const seed = JSON.parse(read('fast_execute_script.request.json')) as Record<string, unknown>;
    // The seed's fields as they are, plus the JOB 3.x scope form of its bk_biz_id (JOB 2.x ignores it).
    expect(sent).toEqual({
      ...seed,
      bk_app_secret: 'xxx-fixture',
      bk_token: 'tok-fixture',
      bk_scope_type: 'biz',
      bk_scope_id: String(seed.bk_biz_id),
    });
  });

  it('keep JOB 3.x extras of a submit answer', async () => {
    const res = await callFor('fast_execute_script.answer.job3.json');
    expect(res).toMatchObject({
      job_instance_id: 10000,
      step_instance_id: 10001,
      job_request_id: '7d1e2f3a4b5c6d7e',
    });
  });

  it('normalise JOB 2.x and 3.x status answers the same way, keeping unknown status numbers', async () => {
    const v2 = (await callFor('get_job_instance_status.answer.job2.json')) as Awaited<
      ReturnType<JobClient['getJobInstanceStatus']>
    >;
    const v3 = (await callFor('get_job_instance_status.answer.job3.json')) as typeof v2;
    expect(v2.blocks[0]?.step_instances[0]?.retry_count).toBe(0);
    expect(v3.blocks[0]?.step_instances[0]?.retry_count).toBe(0);
    expect(v3.blocks[0]?.step_instances[0]?.step_ip_status.map((h) => h.status)).toEqual([9, 7, 5, 18]);
    expect(v3.job_instance.end_time).toBeNull();
  });

  it('un-escape JOB 3.x logs and leave JOB 2.x logs alone', async () => {
    const v3 = (await callFor('get_job_instance_log.answer.job3.json')) as Awaited<
      ReturnType<JobClient['getJobInstanceLog']>
    >;
    const log = v3[0]?.step_results[0]?.ip_logs[0];
    expect(log?.log_content).toBe(
      'if [ -s access.log ] && [ $n -gt 0 ]; then echo <rotated>; fi\n<rotated>\n',
    );
    expect(log?.retry_count).toBe(0);
    const v2 = (await callFor('get_job_instance_log.answer.job2.json')) as typeof v3;
    expect(v2[0]?.step_results.map((r) => r.ip_status)).toEqual([9, 104]);
    expect(v2[0]?.step_results[1]?.ip_logs[0]?.log_content).toContain('没有那个文件或目录');
  });

  it('turn the error answers into the documented codes and hints', async () => {
    const codes: Record<string, string> = {};
    for (const name of answers.filter((a) => a.startsWith('error.'))) {
      const err = (await callFor(name)) as EsbError;
      codes[name] = err.code;
      expect(err.hint ?? '').not.toBe('');
    }
    expect(codes).toEqual({
      'error.auth.answer.json': 'CORE_AUTH',
      'error.job_not_found.answer.json': 'CORE_JOB_NOT_FOUND',
      'error.param.answer.json': 'CORE_BAD_REQUEST',
      'error.permission.answer.json': 'CORE_PERMISSION',
      'error.rate_limit.answer.json': 'CORE_RATE_LIMITED',
    });
    const perm = (await callFor('error.permission.answer.json')) as EsbError;
    expect(perm.hint).toContain('quick_execute_script (快速执行脚本)');
    expect(perm.hint).toContain('use_account (使用账号)');
    expect(perm.permission?.actions?.map((a) => a.id)).toEqual(['quick_execute_script', 'use_account']);
    expect(perm.jobRequestId).toBe('0a1b2c3d4e5f6a7b');
  });
});
