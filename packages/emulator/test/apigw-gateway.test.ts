import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../src/index.js';
import {
  AUTH_HEADER,
  CREDENTIALS,
  job,
  SCOPE,
  statusQuery,
  v3,
  v3Script,
  waitFinishedV3,
} from './apigw-helpers.js';
import { call, scriptRequest } from './helpers.js';

const CANARY = 'canary-secret-5c4b3a';
let emu: Emulator;

beforeAll(async () => {
  emu = await startEmulator({
    exec: 'simulate',
    config: {
      apps: { app: 'right-secret' },
      users: { admin: { permissions: 'all' }, alice: { token: 'alice-token' } },
      simulate: { durationMs: 5 },
    },
  });
});
afterAll(() => emu.close());

const header = (fields: Record<string, unknown>) => ({ 'X-Bkapi-Authorization': JSON.stringify(fields) });

/** The gateway's refusal: HTTP 400, INVALID_ARGS 1640001 with the reason, nothing handled. */
function expectRefused(a: { status: number; json: any; headers: Headers }, reason: string) {
  expect(a.status).toBe(400);
  expect(a.json).toEqual({
    code: 1640001,
    code_name: 'INVALID_ARGS',
    message: `Parameters error [reason="${reason}"]`,
    result: false,
    data: null,
  });
  expect(a.headers.get('x-bkapi-error-code')).toBe('1640001');
}

describe('gateway authentication: the X-Bkapi-Authorization header only', () => {
  it('credentials in the body or the query are not read: refused, nothing saved, and counted', async () => {
    const before = emu.jobs().length;
    const seen = emu.credentialsInParams();
    const body = await v3(emu, 'POST', 'fast_execute_script', { ...v3Script('true'), ...CREDENTIALS }, {});
    expectRefused(body, 'app code cannot be empty');
    const query = await v3(emu, 'GET', 'get_job_instance_status', { ...statusQuery(1), ...CREDENTIALS }, {});
    expectRefused(query, 'app code cannot be empty');
    expect(emu.jobs()).toHaveLength(before);
    expect(emu.credentialsInParams()).toEqual({
      ...seen,
      fast_execute_script: (seen.fast_execute_script ?? 0) + 1,
      get_job_instance_status: (seen.get_job_instance_status ?? 0) + 1,
    });
    const admin = await fetch(`${emu.url}/__emulator/credentials`);
    expect(await admin.json()).toEqual(emu.credentialsInParams());
  });

  it('a wrong secret is refused and never echoed; an unknown app too', async () => {
    const a = await v3(
      emu,
      'POST',
      'fast_execute_script',
      v3Script('true'),
      header({ ...CREDENTIALS, bk_app_secret: CANARY }),
    );
    expectRefused(a, 'bk_app_code or bk_app_secret is incorrect');
    expect(a.text + JSON.stringify([...a.headers])).not.toContain(CANARY);
    expectRefused(
      await v3(
        emu,
        'GET',
        'get_job_instance_status',
        statusQuery(1),
        header({ ...CREDENTIALS, bk_app_code: 'other' }),
      ),
      'app not found',
    );
    expectRefused(
      await v3(
        emu,
        'GET',
        'get_job_instance_status',
        statusQuery(1),
        header({ bk_app_code: 'app', bk_username: 'admin' }),
      ),
      'please provide bk_app_secret or bk_signature to verify app',
    );
  });

  it('the user: none, an unknown token, an unknown name; a token names its user', async () => {
    const app = { bk_app_code: 'app', bk_app_secret: 'right-secret' };
    const noUser =
      'user authentication failed, please provide a valid user identity, such as bk_username, bk_token, access_token';
    expectRefused(await v3(emu, 'GET', 'get_job_instance_status', statusQuery(1), header(app)), noUser);
    expectRefused(
      await v3(emu, 'GET', 'get_job_instance_status', statusQuery(1), header({ ...app, bk_token: 'forged' })),
      noUser,
    );
    expectRefused(
      await v3(
        emu,
        'GET',
        'get_job_instance_status',
        statusQuery(1),
        header({ ...app, bk_username: 'mallory' }),
      ),
      'user authentication failed, the user indicated by bk_username is not verified',
    );
    const a = await job(
      emu,
      'POST',
      'fast_execute_script',
      v3Script('true'),
      header({ ...app, bk_token: 'alice-token' }),
    );
    expect(a.result).toBe(true);
    const saved = emu.jobs().find((j) => j.jobInstanceId === a.data.job_instance_id)!;
    expect(JSON.stringify(saved)).not.toContain('alice-token');
  });

  it('a header that is not JSON', async () => {
    expectRefused(
      await v3(emu, 'GET', 'get_job_instance_status', statusQuery(1), { 'X-Bkapi-Authorization': '{nope' }),
      'request header X-Bkapi-Authorization is not a valid JSON',
    );
  });

  it('with the header, credentials also in the body are ignored and never kept', async () => {
    const a = await job(emu, 'POST', 'fast_execute_script', { ...v3Script('true'), bk_app_secret: CANARY });
    expect(a.result).toBe(true);
    expect(JSON.stringify(emu.jobs())).not.toContain(CANARY);
  });
});

describe('gateway routes', () => {
  it.each([
    ['POST', '/api/v3/nope'],
    ['POST', '/api/v3/get_job_instance_status'],
    ['GET', '/api/v3/fast_execute_script'],
    ['POST', '/api/v3/fast_execute_script/'],
    ['POST', '/api/v3/operate_step_instance'],
  ])('%s %s: 404 API_NOT_FOUND', async (method, path) => {
    const res = await fetch(`${emu.url}${path}`, {
      method,
      headers: AUTH_HEADER,
      ...(method === 'POST' ? { body: '{}' } : {}),
    });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      code: 1640401,
      code_name: 'API_NOT_FOUND',
      message: `API not found [method="${method}" path="${path}"]`,
      result: false,
      data: null,
    });
  });

  it('the public form /api/bk-job/<stage>/api/v3/<call> is served too', async () => {
    const res = await fetch(
      `${emu.url}/api/bk-job/prod/api/v3/get_job_instance_status?${new URLSearchParams({ ...SCOPE, job_instance_id: '1' })}`,
      {
        headers: AUTH_HEADER,
      },
    );
    expect(await res.json()).toMatchObject({ result: false, code: 1244006 });
  });

  it('unreadable JSON is JOB’s 1240003 (HTTP 200)', async () => {
    const res = await fetch(`${emu.url}/api/v3/fast_execute_script`, {
      method: 'POST',
      headers: AUTH_HEADER,
      body: '{"a":',
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ result: false, code: 1240003, message: '错误的请求' });
  });
});

describe('faults on v3', () => {
  it('gateway_html: the HTML page of the proxy in front, nothing handled', async () => {
    emu.setFaults([{ call: 'fast_execute_script', kind: 'gateway_html', status: 502, times: 1 }]);
    const before = emu.jobs().length;
    const a = await v3(emu, 'POST', 'fast_execute_script', v3Script('true'));
    expect(a.status).toBe(502);
    expect(a.headers.get('content-type')).toBe('text/html');
    expect(a.text).toContain('<title>502 Bad Gateway</title>');
    expect(a.text).toContain('<center>nginx</center>');
    expect(emu.jobs()).toHaveLength(before);
  });

  it.each([
    [429, 1642902, 'RATE_LIMIT_RESTRICTION'],
    [502, 1650200, 'BAD_GATEWAY'],
    [503, 1650300, 'SERVICE_UNAVAILABLE'],
    [504, 1650401, 'REQUEST_BACKEND_TIMEOUT'],
    [403, 1640301, 'APP_NO_PERMISSION'],
    [401, 1640100, 'UNAUTHORIZED'],
  ])('gateway_error %i: the gateway’s JSON', async (status, code, codeName) => {
    emu.setFaults([{ kind: 'gateway_error', status, times: 1 }]);
    const a = await v3(emu, 'GET', 'get_job_instance_status', statusQuery(1));
    expect(a.status).toBe(status);
    expect(a.json).toMatchObject({ code, code_name: codeName, result: false, data: null });
    expect(a.headers.get('x-bkapi-error-code')).toBe(String(code));
    expect((await v3(emu, 'GET', 'get_job_instance_status', statusQuery(1))).status).toBe(200);
  });

  it('gateway_error never fires on ESB v2; rate_limit is the gateway’s 429 on v3, ESB’s 1306429 on v2', async () => {
    emu.setFaults([{ kind: 'gateway_error', status: 503 }]);
    expect(
      (await call(emu, 'get_job_instance_status', { ...scriptRequest(''), job_instance_id: 1 })).code,
    ).toBe(1244006);
    emu.setFaults([{ kind: 'rate_limit' }]);
    const a = await v3(emu, 'GET', 'get_job_instance_status', statusQuery(1));
    expect(a.status).toBe(429);
    expect(a.json).toMatchObject({ code: 1642902, message: 'API rate limit exceeded by stage strategy' });
    expect(
      (await call(emu, 'get_job_instance_status', { ...scriptRequest(''), job_instance_id: 1 })).code,
    ).toBe(1306429);
    emu.setFaults([]);
  });

  it('rules match by call name on both transports, or one transport with `transport`', async () => {
    emu.setFaults([{ call: 'get_job_instance_status', kind: 'http5xx', transport: 'v2' }]);
    expect((await v3(emu, 'GET', 'get_job_instance_status', statusQuery(1))).status).toBe(200);
    emu.setFaults([{ call: 'get_job_instance_status', kind: 'http5xx', status: 503 }]);
    expect((await v3(emu, 'GET', 'get_job_instance_status', statusQuery(1))).status).toBe(503);
    emu.setFaults([]);
    expect(() => emu.setFaults([{ kind: 'gateway_error', status: 418 }])).toThrow(/status is out of range/);
    expect(() => emu.setFaults([{ kind: 'latency', transport: 'v4' as 'v3' }])).toThrow(/transport/);
  });

  it('drop_after_create: the job runs, the answer is lost', async () => {
    emu.setFaults([{ call: 'fast_execute_script', kind: 'drop_after_create', times: 1 }]);
    const before = emu.jobs().length;
    await expect(
      v3(emu, 'POST', 'fast_execute_script', v3Script('true', { task_name: 'dropped' })),
    ).rejects.toThrow();
    expect(emu.jobs()).toHaveLength(before + 1);
    expect(emu.jobs().at(-1)).toMatchObject({ name: 'dropped', transport: 'v3', started: true });
  });

  it('late_failure and quota apply to v3 submits', async () => {
    emu.setFaults([{ call: 'fast_execute_script', kind: 'late_failure', times: 1 }]);
    const late = await job(emu, 'POST', 'fast_execute_script', v3Script('true', { task_name: 'saved' }));
    expect(late).toEqual({
      result: false,
      code: 1240002,
      message: '内部服务器异常',
      job_request_id: expect.any(String),
    });
    expect(emu.jobs().at(-1)).toMatchObject({ name: 'saved', status: 1, started: false });
    emu.setFaults([{ call: 'fast_execute_script', kind: 'quota', code: 1244033, times: 1 }]);
    const before = emu.jobs().length;
    expect(await job(emu, 'POST', 'fast_execute_script', v3Script('true'))).toMatchObject({ code: 1244033 });
    expect(emu.jobs()).toHaveLength(before);
  });

  it('contradict and hostile_hosts apply to v3 status answers', async () => {
    const a = await job(emu, 'POST', 'fast_execute_script', v3Script('true'));
    await waitFinishedV3(emu, a.data.job_instance_id);
    emu.setFaults([{ call: 'get_job_instance_status', kind: 'contradict', times: 1 }]);
    expect(
      (await job(emu, 'GET', 'get_job_instance_status', statusQuery(a.data.job_instance_id))).data.finished,
    ).toBe(false);
    emu.setFaults([{ call: 'get_job_instance_status', kind: 'hostile_hosts', times: 1 }]);
    const s = await job(emu, 'GET', 'get_job_instance_status', statusQuery(a.data.job_instance_id));
    const host = s.data.step_instance_list[0].step_ip_result_list[0];
    expect([host.ip, host.bk_cloud_id]).not.toEqual(['10.0.0.1', 0]);
    expect(emu.faultsInjected()).toMatchObject({ contradict: 1, hostile_hosts: 1 });
  });
});
