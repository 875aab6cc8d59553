import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { type CallbackHub, jobIdOf, startCallbackHub, withCallback, withToken } from './callbacks.js';

// JOB's callback bodies, as documented (the v2 ESB page and JOB 3.x's callback protocol page).
const V2_BODY =
  '{"job_instance_id": 12345, "status": 3, "step_instances": [{"step_instance_id": 16271, "status": 3}, {"step_instance_id": 16272, "status": 4}]}';
const V3_BODY =
  '{"job_instance_id": 12345, "status": 4, "step_instance_list": [{"step_instance_id": 16271, "status": 4}]}';

describe('jobIdOf: the job of a callback body', () => {
  it.each([
    [V2_BODY, 12345],
    [V3_BODY, 12345],
    [' \n{"job_instance_id":"77"}', 77],
    ['job_instance_id=42&status=3', 42],
    [encodeURIComponent(V2_BODY), 12345],
    ['', undefined],
    ['{', undefined],
    ['x', undefined],
    ['{"job_instance_id": -1}', undefined],
    ['{"job_instance_id": 0}', undefined],
    ['{"job_instance_id": 1.5}', undefined],
    ['{"job_instance_id": 99999999999999999999}', undefined],
    ['{"job_instance_id": "１２"}', undefined],
    ['{"job_instance_id": null}', undefined],
    ['null', undefined],
    [`{"job_instance_id": 5, "pad": "${'ü'.repeat(10_000)}"}`, 5],
  ])('%j → %j', (body, id) => {
    expect(jobIdOf(body)).toBe(id);
  });
});

describe('withToken and withCallback', () => {
  it('appends the token as the last path segment, keeping a query', () => {
    expect(withToken('http://10.0.0.5:8089', 'T')).toBe('http://10.0.0.5:8089/T');
    expect(withToken('https://gw.example.com/hooks/', 'T')).toBe('https://gw.example.com/hooks/T');
    expect(withToken('https://gw.example.com/a/b?x=1', 'T')).toBe('https://gw.example.com/a/b/T?x=1');
  });

  it("gives the hub's URL unless the step has its own (JOB takes one)", () => {
    const hub = { url: 'http://h/T' } as CallbackHub;
    expect(withCallback({ bk_callback_url: 'https://own/' }, hub)).toEqual({
      request: { bk_callback_url: 'https://own/' },
    });
    expect(withCallback({}, hub)).toEqual({ request: { bk_callback_url: 'http://h/T' }, hub });
    expect(withCallback({}, undefined)).toEqual({ request: {} });
  });
});

function post(url: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST' }, (res) => {
      res.resume();
      res.once('end', () => resolve(res.statusCode ?? 0));
    });
    req.once('error', reject);
    req.end(body);
  });
}

describe('the callback hub', () => {
  let hub: CallbackHub | undefined;
  afterEach(async () => {
    await hub?.close();
  });

  it('wakes the follower of the named job only, once per callback; a callback before the follower counts', async () => {
    hub = await startCallbackHub({ host: '127.0.0.1', port: 0 });
    const woken: string[] = [];
    const offA = hub.wakeFor(1)(() => woken.push('a'));
    hub.wakeFor(2)(() => woken.push('b'));
    expect(await post(hub.url, '{"job_instance_id": 1, "status": 3}')).toBe(200);
    expect(await post(hub.url, '{"job_instance_id": 1, "status": 3}')).toBe(200);
    expect(woken).toEqual(['a', 'a']);
    offA();
    expect(await post(hub.url, '{"job_instance_id": 3, "status": 3}')).toBe(200);
    const early = new Promise<string>((resolve) => hub!.wakeFor(3)(() => resolve('early')));
    expect(await early).toBe('early');
    expect(hub.stats()).toEqual({ accepted: 3, ignored: 0, unreadable: 0 });
  });

  it('ignores what has no token, whatever it says, and closes its port', async () => {
    hub = await startCallbackHub({ host: '127.0.0.1', port: 0 });
    const woken: number[] = [];
    hub.wakeFor(1)(() => woken.push(1));
    const base = `http://${hub.listening}`;
    for (const path of ['/', '/x', `/${hub.token}/`, `/${hub.token}x`, `/${'a'.repeat(hub.token.length)}`])
      expect(await post(`${base}${path}`, '{"job_instance_id": 1}')).toBe(404);
    expect(woken).toEqual([]);
    expect(hub.stats().ignored).toBe(5);
    expect(hub.listening).not.toContain(hub.token);
    await hub.close();
    await expect(post(hub.url, '{"job_instance_id": 1}')).rejects.toThrow(/ECONNREFUSED/);
  });

  it('has a new token each run', async () => {
    hub = await startCallbackHub({ host: '127.0.0.1', port: 0 });
    const other = await startCallbackHub({ host: '127.0.0.1', port: 0 });
    expect(other.token).not.toBe(hub.token);
    expect(hub.token).toMatch(/^[\w-]{32}$/);
    await other.close();
  });
});
