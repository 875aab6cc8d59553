import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CALLBACK_TIMEOUT_MS } from '../src/callbacks.js';
import { type Emulator, startEmulator } from '../src/index.js';
import { call, fixture, scriptRequest, shapeOf, waitFinished } from './helpers.js';

interface Received {
  path: string;
  contentType: string;
  body: string;
}

let emu: Emulator;
let receiver: Server;
let base: string;
const received: Received[] = [];
/** Status codes the receiver answers, by path, in order (200 once the list is used up). */
const plan = new Map<string, number[]>();

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '/';
      received.push({
        path,
        contentType: req.headers['content-type'] ?? '',
        body: Buffer.concat(chunks).toString(),
      });
      res.writeHead(plan.get(path)?.shift() ?? 200).end('ok');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  emu = await startEmulator({ exec: 'simulate', config: { simulate: { durationMs: 5 } } });
});
afterAll(async () => {
  await emu.close();
  await new Promise((r) => receiver.close(r));
});

async function jobWithCallback(path: string, extra: Record<string, unknown> = {}) {
  const a = await call(
    emu,
    'fast_execute_script',
    scriptRequest('true', { bk_callback_url: `${base}${path}`, ...extra }),
  );
  expect(a.result).toBe(true);
  return a.data.job_instance_id as number;
}

/** Polls the emulator's record until `n` attempts for the job have an outcome (bounded). */
async function attemptsFor(jobId: number, n: number) {
  for (let i = 0; i < 500; i++) {
    const mine = emu.callbacks().filter((c) => c.jobInstanceId === jobId);
    if (mine.length >= n && mine.every((c) => c.status !== null || c.error !== null)) return mine;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`no ${n} callback attempts for job ${jobId}`);
}

describe('callbacks to bk_callback_url', () => {
  it('a 200 answer: one JSON POST in the documented shape', async () => {
    const jobId = await jobWithCallback('/ok');
    const attempts = await attemptsFor(jobId, 1);
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({ attempt: 1, status: 200, contentType: 'application/json' });
    const got = received.filter((r) => r.path === '/ok');
    expect(got).toHaveLength(1);
    const body = JSON.parse(got[0]!.body);
    expect(shapeOf(body)).toEqual(shapeOf(fixture('callback.body.json')));
    expect(body).toEqual({
      job_instance_id: jobId,
      status: 3,
      step_instances: [{ step_instance_id: jobId + 1, status: 3 }],
    });
  });

  it('a non-200 answer: once more as form-urlencoded with the same JSON text, then it gives up', async () => {
    plan.set('/fail', [500, 503, 500]);
    const jobId = await jobWithCallback('/fail');
    const attempts = await attemptsFor(jobId, 2);
    expect(attempts.map((a) => [a.attempt, a.status, a.contentType])).toEqual([
      [1, 500, 'application/json'],
      [2, 503, 'application/x-www-form-urlencoded'],
    ]);
    const got = received.filter((r) => r.path === '/fail');
    expect(got).toHaveLength(2);
    expect(got[1]!.body).toBe(got[0]!.body);
    expect(plan.get('/fail')).toEqual([500]);
  });

  it('the form retry succeeding ends it; a failed job reports status 4', async () => {
    plan.set('/second', [404]);
    const emuFail = await startEmulator({
      exec: 'simulate',
      config: { simulate: { durationMs: 5, failRate: 1 } },
    });
    try {
      const a = await call(
        emuFail,
        'fast_execute_script',
        scriptRequest('x', { bk_callback_url: `${base}/second` }),
      );
      for (let i = 0; i < 500 && emuFail.callbacks().filter((c) => c.status !== null).length < 2; i++)
        await new Promise((r) => setTimeout(r, 10));
      expect(emuFail.callbacks().map((c) => c.status)).toEqual([404, 200]);
      expect(JSON.parse(emuFail.callbacks()[0]!.body)).toMatchObject({
        job_instance_id: a.data.job_instance_id,
        status: 4,
      });
    } finally {
      await emuFail.close();
    }
  });

  it('an unreachable receiver: one attempt recorded with the error, no retry', async () => {
    const dead = createServer();
    await new Promise<void>((r) => dead.listen(0, '127.0.0.1', r));
    const port = (dead.address() as AddressInfo).port;
    await new Promise((r) => dead.close(r));
    const a = await call(
      emu,
      'fast_execute_script',
      scriptRequest('true', { bk_callback_url: `http://127.0.0.1:${port}/gone` }),
    );
    const attempts = await attemptsFor(a.data.job_instance_id, 1);
    expect(attempts.map((x) => [x.attempt, x.status])).toEqual([[1, null]]);
    expect(attempts[0]!.error).toMatch(/ECONNREFUSED/);
    // A later job's callback is recorded after this one's would have been: still one attempt here.
    await attemptsFor(await jobWithCallback('/ok'), 1);
    expect(emu.callbacks().filter((c) => c.jobInstanceId === a.data.job_instance_id)).toHaveLength(1);
  });

  it('no callback without a URL (or with an empty one)', async () => {
    const a = await call(emu, 'fast_execute_script', scriptRequest('true', { bk_callback_url: '' }));
    const s = await waitFinished(emu, a.data.job_instance_id);
    expect(s.data.job_instance.status).toBe(3);
    // A job with a URL, finished after this one, has its callback recorded by now: this one has none.
    const later = await jobWithCallback('/ok');
    await attemptsFor(later, 1);
    expect(emu.callbacks().some((c) => c.jobInstanceId === a.data.job_instance_id)).toBe(false);
  });

  it('a receiver that does not answer in time: one attempt, no retry (JOB waits 15 s)', async () => {
    expect(CALLBACK_TIMEOUT_MS).toBe(15_000);
    const silent = createServer(() => {
      // never answers
    });
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as AddressInfo).port;
    const quick = await startEmulator({
      exec: 'simulate',
      callbackTimeoutMs: 200,
      config: { simulate: { durationMs: 5 } },
    });
    try {
      const a = await call(
        quick,
        'fast_execute_script',
        scriptRequest('true', { bk_callback_url: `http://127.0.0.1:${port}/slow` }),
      );
      let mine = quick.callbacks();
      for (let i = 0; i < 500 && !mine.some((c) => c.error !== null); i++) {
        await new Promise((r) => setTimeout(r, 10));
        mine = quick.callbacks();
      }
      expect(mine.map((c) => [c.jobInstanceId, c.attempt, c.status])).toEqual([
        [a.data.job_instance_id, 1, null],
      ]);
      expect(mine[0]!.error).toMatch(/no answer within 200 ms/);
    } finally {
      await quick.close();
      silent.closeAllConnections();
      await new Promise((r) => silent.close(r));
    }
  });
});

describe('the callback allow-list (job.callbackAllowList)', () => {
  it('a URL outside the allowed bases is refused at submit with 1240003; inside, it is called', async () => {
    // Every host here is loopback: 127.0.0.2 and 127.0.0.3 refuse connections, nothing leaves the machine.
    const listed = await startEmulator({
      exec: 'simulate',
      config: {
        simulate: { durationMs: 5 },
        job: {
          generation: 3,
          callbackAllowList: [`${base}/hooks`, 'http://127.0.0.2:9/', 'http://127.0.0.3'],
        },
      },
    });
    try {
      const submit = (url: string) =>
        call(listed, 'fast_execute_script', scriptRequest('true', { bk_callback_url: url }));
      for (const url of [
        `${base}/hooksx`,
        `${base}/other/hooks`,
        `${base.replace('127.0.0.1', 'localhost')}/hooks`,
        `${base.replace('http:', 'https:')}/hooks`,
        'http://127.0.0.2.evil.example/x',
        'http://127.0.0.2:10/x',
        'http://127.0.0.3:8080/x',
      ]) {
        const a = await submit(url);
        expect(a).toMatchObject({
          result: false,
          code: 1240003,
          message: '回调地址不合法或不在允许列表中，请联系平台管理员添加',
        });
      }
      expect(listed.jobs()).toHaveLength(0);
      for (const url of ['http://127.0.0.2:9/a/b', 'http://127.0.0.3:80/x', `${base}/hooks`])
        expect((await submit(url)).result).toBe(true);
      const ok = await submit(`${base}/hooks/done`);
      expect(ok.result).toBe(true);
      for (let i = 0; i < 500 && !received.some((r) => r.path === '/hooks/done'); i++)
        await new Promise((r) => setTimeout(r, 10));
      expect(received.filter((r) => r.path === '/hooks/done')).toHaveLength(1);
    } finally {
      await listed.close();
    }
  });

  it('the JOB 2.x mode applies a configured allow-list too', async () => {
    const listed = await startEmulator({ config: { job: { callbackAllowList: ['http://127.0.0.2:9'] } } });
    try {
      const a = await call(
        listed,
        'fast_execute_script',
        scriptRequest('true', { bk_callback_url: `${base}/x` }),
      );
      expect(a).toMatchObject({ result: false, code: 1240003 });
    } finally {
      await listed.close();
    }
  });

  it('allow-list entries must be http(s) base URLs', async () => {
    await expect(
      startEmulator({ config: { job: { callbackAllowList: ['http://127.0.0.2:9/?q=1'] } } }),
    ).rejects.toMatchObject({ code: 'EMULATOR_CONFIG_INVALID' });
  });
});
