/**
 * The API gateway v3 transport over real HTTP, against a loopback server answering as bk-job's v3
 * documents and the gateway's error pages show: submit, status (GET, epoch-ms times), logs in
 * chunks of at most 500 hosts, host ids and topology targets, terminate, the gateway's refusals
 * (JSON and HTML), and a submit that is never sent twice.
 */

import { Agent, buildConnector } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type ClientOptions,
  ConnectionError,
  createClient,
  type DebugEvent,
  type FastExecuteScriptRequest,
  HttpStatusError,
  type JobClient,
  MayHaveStartedError,
  parseJobTime,
  RequestValidationError,
} from '../src/index.js';
import { closedPort, type Recorded, type Script, startScripted } from './helpers/scripted-server.js';
import {
  gatewayError,
  htmlPage,
  queryOf,
  T0,
  type V3HostSpec,
  v3Call,
  v3Fail,
  v3Job,
  v3Ok,
  v3Status,
} from './helpers/v3-gateway.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

async function gateway(
  script: Script | Parameters<typeof startScripted>[0],
  extra: Partial<ClientOptions> = {},
) {
  const s = await startScripted(script);
  cleanups.push(() => s.close());
  const events: DebugEvent[] = [];
  const c: JobClient = createClient({
    transport: 'v3',
    baseUrl: `${s.url}/api/bk-job/prod`,
    appCode: 'runbook',
    appSecret: 'gw-secret-value',
    username: 'alice',
    retry: { minDelayMs: 1, maxDelayMs: 5, retries: 3 },
    onDebug: (e) => events.push(e),
    ...extra,
  });
  cleanups.push(() => c.close());
  return { s, c, events };
}

const errorOf = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: unknown) => e,
  );

const SUBMIT: FastExecuteScriptRequest = {
  bk_biz_id: 1,
  task_name: 'rotate',
  script_content: 'ZWNobyAkMQ==',
  script_param: 'aGVsbG8=',
  script_timeout: 600,
  script_type: 1,
  account: 'root',
  ip_list: [{ bk_cloud_id: 0, ip: '10.0.0.1' }],
};
const REF = { bk_biz_id: 1, job_instance_id: 100 };
const calls = (requests: Recorded[]) => requests.map((r) => `${r.method} ${v3Call(r.path)}`);

describe('a run through the API gateway v3', () => {
  it('submits, reads the status by GET and the logs by batch, at <base>/api/v3/<call>', async () => {
    const hosts: V3HostSpec[] = [{ bk_host_id: 101, ip: '10.0.0.1', log: 'a &amp; b <c> & d\n' }];
    const { s, c } = await gateway(v3Job(hosts));
    expect(c.transport).toBe('v3');
    const res = await c.fastExecuteScript(SUBMIT);
    expect(res).toEqual({
      job_instance_id: 100,
      job_instance_name: 'rotate',
      step_instance_id: 75,
      job_request_id: 'jr-0001',
    });
    const st = await c.getJobInstanceStatus(REF);
    const logs = await c.getJobInstanceLog(REF);
    expect(calls(s.requests)).toEqual([
      'POST fast_execute_script',
      'GET get_job_instance_status',
      'GET get_job_instance_status',
      'POST batch_get_job_instance_ip_log',
    ]);
    expect(s.requests[0]?.path).toBe('/api/bk-job/prod/api/v3/fast_execute_script');
    expect(s.requests[0]?.body).toEqual({
      bk_scope_type: 'biz',
      bk_scope_id: '1',
      task_name: 'rotate',
      script_content: 'ZWNobyAkMQ==',
      script_language: 1,
      script_param: 'aGVsbG8=',
      timeout: 600,
      account_alias: 'root',
      target_server: { ip_list: [{ bk_cloud_id: 0, ip: '10.0.0.1' }] },
    });
    expect(queryOf(s.requests[1] as Recorded)).toEqual({
      bk_scope_type: 'biz',
      bk_scope_id: '1',
      job_instance_id: '100',
      return_ip_result: 'true',
    });
    expect(s.requests[1]?.raw).toBe('');
    expect(s.requests[3]?.body).toEqual({
      bk_scope_type: 'biz',
      bk_scope_id: '1',
      job_instance_id: 100,
      step_instance_id: 75,
      host_id_list: [101],
    });
    expect(st.is_finished).toBe(true);
    expect(st.job_instance).toMatchObject({ job_instance_id: 100, bk_biz_id: 1, status: 3, total_time: 1.5 });
    const step = st.blocks[0]?.step_instances[0];
    expect(step).toMatchObject({ step_instance_id: 75, status: 3, retry_count: 0, total_time: 1.5 });
    expect(step?.step_ip_status).toEqual([{ bk_host_id: 101, ip: '10.0.0.1', bk_cloud_id: 0, status: 9 }]);
    // Logs through the gateway are not HTML-escaped: what the script printed comes back as it is.
    expect(logs).toEqual([
      {
        is_finished: true,
        step_instance_id: 75,
        name: 'rotate',
        status: 3,
        step_results: [
          {
            ip_status: 9,
            tag: '',
            ip_logs: [
              expect.objectContaining({
                bk_host_id: 101,
                ip: '10.0.0.1',
                bk_cloud_id: 0,
                exit_code: 0,
                log_content: 'a &amp; b <c> & d\n',
              }),
            ],
          },
        ],
      },
    ]);
  });

  it('turns epoch-millisecond times into the times v2 gives, read as UTC', async () => {
    const answer = v3Status([{ ip: '10.0.0.1' }]);
    const job = (answer.data as { job_instance: Record<string, unknown> }).job_instance;
    job.end_time = T0 + 1_234;
    job.start_time = null;
    const { c } = await gateway([{ json: answer }]);
    const st = await c.getJobInstanceStatus(REF);
    expect(st.job_instance.create_time).toBe('2020-11-11 03:11:11');
    expect(st.job_instance.end_time).toBe('2020-11-11 03:11:12.234');
    expect(st.job_instance.start_time).toBeNull();
    expect(parseJobTime(st.job_instance.create_time)?.getTime()).toBe(T0);
    expect(parseJobTime(st.job_instance.end_time)?.getTime()).toBe(T0 + 1_234);
  });

  it('a failing host: results grouped by status and tag, with exit codes from the status', async () => {
    const hosts: V3HostSpec[] = [
      { bk_host_id: 101, ip: '10.0.0.1', log: 'ok\n' },
      { bk_host_id: 102, ip: '10.0.0.2', status: 104, exit_code: 3, tag: 'disk full', log: 'boom\n' },
      { bk_host_id: 103, ip: '10.0.0.3', status: 1, exit_code: null, log: '' },
    ];
    const { c } = await gateway(v3Job(hosts, 4));
    const st = await c.getJobInstanceStatus(REF);
    expect(st.job_instance.status).toBe(4);
    const [step] = await c.getJobInstanceLog(REF);
    const results = step?.step_results.map((r) => [
      r.ip_status,
      r.tag,
      r.ip_logs.map((l) => [l.ip, l.exit_code, l.log_content]),
    ]);
    expect(results).toEqual([
      [9, '', [['10.0.0.1', 0, 'ok\n']]],
      [104, 'disk full', [['10.0.0.2', 3, 'boom\n']]],
      [1, '', [['10.0.0.3', null, '']]],
    ]);
  });

  it('600 hosts: the logs come in two calls, 500 and 100 host ids, and every host has its own', async () => {
    const hosts: V3HostSpec[] = Array.from({ length: 600 }, (_, i) => ({
      bk_host_id: 1000 + i,
      ip: `10.1.${Math.floor(i / 250)}.${(i % 250) + 1}`,
      log: `host ${1000 + i}\n`,
    }));
    const { s, c } = await gateway(v3Job(hosts));
    const [step] = await c.getJobInstanceLog(REF);
    const batches = s.requests.filter((r) => v3Call(r.path) === 'batch_get_job_instance_ip_log');
    expect(batches.map((r) => (r.body.host_id_list as number[]).length)).toEqual([500, 100]);
    expect(batches.every((r) => r.body.ip_list === undefined)).toBe(true);
    const logs = step?.step_results.flatMap((r) => r.ip_logs) ?? [];
    expect(logs).toHaveLength(600);
    expect(logs.every((l) => l.log_content === `host ${l.bk_host_id}\n`)).toBe(true);
  });

  it('asks for logs by ip_list when the status gives no host ids, leaving out unusable identities', async () => {
    const hosts: V3HostSpec[] = [
      { ip: '10.0.0.1', log: 'one\n' },
      { ip: '10.0.0.2', bk_cloud_id: 3, log: 'two\n' },
      { ip: '../../etc/passwd', log: 'never asked\n' },
    ];
    const { s, c } = await gateway(v3Job(hosts));
    const [step] = await c.getJobInstanceLog(REF);
    const batch = s.requests.find((r) => v3Call(r.path) === 'batch_get_job_instance_ip_log');
    expect(batch?.body.ip_list).toEqual([
      { bk_cloud_id: 0, ip: '10.0.0.1' },
      { bk_cloud_id: 3, ip: '10.0.0.2' },
    ]);
    expect(batch?.body.host_id_list).toBeUndefined();
    const logs = step?.step_results.flatMap((r) => r.ip_logs) ?? [];
    expect(logs.map((l) => [l.ip, l.bk_cloud_id, l.log_content, Boolean(l.invalid)])).toEqual([
      ['10.0.0.1', 0, 'one\n', false],
      ['10.0.0.2', 3, 'two\n', false],
      ['../../etc/passwd', -1, '', true],
    ]);
  });

  it('sends host ids, topology nodes and dynamic groups in target_server, and a stored script by version', async () => {
    const { s, c } = await gateway(v3Job([]));
    await c.fastExecuteScript({
      bk_scope_type: 'biz_set',
      bk_scope_id: '9000001',
      script_id: 12,
      script_timeout: 60,
      account: 'root',
      host_id_list: [101, 102],
      topo_node_list: [
        { node_type: 'module', id: 12 },
        { node_type: 'set', id: 3 },
      ],
      custom_query_id: ['blo8gojho0skft7pr5q0'],
      bk_callback_url: 'https://cb.example.com/done',
    });
    expect(s.requests[0]?.body).toEqual({
      bk_scope_type: 'biz_set',
      bk_scope_id: '9000001',
      script_version_id: 12,
      timeout: 60,
      account_alias: 'root',
      target_server: {
        host_id_list: [101, 102],
        dynamic_group_list: [{ id: 'blo8gojho0skft7pr5q0' }],
        topo_node_list: [
          { id: 12, node_type: 'module' },
          { id: 3, node_type: 'set' },
        ],
      },
      callback_url: 'https://cb.example.com/done',
    });
  });

  it('terminates: operate_job_instance, and on 1241003 reads the status as on v2', async () => {
    const terminating = v3Status([{ ip: '10.0.0.1', status: 7 }], 10, false);
    const { s, c } = await gateway((req) => {
      const call = v3Call(req.path);
      const operates = s.requests.filter((r) => v3Call(r.path) === 'operate_job_instance').length;
      if (call === 'operate_job_instance') {
        return operates === 1
          ? { json: v3Ok({ job_instance_id: 100 }) }
          : { json: v3Fail(1241003, '不支持的操作') };
      }
      return { json: terminating };
    });
    expect(await c.operateJobInstance(REF)).toEqual({ job_instance_id: 100, outcome: 'requested' });
    expect(await c.operateJobInstance(REF)).toEqual({
      job_instance_id: 100,
      outcome: 'terminating',
      status: 10,
    });
    expect(calls(s.requests)).toEqual([
      'POST operate_job_instance',
      'POST operate_job_instance',
      'GET get_job_instance_status',
    ]);
    expect(s.requests[0]?.body).toEqual({
      bk_scope_type: 'biz',
      bk_scope_id: '1',
      job_instance_id: 100,
      operation_code: 1,
    });
  });

  it("JOB's own refusals through the gateway keep their codes (HTTP 200 envelopes)", async () => {
    const { s, c } = await gateway([{ json: v3Fail(1244006, '作业实例不存在') }]);
    const err = (await errorOf(c.getJobInstanceStatus(REF))) as { code: string; esbCode: number };
    expect(err.code).toBe('CORE_JOB_NOT_FOUND');
    expect(err.esbCode).toBe(1244006);
    expect(s.requests).toHaveLength(1);
  });
});

describe("the gateway's own errors", () => {
  const cases: Array<[string, Parameters<typeof gatewayError> | Parameters<typeof htmlPage>, string]> = [
    ['401 JSON', [401, 1640101, 'UNAUTHORIZED', 'App authentication failed'], 'CORE_AUTH'],
    [
      '403 JSON',
      [403, 1640301, 'APP_NO_PERMISSION', 'App has no permission to the resource'],
      'CORE_PERMISSION',
    ],
    [
      '404 JSON',
      [404, 1640401, 'API_NOT_FOUND', 'API not found [method="GET" path="/api/v3/x"]'],
      'CORE_NOT_SUPPORTED',
    ],
    ['401 HTML', [401, 'Authorization Required'], 'CORE_AUTH'],
    ['403 HTML', [403, 'Forbidden'], 'CORE_PERMISSION'],
    ['404 HTML', [404, 'Not Found'], 'CORE_NOT_SUPPORTED'],
  ];
  for (const [what, args, code] of cases) {
    it(`${what} → ${code} with a hint, not retried; a submit refused so is not "may have started"`, async () => {
      const action = args.length === 4 ? gatewayError(...args) : htmlPage(...args);
      const { s, c } = await gateway([action]);
      const read = (await errorOf(c.getJobInstanceStatus(REF))) as HttpStatusError;
      expect(read).toBeInstanceOf(HttpStatusError);
      expect(read.code).toBe(code);
      expect(read.status).toBe(args[0]);
      expect(read.hint).toMatch(/\S/);
      expect(read.message).toContain(`[GET] "${s.url}/api/bk-job/prod/api/v3/get_job_instance_status"`);
      const submit = (await errorOf(c.fastExecuteScript(SUBMIT))) as HttpStatusError;
      expect(submit.code).toBe(code);
      expect(s.requests).toHaveLength(2);
    });
  }

  it('400 1640001 "bk_app_code or bk_app_secret is incorrect" is CORE_AUTH naming the variables', async () => {
    const { c } = await gateway([
      gatewayError(
        400,
        1640001,
        'INVALID_ARGS',
        'Parameters error [reason="bk_app_code or bk_app_secret is incorrect"]',
      ),
    ]);
    const err = (await errorOf(c.getJobInstanceStatus(REF))) as HttpStatusError;
    expect(err.code).toBe('CORE_AUTH');
    expect(err.esbCode).toBe(1640001);
    expect(err.hint).toContain('BK_APP_SECRET');
  });

  it('429 (JSON or HTML) is CORE_RATE_LIMITED: reads retry it, a submit is refused once and not resent', async () => {
    const limit = gatewayError(
      429,
      1642902,
      'RATE_LIMIT_RESTRICTION',
      'API rate limit exceeded by stage strategy',
    );
    const { s, c, events } = await gateway([
      limit,
      htmlPage(429, 'Too Many Requests'),
      { json: v3Status([]) },
      limit,
    ]);
    expect((await c.getJobInstanceStatus(REF)).is_finished).toBe(true);
    expect(events.slice(0, 2).map((e) => e.errorCode)).toEqual(['CORE_RATE_LIMITED', 'CORE_RATE_LIMITED']);
    const err = (await errorOf(c.fastExecuteScript(SUBMIT))) as HttpStatusError;
    expect(err).not.toBeInstanceOf(MayHaveStartedError);
    expect(err.code).toBe('CORE_RATE_LIMITED');
    expect(s.requests).toHaveLength(4);
  });

  it('5xx: reads retry it; the gateway failing to reach JOB is CORE_UPSTREAM, an HTML 502 CORE_HTTP_STATUS', async () => {
    const bad = gatewayError(
      502,
      1650200,
      'BAD_GATEWAY',
      'Bad Gateway [upstream_error="cannot read header from upstream"]',
    );
    const { s, c } = await gateway([bad, htmlPage(502, 'Bad Gateway'), { json: v3Status([]) }]);
    expect((await c.getJobInstanceStatus(REF)).job_instance.status).toBe(3);
    expect(s.requests).toHaveLength(3);
    const { c: c2 } = await gateway([bad], { retry: { retries: 0 } });
    expect(((await errorOf(c2.getJobInstanceStatus(REF))) as HttpStatusError).code).toBe('CORE_UPSTREAM');
    const { c: c3 } = await gateway([htmlPage(503, 'Service Unavailable')], { retry: { retries: 0 } });
    expect(((await errorOf(c3.getJobInstanceStatus(REF))) as HttpStatusError).code).toBe('CORE_HTTP_STATUS');
  });
});

describe('fast_execute_script through the gateway is never sent twice by accident', () => {
  for (const [what, action] of [
    ['its answer is lost (reset after the body)', { reset: true }],
    [
      'the gateway answers 502 (JOB unreachable)',
      gatewayError(502, 1650201, 'ERROR_REQUESTING_RESOURCE', 'Request backend service failed'),
    ],
    [
      'the gateway answers 504 (JOB too slow)',
      gatewayError(504, 1650401, 'REQUEST_BACKEND_TIMEOUT', 'Request backend service timeout'),
    ],
    ['an HTML 502 page', htmlPage(502, 'Bad Gateway')],
    ['JOB fails after saving the job (1240002)', { json: v3Fail(1240002, 'Internal Server Error') }],
  ] as const) {
    it(`"may have started" when ${what}, after exactly one request`, async () => {
      const { s, c } = await gateway([
        action,
        { json: v3Ok({ job_instance_id: 1, job_instance_name: 'again' }) },
      ]);
      const err = (await errorOf(c.fastExecuteScript(SUBMIT))) as MayHaveStartedError;
      expect(err).toBeInstanceOf(MayHaveStartedError);
      expect(err.message).toContain(`${s.url}/api/bk-job/prod/api/v3/fast_execute_script`);
      expect(s.requests).toHaveLength(1);
    });
  }

  it('is resent once only when the connection was refused (never reached a socket): one request seen', async () => {
    const refused = await closedPort();
    const direct = buildConnector({});
    let connects = 0;
    const agent = new Agent({
      connect: (opts, cb) => {
        connects++;
        direct({ ...opts, port: connects === 1 ? String(refused) : opts.port }, cb);
      },
    });
    cleanups.push(() => agent.close());
    const { s, c, events } = await gateway(v3Job([]), { dispatcher: agent });
    expect((await c.fastExecuteScript(SUBMIT)).job_instance_id).toBe(100);
    expect(s.requests).toHaveLength(1);
    expect(events.map((e) => [e.attempt, e.sent, e.errorCode])).toEqual([
      [1, false, 'CORE_CONNECTION'],
      [2, true, undefined],
    ]);
  });

  it('two refused connections give a connection error, not "may have started"', async () => {
    const port = await closedPort();
    const c = createClient({
      transport: 'v3',
      baseUrl: `http://127.0.0.1:${port}`,
      appCode: 'a',
      appSecret: 'b',
      username: 'u',
    });
    cleanups.push(() => c.close());
    const err = await errorOf(c.fastExecuteScript(SUBMIT));
    expect(err).toBeInstanceOf(ConnectionError);
  });
});

describe('targets only the gateway knows', () => {
  it('the ESB v2 transport refuses host_id_list and topo_node_list before sending anything', async () => {
    const s = await startScripted([{ json: v3Ok({ job_instance_id: 1, job_instance_name: 'n' }) }]);
    cleanups.push(() => s.close());
    const v2 = createClient({ baseUrl: s.url, appCode: 'a', appSecret: 'b', username: 'u' });
    cleanups.push(() => v2.close());
    expect(v2.transport).toBe('v2');
    for (const extra of [{ host_id_list: [101] }, { topo_node_list: [{ node_type: 'module', id: 12 }] }]) {
      const err = (await errorOf(v2.fastExecuteScript({ ...SUBMIT, ...extra }))) as RequestValidationError;
      expect(err).toBeInstanceOf(RequestValidationError);
      expect(err.message).toContain('API gateway v3');
      expect(err.message).toContain(Object.keys(extra)[0]);
    }
    expect(s.requests).toHaveLength(0);
  });

  it('the v3 transport checks them: positive integer ids, CMDB node types', async () => {
    const { s, c } = await gateway(v3Job([]));
    for (const bad of [
      { host_id_list: [0] },
      { host_id_list: ['101'] },
      { topo_node_list: [{ node_type: 'module', id: -1 }] },
      { topo_node_list: [{ node_type: '../x', id: 1 }] },
    ]) {
      await expect(c.fastExecuteScript({ ...SUBMIT, ...(bad as object) })).rejects.toBeInstanceOf(
        RequestValidationError,
      );
    }
    expect(s.requests).toHaveLength(0);
  });
});
