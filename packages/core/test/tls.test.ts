import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionError, createClient, MayHaveStartedError } from '../src/index.js';

/**
 * A JOB behind an internal CA, on loopback: a self-signed certificate made with openssl at test time.
 * The client must say how to trust that CA (NODE_EXTRA_CA_CERTS), and a submit that failed on the
 * certificate sent nothing: it is no "may have started".
 */
let server: Server;
let url: string;
let dir: string;
let requests = 0;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'runbook-tls-'));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
    ],
    { stdio: 'ignore' },
  );
  server = createServer(
    { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) },
    (_req, res) => {
      requests++;
      res.end('{"result":true,"code":0,"data":{"job_instance_id":1,"job_instance_name":"x"}}');
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

const client = () =>
  createClient({
    baseUrl: url,
    appCode: 'app',
    appSecret: 'tls-canary-secret',
    username: 'alice',
    retry: { minDelayMs: 1, maxDelayMs: 2, retries: 2 },
  });

describe('a certificate from an internal CA', () => {
  it('says how to trust the CA, and never sends a byte', async () => {
    const c = client();
    try {
      const err = await c.getJobInstanceStatus({ bk_biz_id: 2, job_instance_id: 7 }).catch((e) => e);
      expect(err).toBeInstanceOf(ConnectionError);
      expect(err.code).toBe('CORE_TLS');
      expect(err.message).toMatch(/SELF_SIGNED|UNABLE_TO_VERIFY|DEPTH_ZERO/);
      expect(err.hint).toContain('NODE_EXTRA_CA_CERTS');
      expect(String(err.message) + String(err.hint)).not.toContain('tls-canary-secret');
      expect(requests).toBe(0);
    } finally {
      await c.close();
    }
  });

  it('a submit refused by the certificate did not start anything', async () => {
    const c = client();
    try {
      const err = await c
        .fastExecuteScript({
          bk_biz_id: 2,
          task_name: 'tls',
          script_content: 'ZWNobyAkMQ==',
          script_type: 1,
          account: 'root',
          ip_list: [{ bk_cloud_id: 0, ip: '10.0.0.1' }],
        })
        .catch((e) => e);
      expect(err).not.toBeInstanceOf(MayHaveStartedError);
      expect(err.code).toBe('CORE_TLS');
      expect(err.hint).toContain('NODE_EXTRA_CA_CERTS');
      expect(requests).toBe(0);
    } finally {
      await c.close();
    }
  });
});
