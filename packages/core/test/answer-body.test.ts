/** An answer's body is read whole and exactly, whether its length is announced or it comes chunked. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attempt } from '../src/http.js';

// Multi-byte characters everywhere, so chunk edges fall inside characters; a few MB, so many chunks.
const big = JSON.stringify({
  data: Array.from({ length: 20_000 }, (_, i) => `host ${i}: ünïcødé 🙂 日本語\n`),
});
const bodies: Record<string, string> = { big, one: '1', empty: '' };

let server: Server;
let base: string;
const agent = new Agent();

beforeAll(async () => {
  server = createServer((req, res) => {
    const [, how, name] = (req.url ?? '').split('/');
    const bytes = Buffer.from(bodies[name!] ?? '', 'utf8');
    if (how === 'length') res.writeHead(200, { 'content-length': String(bytes.length) });
    else res.writeHead(200, { 'transfer-encoding': 'chunked' });
    // Written in small uneven pieces: the client sees many chunks.
    for (let at = 0; at < bytes.length; at += 7_777) res.write(bytes.subarray(at, at + 7_777));
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await agent.close();
  await new Promise((r) => server.close(r));
});

describe('attempt: the answer body', () => {
  for (const how of ['length', 'chunked'])
    for (const name of Object.keys(bodies))
      it(`reads a ${name} body sent with ${how === 'length' ? 'its content-length' : 'chunked encoding'}`, async () => {
        const answer = await attempt(
          {
            method: 'GET',
            url: `${base}/${how}/${name}`,
            headers: {},
            dispatcher: agent,
            timeoutMs: 10_000,
            reset: false,
          },
          { sent: false },
          'test',
        );
        expect(answer.status).toBe(200);
        expect(answer.text.length).toBe(bodies[name]!.length);
        expect(answer.text).toBe(bodies[name]);
      });
});
