import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody } from './http/body.js';
import type { FaultRule } from './types.js';

export const ADMIN_PREFIX = '/__emulator/';

export interface AdminTarget {
  jobs(): unknown;
  calls(): unknown;
  credentialsInParams(): unknown;
  callbacks(): unknown;
  setFaults(rules: FaultRule[]): void;
  faultsInjected(): Record<string, number>;
}

/** True when the peer is on this machine (127.0.0.0/8 or ::1, also IPv4-mapped). */
export function isLoopbackPeer(address: string | undefined): boolean {
  if (!address) return false;
  const a = address.startsWith('::ffff:') ? address.slice(7) : address;
  return a === '::1' || /^127\.\d+\.\d+\.\d+$/.test(a);
}

function send(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(value));
}

/** `GET /__emulator/jobs|calls|credentials|callbacks|faults`, `PUT /__emulator/faults`; loopback peers only. */
export async function handleAdmin(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  target: AdminTarget,
): Promise<void> {
  if (!isLoopbackPeer(req.socket.remoteAddress)) {
    await readBody(req).catch(() => undefined);
    return send(res, 403, { error: 'the admin endpoints answer loopback peers only' });
  }
  const name = path.slice(ADMIN_PREFIX.length).replace(/\/$/, '');
  if (req.method === 'GET' && name === 'jobs') return send(res, 200, target.jobs());
  if (req.method === 'GET' && name === 'calls') return send(res, 200, target.calls());
  if (req.method === 'GET' && name === 'credentials') return send(res, 200, target.credentialsInParams());
  if (req.method === 'GET' && name === 'callbacks') return send(res, 200, target.callbacks());
  if (req.method === 'GET' && name === 'faults') return send(res, 200, { injected: target.faultsInjected() });
  if (req.method === 'PUT' && name === 'faults') {
    const text = (await readBody(req)).toString('utf8');
    let rules: unknown;
    try {
      rules = JSON.parse(text);
    } catch {
      return send(res, 400, { error: 'the body must be a JSON array of fault rules' });
    }
    try {
      target.setFaults(rules as FaultRule[]);
    } catch (err) {
      return send(res, 400, { error: (err as Error).message });
    }
    return send(res, 200, { faults: (rules as unknown[]).length });
  }
  return send(res, 404, { error: `no admin endpoint ${req.method} ${path}` });
}
