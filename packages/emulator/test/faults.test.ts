import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../src/index.js';
import { AUTH, call, fixture, scriptRequest, shapeOf } from './helpers.js';

let emu: Emulator;

beforeAll(async () => {
  emu = await startEmulator({ exec: 'simulate', config: { simulate: { durationMs: 10 } } });
});
afterAll(() => emu.close());

const url = (name: string) => `${emu.url}/api/c/compapi/v2/job/${name}/`;
const statusBody = JSON.stringify({ ...AUTH, bk_biz_id: 1, job_instance_id: 1 });
const post = (name: string, body = statusBody, signal?: AbortSignal) =>
  fetch(url(name), { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal });

/** Raw HTTP: the body's chunks as they arrived. */
function rawPost(name: string, body: string): Promise<{ status: number; chunks: Buffer[] }> {
  return new Promise((resolve, reject) => {
    const req = request(url(name), { method: 'POST', agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, chunks }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('faults, switchable at run time', () => {
  it('latency delays the answer, `times` bounds the injections', async () => {
    emu.setFaults([{ call: 'get_job_instance_status', kind: 'latency', ms: 5000, times: 1 }]);
    await expect(post('get_job_instance_status', statusBody, AbortSignal.timeout(300))).rejects.toThrow();
    const after = await post('get_job_instance_status');
    expect(await after.json()).toMatchObject({ code: 1244006 });
  });

  it('http5xx answers a gateway error page', async () => {
    emu.setFaults([
      { kind: 'http5xx', times: 2 },
      { kind: 'http5xx', status: 503 },
    ]);
    const a = await post('get_job_instance_log');
    expect(a.status).toBe(502);
    expect(a.headers.get('content-type')).toContain('text/html');
    await a.text();
    const b = await post('get_job_instance_log');
    expect(b.status).toBe(502);
    await b.text();
    const c = await post('get_job_instance_log');
    expect(c.status).toBe(503);
    expect(await c.text()).toContain('503 Service Unavailable');
  });

  it('reset drops the connection without an answer and without running anything', async () => {
    emu.setFaults([{ call: 'fast_execute_script', kind: 'reset' }]);
    const before = emu.jobs().length;
    await expect(post('fast_execute_script', JSON.stringify(scriptRequest('true')))).rejects.toThrow();
    expect(emu.jobs().length).toBe(before);
  });

  it('rate_limit answers 1306429 like ESB', async () => {
    emu.setFaults([{ kind: 'rate_limit' }]);
    const a = (await (await post('get_job_instance_status')).json()) as any;
    const expected = fixture('error.rate_limit.answer.json');
    expect(a).toEqual({ ...expected, request_id: a.request_id });
    expect(shapeOf(a)).toEqual(shapeOf(expected));
  });

  it('slow_body sends half the answer, pauses, then the rest', async () => {
    emu.setFaults([{ call: 'fast_execute_script', kind: 'slow_body', ms: 200 }]);
    const before = emu.jobs().length;
    const r = await rawPost('fast_execute_script', JSON.stringify(scriptRequest('true')));
    expect(r.status).toBe(200);
    expect(r.chunks.length).toBeGreaterThanOrEqual(2);
    expect(() => JSON.parse(r.chunks[0]!.toString())).toThrow();
    const answer = JSON.parse(Buffer.concat(r.chunks).toString());
    expect(answer).toMatchObject({ result: true, code: 0 });
    expect(emu.jobs().length).toBe(before + 1);
  });

  it('drop_after_create creates the job, then drops the connection before answering', async () => {
    emu.setFaults([{ kind: 'drop_after_create', times: 1 }]);
    const status = await post('get_job_instance_status');
    expect(status.status).toBe(200);
    await status.text();
    const before = emu.jobs().length;
    const calls = emu.calls().fast_execute_script ?? 0;
    await expect(post('fast_execute_script', JSON.stringify(scriptRequest('echo once')))).rejects.toThrow();
    const jobs = emu.jobs();
    expect(jobs.length).toBe(before + 1);
    expect(jobs.at(-1)!.script.content).toBe('echo once');
    expect(emu.calls().fast_execute_script).toBe(calls + 1);
  });

  it('probability draws from the seed: the same seed gives the same pattern', async () => {
    const pattern = async (seed: number) => {
      const e = await startEmulator({ seed, faults: [{ kind: 'http5xx', probability: 0.5 }] });
      try {
        const out: number[] = [];
        for (let i = 0; i < 40; i++) {
          const r = await fetch(`${e.url}/api/c/compapi/v2/job/get_job_instance_status/`, {
            method: 'POST',
            body: statusBody,
          });
          await r.text();
          out.push(r.status);
        }
        return out.join(',');
      } finally {
        await e.close();
      }
    };
    const a = await pattern(3);
    expect(a).toBe(await pattern(3));
    expect(a).toContain('200');
    expect(a).toContain('502');
  });

  it('setFaults([]) turns every fault off; bad rules are refused', async () => {
    emu.setFaults([]);
    const a = await call(emu, 'get_job_instance_status', { ...AUTH, bk_biz_id: 1, job_instance_id: 1 });
    expect(a.code).toBe(1244006);
    expect(() => emu.setFaults([{ kind: 'explode' as never }])).toThrow(/kind must be one of/);
    expect(() => emu.setFaults([{ kind: 'latency', probability: 2 }])).toThrow(/probability/);
  });
});
