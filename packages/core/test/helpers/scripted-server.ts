/**
 * A small misbehaving HTTP server on loopback, for faults the emulator cannot produce. Each request
 * is answered by the next scripted action; every request is recorded (headers, body, socket).
 */

import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type Action =
  /** A 200 JSON answer. */
  | { json: unknown; headers?: Record<string, string> }
  /** Any status and raw text. */
  | { status: number; text: string; headers?: Record<string, string> }
  /** Read the whole request, then destroy the socket without answering (a lost answer). */
  | { reset: true }
  /** Read the whole request and never answer. */
  | { hang: true }
  /** Send the headers and half the body, then stall. */
  | { stallBody: true };

export interface Recorded {
  method: string;
  /** The request target: path and query. */
  path: string;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
  raw: string;
  /** Sequence number of the TCP connection the request came on. */
  socket: number;
}

export interface ScriptedServer {
  url: string;
  port: number;
  requests: Recorded[];
  /** Number of TCP connections accepted. */
  connections(): number;
  /** Number of TCP connections that have closed. */
  closedConnections(): number;
  close(): Promise<void>;
}

export type Script = (req: Recorded, index: number) => Action;

export async function startScripted(
  script: Script | Action[],
  options: { keepAliveTimeoutMs?: number } = {},
): Promise<ScriptedServer> {
  const requests: Recorded[] = [];
  const sockets = new Map<Socket, number>();
  const pending = new Set<ServerResponse>();
  const next: Script = Array.isArray(script)
    ? (_r, i) => script[Math.min(i, script.length - 1)] as Action
    : script;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        body = {};
      }
      const rec: Recorded = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body,
        raw,
        socket: sockets.get(req.socket) ?? -1,
      };
      requests.push(rec);
      const action = next(rec, requests.length - 1);
      if ('reset' in action) {
        req.socket.destroy();
      } else if ('hang' in action) {
        pending.add(res);
      } else if ('stallBody' in action) {
        pending.add(res);
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
        res.write('{"result": true, "co');
      } else if ('json' in action) {
        res.writeHead(200, { 'content-type': 'application/json', ...action.headers });
        res.end(JSON.stringify(action.json));
      } else {
        res.writeHead(action.status, { 'content-type': 'text/html', ...action.headers });
        res.end(action.text);
      }
    });
  });
  if (options.keepAliveTimeoutMs !== undefined) server.keepAliveTimeout = options.keepAliveTimeoutMs;
  let count = 0;
  let closed = 0;
  server.on('connection', (s: Socket) => {
    sockets.set(s, ++count);
    s.on('close', () => closed++);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    connections: () => count,
    closedConnections: () => closed,
    async close() {
      for (const res of pending) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A port on loopback where nothing listens (bound, then released). */
export async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

export const ok = (data: unknown, extra: Record<string, unknown> = {}) => ({
  result: true,
  code: 0,
  message: 'success',
  data,
  request_id: 'req-ok',
  ...extra,
});

export const fail = (code: number, message: string, extra: Record<string, unknown> = {}) => ({
  result: false,
  code,
  message,
  data: null,
  request_id: `req-${code}`,
  ...extra,
});

export const STATUS_DATA = {
  is_finished: true,
  job_instance: { job_instance_id: 7, bk_biz_id: 1, name: 'x', status: 3 },
  blocks: [
    { step_instances: [{ step_instance_id: 8, name: 'x', status: 3, execute_count: 2, step_ip_status: [] }] },
  ],
};

export const SUBMIT = {
  bk_biz_id: 2,
  task_name: 'rotate-logs',
  script_content: 'ZWNobyAkMQ==',
  script_param: 'aGVsbG8=',
  script_type: 1 as const,
  account: 'root',
  ip_list: [{ bk_cloud_id: 0, ip: '10.0.0.1' }],
};
