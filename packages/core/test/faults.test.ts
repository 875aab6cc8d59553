import { Agent, buildConnector, MockAgent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import {
  AbortedError,
  ConnectionError,
  createClient,
  type DebugEvent,
  EsbError,
  HttpStatusError,
  type JobClient,
  MayHaveStartedError,
  TimeoutError,
} from '../src/index.js';
import {
  closedPort,
  fail,
  ok,
  type ScriptedServer,
  STATUS_DATA,
  SUBMIT,
  startScripted,
} from './helpers/scripted-server.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

async function server(script: Parameters<typeof startScripted>[0]): Promise<ScriptedServer> {
  const s = await startScripted(script);
  cleanups.push(() => s.close());
  return s;
}

function client(
  baseUrl: string,
  extra: Parameters<typeof createClient>[0] extends infer O ? Partial<O> : never = {},
) {
  const events: DebugEvent[] = [];
  const c: JobClient = createClient({
    baseUrl,
    appCode: 'app',
    appSecret: 'app-secret-value',
    username: 'alice',
    retry: { minDelayMs: 1, maxDelayMs: 5, retries: 4 },
    onDebug: (e) => events.push(e),
    ...extra,
  });
  cleanups.push(() => c.close());
  return { c, events };
}

const REF = { bk_biz_id: 1, job_instance_id: 7 };

describe('read calls retry transient faults', () => {
  it('succeeds after a reset, a 502 and a rate limit', async () => {
    const s = await server([
      { reset: true },
      { status: 502, text: '<html>Bad Gateway</html>' },
      { json: fail(1306429, 'Access frequency limit') },
      { json: ok(STATUS_DATA) },
    ]);
    const { c, events } = client(s.url);
    const st = await c.getJobInstanceStatus(REF);
    expect(st.job_instance.status).toBe(3);
    expect(st.blocks[0]?.step_instances[0]?.retry_count).toBe(2);
    expect(s.requests).toHaveLength(4);
    expect(events.map((e) => e.errorCode)).toEqual([
      'CORE_CONNECTION',
      'CORE_HTTP_STATUS',
      'CORE_RATE_LIMITED',
      undefined,
    ]);
    expect(events.slice(0, 3).every((e) => typeof e.retryInMs === 'number')).toBe(true);
  });

  it('retries a stalled body (body timeout) and a missing answer (headers timeout)', async () => {
    const s = await server([{ stallBody: true }, { hang: true }, { json: ok([]) }]);
    const { c, events } = client(s.url, { timeouts: { bodyMs: 150, headersMs: 150 } });
    expect(await c.getJobInstanceLog(REF)).toEqual([]);
    expect(s.requests).toHaveLength(3);
    expect(events.slice(0, 2).map((e) => e.errorCode)).toEqual(['CORE_TIMEOUT', 'CORE_TIMEOUT']);
  });

  it('gives up after the configured retries and says how many attempts it made', async () => {
    const s = await server([{ status: 503, text: 'unavailable' }]);
    const { c } = client(s.url, { retry: { retries: 2, minDelayMs: 1, maxDelayMs: 2 } });
    const err = await c.getJobInstanceStatus(REF).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpStatusError);
    expect((err as HttpStatusError).attempts).toBe(3);
    expect((err as Error).message).toContain('gave up after 3 attempts');
    expect(s.requests).toHaveLength(3);
  });

  it('stops at the deadline even with retries left', async () => {
    const s = await server([{ status: 502, text: 'bad gateway' }]);
    const { c } = client(s.url, { retry: { retries: 50, minDelayMs: 40, maxDelayMs: 40, deadlineMs: 100 } });
    await expect(c.getJobInstanceStatus(REF)).rejects.toBeInstanceOf(HttpStatusError);
    expect(s.requests.length).toBeGreaterThanOrEqual(2);
    expect(s.requests.length).toBeLessThan(50);
  });

  it('does not retry definite answers (auth failure, unknown job)', async () => {
    const s = await server([{ json: fail(1244006, '作业实例不存在') }]);
    const { c } = client(s.url);
    const err = await c.getJobInstanceStatus(REF).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EsbError);
    expect((err as EsbError).code).toBe('CORE_JOB_NOT_FOUND');
    expect(s.requests).toHaveLength(1);
  });

  it('a terminate whose answer was lost and whose retry is refused (1241003) reads the status: terminating is success', async () => {
    const terminating = {
      ...STATUS_DATA,
      is_finished: false,
      job_instance: { ...STATUS_DATA.job_instance, status: 10 },
    };
    const s = await server([
      { reset: true },
      { json: fail(1241003, '不支持的操作') },
      { json: ok(terminating) },
    ]);
    const { c } = client(s.url);
    expect(await c.operateJobInstance(REF)).toEqual({
      job_instance_id: 7,
      outcome: 'terminating',
      status: 10,
    });
    expect(s.requests.map((r) => r.path.split('/').at(-2))).toEqual([
      'operate_job_instance',
      'operate_job_instance',
      'get_job_instance_status',
    ]);
  });

  it('honours Retry-After within the delay cap', async () => {
    const s = await server([
      { status: 429, text: 'slow down', headers: { 'retry-after': '0' } },
      { json: ok(STATUS_DATA) },
    ]);
    const { c, events } = client(s.url);
    await c.getJobInstanceStatus(REF);
    expect(events[0]?.status).toBe(429);
    expect(s.requests).toHaveLength(2);
  });

  it('reuses one keep-alive connection for consecutive reads', async () => {
    const s = await server([{ json: ok(STATUS_DATA) }]);
    const { c } = client(s.url);
    for (let i = 0; i < 6; i++) await c.getJobInstanceStatus(REF);
    expect(s.requests).toHaveLength(6);
    // undici may open a second socket while it checks an idle one, but it reuses them.
    expect(s.connections()).toBeLessThanOrEqual(2);
    expect(s.requests.every((r) => r.headers.connection === 'keep-alive')).toBe(true);
  });

  it('stops waiting when the caller aborts, without retrying', async () => {
    const s = await server([{ hang: true }]);
    const { c } = client(s.url);
    const ac = new AbortController();
    const p = c.getJobInstanceStatus(REF, { signal: ac.signal });
    await waitFor(() => s.requests.length === 1);
    ac.abort();
    await expect(p).rejects.toBeInstanceOf(AbortedError);
    expect(s.requests).toHaveLength(1);
  });
});

describe('fast_execute_script is never sent twice by accident', () => {
  it('is retried once when the connection was refused, and the server sees one request', async () => {
    const s = await server([{ json: ok({ job_instance_id: 42, job_instance_name: 'n' }) }]);
    const refused = await closedPort();
    let connects = 0;
    const direct = buildConnector({});
    const agent = new Agent({
      // The first connection goes to a closed port (a real ECONNREFUSED), later ones to the server.
      connect: (opts, cb) => {
        connects++;
        direct({ ...opts, port: connects === 1 ? String(refused) : opts.port }, cb);
      },
    });
    cleanups.push(() => agent.close());
    const { c, events } = client(s.url, { dispatcher: agent });
    const res = await c.fastExecuteScript(SUBMIT);
    expect(res.job_instance_id).toBe(42);
    expect(s.requests).toHaveLength(1);
    expect(events.map((e) => [e.attempt, e.sent, e.errorCode])).toEqual([
      [1, false, 'CORE_CONNECTION'],
      [2, true, undefined],
    ]);
  });

  it('is retried once after a DNS failure (undici MockAgent: a fault a loopback server cannot produce)', async () => {
    const mock = new MockAgent();
    mock.disableNetConnect();
    cleanups.push(() => mock.close());
    const pool = mock.get('http://esb.example.com');
    const path = '/api/c/compapi/v2/job/fast_execute_script/';
    const dns = Object.assign(new Error('getaddrinfo ENOTFOUND esb.example.com'), {
      code: 'ENOTFOUND',
      syscall: 'getaddrinfo',
    });
    pool.intercept({ path, method: 'POST' }).replyWithError(dns);
    const bodies: string[] = [];
    pool.intercept({ path, method: 'POST' }).reply(200, (opts) => {
      bodies.push(String(opts.body));
      return ok({ job_instance_id: 77, job_instance_name: 'n' });
    });
    const { c, events } = client('http://esb.example.com', { dispatcher: mock });
    expect((await c.fastExecuteScript(SUBMIT)).job_instance_id).toBe(77);
    expect(bodies).toHaveLength(1);
    expect(events.map((e) => e.errorCode)).toEqual(['CORE_CONNECTION', undefined]);
    expect(events[0]?.error).toContain('ENOTFOUND');
  });

  it('is retried at most once: two refusals give a connection error, not "may have started"', async () => {
    const port = await closedPort();
    const { c, events } = client(`http://127.0.0.1:${port}`);
    const err = await c.fastExecuteScript(SUBMIT).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as ConnectionError).code).toBe('CORE_CONNECTION');
    expect((err as Error).message).toContain('ECONNREFUSED');
    expect(events).toHaveLength(2);
    expect(events.every((e) => e.sent === false)).toBe(true);
  });

  it('is not retried when submitOnConnectError is false', async () => {
    const port = await closedPort();
    const { c, events } = client(`http://127.0.0.1:${port}`, {
      retry: { submitOnConnectError: false },
    });
    await expect(c.fastExecuteScript(SUBMIT)).rejects.toBeInstanceOf(ConnectionError);
    expect(events).toHaveLength(1);
  });

  it('reports "may have started" when the answer is lost after the body was sent', async () => {
    const s = await server([
      { reset: true },
      { json: ok({ job_instance_id: 1, job_instance_name: 'again' }) },
    ]);
    const { c, events } = client(s.url);
    const err = (await c.fastExecuteScript(SUBMIT).catch((e: unknown) => e)) as MayHaveStartedError;
    expect(err).toBeInstanceOf(MayHaveStartedError);
    expect(err.code).toBe('CORE_MAY_HAVE_STARTED');
    expect(err.message).toContain('may have started');
    expect(err.message).toContain(`${s.url}/api/c/compapi/v2/job/fast_execute_script/`);
    expect(err.message).toContain('bk_biz_id 2');
    expect(err.message).toContain('rotate-logs');
    expect(err.message).toContain(err.sentAt);
    expect(err.bizId).toBe(2);
    expect(err.taskName).toBe('rotate-logs');
    expect(err.check).toContain('business 2');
    expect(err.call).toBe('fast_execute_script');
    expect(s.requests).toHaveLength(1);
    expect(s.requests[0]?.body.task_name).toBe('rotate-logs');
    expect(events).toHaveLength(1);
    expect(events[0]?.sent).toBe(true);
  });

  it.each([
    ['a 502 from a gateway', [{ status: 502, text: 'Bad Gateway' }]],
    ['a 500 from a crash', [{ status: 500, text: 'Internal Server Error' }]],
    ['a non-JSON answer', [{ status: 200, text: '<html>login</html>' }]],
    ['success without a job id', [{ json: ok(null) }]],
    ['ESB unable to reach JOB (1306201)', [{ json: fail(1306201, 'Request third-party interface error') }]],
    ['a stalled body', [{ stallBody: true }]],
    ['no answer at all (headers timeout)', [{ hang: true }]],
  ] as const)('reports "may have started" on %s, after exactly one request', async (_what, actions) => {
    const s = await server([...actions, { json: ok({ job_instance_id: 1, job_instance_name: 'again' }) }]);
    const { c } = client(s.url, { timeouts: { headersMs: 150, bodyMs: 150 } });
    const err = await c.fastExecuteScript(SUBMIT).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MayHaveStartedError);
    expect((err as Error).message).toContain('may have started');
    expect(s.requests).toHaveLength(1);
  });

  it('reports "may have started" when the whole-attempt timeout fires after sending', async () => {
    const s = await server([{ hang: true }]);
    const { c } = client(s.url);
    const err = await c.fastExecuteScript(SUBMIT, { timeoutMs: 150 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MayHaveStartedError);
    expect((err as MayHaveStartedError).cause).toBeInstanceOf(TimeoutError);
    expect(s.requests).toHaveLength(1);
  });

  it('treats an abort after sending as "may have started", and before sending as a plain abort', async () => {
    const s = await server([{ hang: true }]);
    const { c } = client(s.url);
    const ac = new AbortController();
    const p = c.fastExecuteScript(SUBMIT, { signal: ac.signal });
    await waitFor(() => s.requests.length === 1);
    ac.abort();
    await expect(p).rejects.toBeInstanceOf(MayHaveStartedError);

    const before = new AbortController();
    before.abort();
    await expect(c.fastExecuteScript(SUBMIT, { signal: before.signal })).rejects.toBeInstanceOf(AbortedError);
    expect(s.requests).toHaveLength(1);
  });

  it("throws the server's definite refusal as it is (nothing started), without retrying", async () => {
    const s = await server([{ json: fail(1241005, '请求参数[script_type]不合法') }]);
    const { c } = client(s.url);
    const err = await c.fastExecuteScript(SUBMIT).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EsbError);
    expect((err as EsbError).code).toBe('CORE_BAD_REQUEST');
    expect(s.requests).toHaveLength(1);
  });

  it('reads a 400 carrying a failure envelope (JOB 3.x parameter errors) as a definite refusal', async () => {
    const body = JSON.stringify(fail(1241004, '请求参数[account]缺失'));
    const s = await server([{ status: 400, text: body, headers: { 'content-type': 'application/json' } }]);
    const { c } = client(s.url);
    const err = await c.fastExecuteScript(SUBMIT).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EsbError);
    expect((err as EsbError).esbCode).toBe(1241004);
    expect(s.requests).toHaveLength(1);
  });

  it('opens a fresh connection for every submit and asks the server to close it', async () => {
    const s = await server([{ json: ok({ job_instance_id: 5, job_instance_name: 'n' }) }]);
    const { c } = client(s.url);
    await c.fastExecuteScript(SUBMIT);
    await c.getJobInstanceStatus(REF).catch(() => undefined);
    await c.fastExecuteScript(SUBMIT);
    const submits = s.requests.filter((r) => r.path.includes('fast_execute_script'));
    expect(submits.map((r) => r.headers.connection)).toEqual(['close', 'close']);
    expect(new Set(s.requests.map((r) => r.socket)).size).toBe(3);
  });
});

describe('the debug hook', () => {
  it('cannot break a call by throwing', async () => {
    const s = await server([{ json: ok({ job_instance_id: 9, job_instance_name: 'n' }) }]);
    const { c } = client(s.url, {
      onDebug: () => {
        throw new Error('broken hook');
      },
    });
    expect((await c.fastExecuteScript(SUBMIT)).job_instance_id).toBe(9);
  });
});

describe('keep-alive sockets and undici', () => {
  it('a socket the server closed while idle never eats a request: the next one goes on a new socket', async () => {
    const s = await startScripted(
      (req) =>
        req.path.includes('fast_execute_script')
          ? { json: ok({ job_instance_id: 3, job_instance_name: 'n' }) }
          : { json: ok(STATUS_DATA) },
      { keepAliveTimeoutMs: 50 },
    );
    cleanups.push(() => s.close());
    // One keep-alive pool for everything, so the submit would reuse the read's socket if it could.
    const agent = new Agent({ keepAliveTimeout: 60_000, keepAliveMaxTimeout: 60_000 });
    cleanups.push(() => agent.close());
    const { c, events } = client(s.url, { dispatcher: agent });
    await c.getJobInstanceStatus(REF);
    await waitFor(() => s.closedConnections() === 1);
    expect((await c.fastExecuteScript(SUBMIT)).job_instance_id).toBe(3);
    expect(s.requests.map((r) => r.socket)).toEqual([1, 2]);
    expect(events.every((e) => e.errorCode === undefined)).toBe(true);
  });

  it('undici does not resend a submit lost on a keep-alive pool', async () => {
    const s = await startScripted((req) =>
      req.path.includes('fast_execute_script') ? { reset: true } : { json: ok(STATUS_DATA) },
    );
    cleanups.push(() => s.close());
    const agent = new Agent({ keepAliveTimeout: 60_000, keepAliveMaxTimeout: 60_000 });
    cleanups.push(() => agent.close());
    const { c } = client(s.url, { dispatcher: agent });
    await c.getJobInstanceStatus(REF);
    await expect(c.fastExecuteScript(SUBMIT)).rejects.toBeInstanceOf(MayHaveStartedError);
    expect(s.requests.map((r) => r.path.split('/').at(-2))).toEqual([
      'get_job_instance_status',
      'fast_execute_script',
    ]);
  });
});

async function waitFor(cond: () => boolean, limitMs = 5000): Promise<void> {
  const end = Date.now() + limitMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}
