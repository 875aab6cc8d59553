import { inspect } from 'node:util';
import { startEmulator } from '@runbook/emulator';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type ClientOptions,
  CoreError,
  createClient,
  type DebugEvent,
  encodeBase64,
  encodeParams,
  type JobClient,
} from '../src/index.js';
import {
  type Action,
  closedPort,
  fail,
  ok,
  type Recorded,
  startScripted,
} from './helpers/scripted-server.js';
import { gatewayError, htmlPage, v3Call, v3Fail, v3Status } from './helpers/v3-gateway.js';

const SECRET = 'CANARY-SECRET-5b1e0c';
const TOKEN = 'CANARY-TOKEN-77ac31';
const PARAM = 'CANARY-PARAM-9d2f44 --password hunter2x';
const CANARIES = [SECRET, TOKEN, PARAM, encodeParams(PARAM), encodeBase64(SECRET)];

const errors: unknown[] = [];
const events: DebugEvent[] = [];
const clients: JobClient[] = [];
const closers: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const c of closers) await c();
});

function make(baseUrl: string, extra: Partial<ClientOptions> = {}): JobClient {
  const c = createClient({
    baseUrl,
    appCode: 'app',
    appSecret: SECRET,
    token: TOKEN,
    username: 'alice',
    retry: { minDelayMs: 1, maxDelayMs: 2, retries: 1 },
    timeouts: { headersMs: 200, bodyMs: 200 },
    onDebug: (e) => events.push(e),
    ...extra,
  });
  clients.push(c);
  closers.push(() => c.close());
  return c;
}

const SENSITIVE = {
  bk_biz_id: 3,
  task_name: 'sensitive',
  script_content: encodeBase64('echo "$1"'),
  script_param: encodeParams(PARAM),
  is_param_sensitive: 1 as const,
  script_type: 1 as const,
  account: 'root',
  ip_list: [{ bk_cloud_id: 0, ip: '127.0.0.1' }],
};
const REF = { bk_biz_id: 3, job_instance_id: 1 };

/** Every way a server can put our request back into what the client shows. */
const echoes: Array<(raw: string) => Action> = [
  (raw) => ({ status: 502, text: `upstream said: ${raw}` }),
  (raw) => ({ status: 200, text: `<html>${raw}</html>` }),
  (raw) => ({ json: fail(1306000, `APP Secret verification failed for ${raw}`) }),
  (raw) => ({ json: fail(1241005, `请求参数[script_param]不合法: ${raw}`) }),
  (raw) => ({ json: fail(9900403, `denied ${raw}`, { permission: { actions: [{ id: raw }] } }) }),
  () => ({ reset: true }),
  () => ({ json: ok({ job_instance_id: 1, job_instance_name: 'n' }) }),
];

async function collect(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (err) {
    errors.push(err);
  }
}

describe('credentials and sensitive parameters never show', () => {
  it('in errors and debug events of a real emulator that rejects the secret', async () => {
    const emu = await startEmulator({ apps: { app: 'the-real-secret' } });
    closers.push(() => emu.close());
    const c = make(emu.url);
    await collect(c.fastExecuteScript(SENSITIVE));
    await collect(c.getJobInstanceStatus(REF));
    expect(errors.length).toBe(2);
  });

  it('in errors and debug events when servers echo the request back, in body and header mode', async () => {
    for (const authIn of ['body', 'header'] as const) {
      for (const echo of echoes) {
        const s = await startScripted((req) => echo(`${req.raw} ${JSON.stringify(req.headers)}`));
        closers.push(() => s.close());
        const c = make(s.url, { authIn });
        await collect(c.fastExecuteScript(SENSITIVE));
        await collect(c.getJobInstanceLog(REF));
        await collect(c.operateJobInstance(REF));
      }
    }
    expect(errors.length).toBeGreaterThan(30);
  });

  it('over the API gateway v3: only in X-Bkapi-Authorization, never in a body or query; echoes masked', async () => {
    const v3Echoes: Array<(raw: string) => Action> = [
      ...echoes,
      (raw) => gatewayError(401, 1640101, 'UNAUTHORIZED', `App authentication failed: ${raw}`),
      (raw) => gatewayError(400, 1640001, 'INVALID_ARGS', `Parameters error [reason="${raw}"]`),
      (raw) => gatewayError(502, 1650200, 'BAD_GATEWAY', `Bad Gateway ${raw}`),
      (raw) => ({ ...htmlPage(403, 'Forbidden'), text: `<html>${raw}</html>` }),
      (raw) => ({ json: v3Fail(1244006, `no job ${raw}`) }),
    ];
    const seen: Recorded[] = [];
    for (const echo of v3Echoes) {
      // The status answers, so that the log call gets to its batch call, which echoes.
      const s = await startScripted((req) =>
        v3Call(req.path) === 'get_job_instance_status' && req.path.includes('job_instance_id=2')
          ? { json: v3Status([{ bk_host_id: 101, ip: '127.0.0.1' }]) }
          : echo(`${req.path} ${req.raw} ${JSON.stringify(req.headers)}`),
      );
      closers.push(() => s.close());
      const c = make(s.url, { transport: 'v3' });
      await collect(c.fastExecuteScript({ ...SENSITIVE, host_id_list: [101] }));
      await collect(c.getJobInstanceStatus(REF));
      await collect(c.getJobInstanceLog({ ...REF, job_instance_id: 2 }));
      await collect(c.operateJobInstance(REF));
      seen.push(...s.requests);
    }
    expect(seen.length).toBeGreaterThan(v3Echoes.length * 4);
    for (const r of seen) {
      for (const credential of [SECRET, TOKEN, 'bk_app_secret', 'bk_token', 'bk_app_code', 'bk_username']) {
        expect(`${r.path} ${r.raw}`).not.toContain(credential);
      }
      expect(JSON.parse(String(r.headers['x-bkapi-authorization']))).toEqual({
        bk_app_code: 'app',
        bk_app_secret: SECRET,
        bk_username: 'alice',
        bk_token: TOKEN,
      });
    }
    expect(seen.some((r) => r.method === 'GET' && r.path.includes('return_ip_result=true'))).toBe(true);
    expect(seen.some((r) => v3Call(r.path) === 'batch_get_job_instance_ip_log')).toBe(true);
  });

  it('in validation, configuration and connection errors', async () => {
    const c = make(`http://127.0.0.1:${await closedPort()}`);
    await collect(c.fastExecuteScript({ ...SENSITIVE, script_timeout: 5 }));
    await collect(c.fastExecuteScript(SENSITIVE));
    await collect(
      Promise.resolve().then(() =>
        createClient({ baseUrl: '', appCode: '', appSecret: SECRET, token: TOKEN }),
      ),
    );
    await collect(
      Promise.resolve().then(() =>
        createClient({ baseUrl: 'http://user:pw@x', appCode: 'a', appSecret: SECRET }),
      ),
    );
    expect(errors.filter((e) => e instanceof CoreError).length).toBe(errors.length);
  });

  it('— a canary search through every error, client and debug event finds nothing', () => {
    const texts: string[] = [];
    for (const err of errors) {
      const e = err as Error;
      texts.push(e.message, String(e), e.stack ?? '', inspect(e, { depth: 10 }), JSON.stringify(e));
      let cause = e.cause as Error | undefined;
      while (cause) {
        texts.push(String(cause), inspect(cause, { depth: 10 }));
        cause = cause.cause as Error | undefined;
      }
    }
    for (const c of clients) texts.push(String(c), inspect(c, { depth: 10 }), JSON.stringify(c), `${c}`);
    for (const e of events) texts.push(JSON.stringify(e), inspect(e, { depth: 10 }));
    expect(events.length).toBeGreaterThan(40);
    const found = CANARIES.flatMap((canary) =>
      texts.filter((t) => t.includes(canary)).map((t) => `${canary}: ${t}`),
    );
    expect(found).toEqual([]);
    // The redaction is not trivially hiding everything: the debug bodies still show the request.
    expect(events.some((e) => e.body.task_name === 'sensitive' && e.body.script_param === '***')).toBe(true);
  });
});
