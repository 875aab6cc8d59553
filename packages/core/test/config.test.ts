import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect, type Socket } from 'node:net';
import { startEmulator } from '@runbook/emulator';
import { afterAll, describe, expect, it } from 'vitest';
import {
  ConfigError,
  ConnectionError,
  clientOptionsFromEnv,
  createClient,
  type EsbError,
} from '../src/index.js';
import { ok, STATUS_DATA, startScripted } from './helpers/scripted-server.js';

const closers: Array<() => unknown> = [];
afterAll(async () => {
  for (const c of closers.reverse()) await c();
});

const REF = { bk_biz_id: 1, job_instance_id: 7 };

describe('configuration', () => {
  it('reads the environment', () => {
    const o = clientOptionsFromEnv({
      BK_ESB_URL: 'https://paas.example.com',
      BK_APP_CODE: 'runbook',
      BK_APP_SECRET: 's3cret',
      BK_USERNAME: 'alice',
      BK_TOKEN: ' tok ',
      HTTPS_PROXY: 'http://proxy:3128',
      no_proxy: 'localhost,.internal',
    });
    expect(o).toEqual({
      baseUrl: 'https://paas.example.com',
      appCode: 'runbook',
      appSecret: 's3cret',
      username: 'alice',
      token: 'tok',
      proxy: { httpsProxy: 'http://proxy:3128', noProxy: 'localhost,.internal' },
    });
  });

  it('lists every missing setting at once, naming the environment variables', () => {
    let err: unknown;
    try {
      createClient(clientOptionsFromEnv({}));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const msg = (err as ConfigError).message;
    expect((err as ConfigError).code).toBe('CORE_CONFIG');
    for (const name of ['BK_ESB_URL', 'BK_APP_CODE', 'BK_APP_SECRET', 'BK_USERNAME', 'BK_TOKEN']) {
      expect(msg).toContain(name);
    }
  });

  it('rejects a base URL that is not http(s) or carries a password, and bad numbers', () => {
    const base = { appCode: 'a', appSecret: 'b', username: 'u' };
    expect(() => createClient({ ...base, baseUrl: 'ftp://x' })).toThrow(/http: or https:/);
    expect(() => createClient({ ...base, baseUrl: 'https://u:p@x' })).toThrow(/user name or password/);
    expect(() => createClient({ ...base, baseUrl: 'https://x', timeouts: { connectMs: 0 } })).toThrow(
      /connectMs/,
    );
    expect(() => createClient({ ...base, baseUrl: 'https://x', authIn: 'query' as never })).toThrow(/authIn/);
  });

  it('reads BK_APIGW_URL as the API gateway v3 stage URL; both URLs set is an error naming both', () => {
    const env = { BK_APP_CODE: 'runbook', BK_APP_SECRET: 's3cret', BK_TOKEN: 'tok' };
    expect(
      clientOptionsFromEnv({ ...env, BK_APIGW_URL: 'https://bkapi.example.com/api/bk-job/prod' }),
    ).toEqual({
      transport: 'v3',
      baseUrl: 'https://bkapi.example.com/api/bk-job/prod',
      appCode: 'runbook',
      appSecret: 's3cret',
      token: 'tok',
    });
    expect(
      clientOptionsFromEnv({ ...env, BK_ESB_URL: 'https://paas.example.com' }).transport,
    ).toBeUndefined();
    let err: unknown;
    try {
      clientOptionsFromEnv({
        ...env,
        BK_ESB_URL: 'https://paas.example.com',
        BK_APIGW_URL: 'https://bkapi.example.com',
      });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).code).toBe('CORE_CONFIG');
    expect((err as ConfigError).message).toMatch(/BK_ESB_URL.*BK_APIGW_URL/);
    expect((err as ConfigError).message).not.toContain('s3cret');
  });

  it('v3: a client says its transport and URLs; no URL names BK_APIGW_URL; credentials never in the body', () => {
    const base = { appCode: 'a', appSecret: 'b', username: 'u' };
    const c = createClient({
      ...base,
      transport: 'v3',
      baseUrl: 'https://bkapi.example.com/api/bk-job/prod/',
    });
    closers.push(() => c.close());
    expect(c.transport).toBe('v3');
    expect(c.endpoint('get_job_instance_status')).toBe(
      'https://bkapi.example.com/api/bk-job/prod/api/v3/get_job_instance_status',
    );
    expect(c.toJSON()).toMatchObject({ transport: 'v3', authIn: 'header', appSecret: '***' });
    expect(() => createClient({ ...base, transport: 'v3', baseUrl: '' })).toThrow(/BK_APIGW_URL/);
    expect(() => createClient({ ...base, transport: 'v3', baseUrl: 'https://x', authIn: 'body' })).toThrow(
      /X-Bkapi-Authorization/,
    );
    expect(() => createClient({ ...base, transport: 'v4' as never, baseUrl: 'https://x' })).toThrow(
      /transport/,
    );
  });

  it('keeps a path prefix of the base URL', async () => {
    const s = await startScripted([{ json: ok(STATUS_DATA) }]);
    closers.push(() => s.close());
    const c = createClient({ baseUrl: `${s.url}/esb/`, appCode: 'a', appSecret: 'b', username: 'u' });
    closers.push(() => c.close());
    await c.getJobInstanceStatus(REF);
    expect(s.requests[0]?.path).toBe('/esb/api/c/compapi/v2/job/get_job_instance_status/');
  });
});

describe('authentication', () => {
  it('puts credentials in the body by default, as the seed shows', async () => {
    const s = await startScripted([{ json: ok(STATUS_DATA) }]);
    closers.push(() => s.close());
    const c = createClient({ baseUrl: s.url, appCode: 'a', appSecret: 'b', username: 'u', token: 't' });
    closers.push(() => c.close());
    await c.getJobInstanceStatus(REF);
    expect(s.requests[0]?.body).toEqual({
      bk_app_code: 'a',
      bk_app_secret: 'b',
      bk_username: 'u',
      bk_token: 't',
      ...REF,
      bk_scope_type: 'biz',
      bk_scope_id: String(REF.bk_biz_id),
    });
    expect(s.requests[0]?.headers['x-bkapi-authorization']).toBeUndefined();
  });

  it("puts them in X-Bkapi-Authorization with authIn: 'header', and nowhere in the body", async () => {
    const s = await startScripted([{ json: ok(STATUS_DATA) }]);
    closers.push(() => s.close());
    const c = createClient({ baseUrl: s.url, appCode: 'a', appSecret: 'b', username: 'u', authIn: 'header' });
    closers.push(() => c.close());
    await c.getJobInstanceStatus(REF);
    expect(JSON.parse(String(s.requests[0]?.headers['x-bkapi-authorization']))).toEqual({
      bk_app_code: 'a',
      bk_app_secret: 'b',
      bk_username: 'u',
    });
    expect(s.requests[0]?.body).toEqual({ ...REF, bk_scope_type: 'biz', bk_scope_id: String(REF.bk_biz_id) });
  });

  it('keeps its own credentials even if a request carries auth fields', async () => {
    const s = await startScripted([{ json: ok({ job_instance_id: 1, job_instance_name: 'n' }) }]);
    closers.push(() => s.close());
    const c = createClient({ baseUrl: s.url, appCode: 'a', appSecret: 'b', username: 'u' });
    closers.push(() => c.close());
    const req = {
      bk_biz_id: 1,
      script_id: 3,
      ip_list: [{ bk_cloud_id: 0, ip: '10.0.0.1' }],
      bk_app_secret: 'x',
    };
    await c.fastExecuteScript(req as never);
    expect(s.requests[0]?.body.bk_app_secret).toBe('b');
  });
});

describe('TLS', () => {
  // A throw-away self-signed certificate for 127.0.0.1 (see test/fixtures/README.md).
  const cert = readFileSync(new URL('./fixtures/tls/cert.pem', import.meta.url), 'utf8');
  const key = readFileSync(new URL('./fixtures/tls/key.pem', import.meta.url), 'utf8');

  async function httpsServer(): Promise<string> {
    const server = createHttpsServer({ cert, key }, (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(ok(STATUS_DATA)));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    closers.push(
      () =>
        new Promise<void>((r) => {
          server.closeAllConnections();
          server.close(() => r());
        }),
    );
    return `https://127.0.0.1:${(server.address() as { port: number }).port}`;
  }
  const base = { appCode: 'a', appSecret: 'b', username: 'u', retry: { retries: 0 } };

  it('verifies certificates by default', async () => {
    const c = createClient({ ...base, baseUrl: await httpsServer() });
    closers.push(() => c.close());
    const err = await c.getJobInstanceStatus(REF).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as Error).message).toMatch(/self.signed|certificate/i);
  });

  it('trusts an extra CA given with ca, besides the system roots', async () => {
    const c = createClient({ ...base, baseUrl: await httpsServer(), ca: cert });
    closers.push(() => c.close());
    expect((await c.getJobInstanceStatus(REF)).job_instance.status).toBe(3);
  });

  it('turns verification off only with insecureTls, and warns', async () => {
    const warnings: string[] = [];
    const c = createClient({
      ...base,
      baseUrl: await httpsServer(),
      insecureTls: true,
      onWarning: (m) => warnings.push(m),
    });
    closers.push(() => c.close());
    expect((await c.getJobInstanceStatus(REF)).job_instance.status).toBe(3);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('TLS certificate verification is OFF');
  });
});

describe('proxies', () => {
  async function connectProxy(): Promise<{ url: string; seen: string[] }> {
    const seen: string[] = [];
    const sockets = new Set<Socket>();
    const proxy: Server = createHttpServer();
    proxy.on('connect', (req, client: Socket, head: Buffer) => {
      seen.push(String(req.url));
      const [host, port] = String(req.url).split(':');
      const upstream = connect(Number(port), host, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on('error', () => s.destroy());
      }
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    closers.push(
      () =>
        new Promise<void>((r) => {
          for (const s of sockets) s.destroy();
          proxy.close(() => r());
        }),
    );
    return { url: `http://127.0.0.1:${(proxy.address() as { port: number }).port}`, seen };
  }

  it('goes through HTTP_PROXY from the environment, and around it for NO_PROXY hosts', async () => {
    const emu = await startEmulator({});
    closers.push(() => emu.close());
    const proxy = await connectProxy();
    const env = {
      BK_ESB_URL: emu.url,
      BK_APP_CODE: 'a',
      BK_APP_SECRET: 'b',
      BK_USERNAME: 'u',
      HTTP_PROXY: proxy.url,
    };
    const via = createClient(clientOptionsFromEnv(env));
    closers.push(() => via.close());
    const err = await via
      .getJobInstanceStatus({ bk_biz_id: 1, job_instance_id: 424242 })
      .catch((e: unknown) => e);
    expect((err as EsbError).code).toBe('CORE_JOB_NOT_FOUND');
    expect(proxy.seen).toEqual([new URL(emu.url).host]);
    // A submit takes its own fresh connection, through the proxy as well.
    const submitted = await via.fastExecuteScript({
      bk_biz_id: 1,
      script_content: 'dHJ1ZQ==',
      script_type: 1,
      account: 'root',
      ip_list: [{ bk_cloud_id: 0, ip: '127.0.0.1' }],
    });
    expect(submitted.job_instance_id).toBeGreaterThan(0);
    expect(proxy.seen).toHaveLength(2);

    const around = createClient(clientOptionsFromEnv({ ...env, NO_PROXY: '127.0.0.1' }));
    closers.push(() => around.close());
    await around.getJobInstanceStatus({ bk_biz_id: 1, job_instance_id: 424242 }).catch((e: unknown) => e);
    expect(proxy.seen).toHaveLength(2);
  });
});
