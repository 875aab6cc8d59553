import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastExecuteScriptRequest } from '@runbook/core';
import type { Wake } from './poll.js';

/**
 * JOB's callback (`bk_callback_url` / `callback_url`), received by a small HTTP listener of the run.
 * A callback only wakes the follower of its job, which then asks JOB once: it is a hint, never the
 * truth. The URL carries an unguessable token of this run in its path; anything without it is
 * answered 404 and otherwise ignored, and the token is never written anywhere but in the submit.
 */
export interface CallbackHub {
  /** The URL to give JOB on a submit (with the token; a secret of the run). */
  readonly url: string;
  /** The token alone, for masking: it never appears in output, records or logs. */
  readonly token: string;
  /** Where it listens, for messages: `127.0.0.1:41234` (no token). */
  readonly listening: string;
  /** The wake hook of the follower of one job (a callback that came before it subscribed counts). */
  wakeFor(jobInstanceId: number): Wake;
  /** What came so far. */
  stats(): CallbackStats;
  /** Stops listening and drops open connections. */
  close(): Promise<void>;
}

export interface CallbackStats {
  /** Callbacks with the token that named a job. */
  accepted: number;
  /** Requests without the token (forged, scanners, a wrong URL), never acted on. */
  ignored: number;
  /** Requests with the token whose body could not be read (no job id, too big, not JSON or form). */
  unreadable: number;
}

/** JOB's body is a few hundred bytes; a longer one is refused without being read to its end. */
export const CALLBACK_BODY_LIMIT = 64 * 1024;
/** A body longer than this is not even drained: the connection is dropped. */
const DRAIN_LIMIT = 1024 * 1024;
/** Jobs whose callback came before their follower subscribed, kept at most (oldest dropped). */
const EARLY_LIMIT = 1024;
/** Reading a request body gives up after this long (a slow or stalled sender). */
const BODY_TIMEOUT_MS = 10_000;

export interface CallbackListenOptions {
  host: string;
  port: number;
  /** The address JOB calls (behind NAT or a proxy); the token is appended to its path. */
  publicUrl?: string;
  /** The run's token (`newCallbackToken`), when it had to be known before listening; else a new one. */
  token?: string;
}

/** An unguessable token for the callback URL's path: 24 random bytes, base64url (32 characters). */
export function newCallbackToken(): string {
  return randomBytes(24).toString('base64url');
}

/** Starts the listener; rejects when the address cannot be bound. */
export async function startCallbackHub(options: CallbackListenOptions): Promise<CallbackHub> {
  const token = options.token ?? newCallbackToken();
  const tokenDigest = digest(token);
  const stats: CallbackStats = { accepted: 0, ignored: 0, unreadable: 0 };
  const waiters = new Map<number, Set<() => void>>();
  const early = new Set<number>();

  const wake = (jobInstanceId: number) => {
    const set = waiters.get(jobInstanceId);
    if (set?.size) {
      for (const fn of [...set]) fn();
      return;
    }
    early.add(jobInstanceId);
    if (early.size > EARLY_LIMIT) early.delete(early.values().next().value as number);
  };

  const server = createServer((req, res) => {
    if (req.method !== 'POST' || !hasToken(req.url ?? '', tokenDigest)) {
      stats.ignored++;
      req.resume();
      answer(res, 404, 'not found');
      return;
    }
    readBody(req, CALLBACK_BODY_LIMIT).then(
      (body) => {
        const id = body === undefined ? undefined : jobIdOf(body);
        if (id === undefined) {
          stats.unreadable++;
          answer(res, body === undefined ? 413 : 400, 'unreadable callback');
          return;
        }
        stats.accepted++;
        answer(res, 200, 'ok');
        wake(id);
      },
      () => {
        stats.unreadable++;
        if (!res.headersSent) answer(res, 400, 'unreadable callback');
      },
    );
  });
  server.headersTimeout = BODY_TIMEOUT_MS;
  server.requestTimeout = BODY_TIMEOUT_MS;
  server.keepAliveTimeout = 1000;

  await listen(server, options.host, options.port);
  const addr = server.address() as AddressInfo;
  const hostText = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  const base = options.publicUrl ?? `http://${hostText}:${addr.port}/`;
  let closed: Promise<void> | undefined;
  return {
    url: withToken(base, token),
    token,
    listening: `${hostText}:${addr.port}`,
    wakeFor(jobInstanceId) {
      return (onWake) => {
        const set = waiters.get(jobInstanceId) ?? new Set<() => void>();
        waiters.set(jobInstanceId, set);
        set.add(onWake);
        if (early.delete(jobInstanceId)) queueMicrotask(onWake);
        return () => {
          set.delete(onWake);
          if (set.size === 0 && waiters.get(jobInstanceId) === set) waiters.delete(jobInstanceId);
        };
      };
    },
    stats: () => ({ ...stats }),
    close() {
      closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closed;
    },
  };
}

/**
 * The request to submit and the hub that will wake its follower. JOB takes one callback URL per
 * job: a step's own `callback_url:` wins (it is the user's integration, which replacing would break
 * without a word), and that step is followed by polling alone.
 */
export function withCallback<R extends Pick<FastExecuteScriptRequest, 'bk_callback_url'>>(
  request: R,
  hub: CallbackHub | undefined,
): { request: R; hub?: CallbackHub } {
  if (!hub || request.bk_callback_url) return { request };
  return { request: { ...request, bk_callback_url: hub.url }, hub };
}

/** The callback URL: the base URL with the token as the last path segment (query kept). */
export function withToken(base: string, token: string): string {
  const u = new URL(base);
  u.pathname = `${u.pathname.replace(/\/+$/, '')}/${token}`;
  return u.toString();
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

/** Whether the last path segment is the token, compared in constant time (of equal-length digests). */
function hasToken(url: string, tokenDigest: Buffer): boolean {
  const path = url.split('?')[0] ?? '';
  const last = path.slice(path.lastIndexOf('/') + 1);
  return timingSafeEqual(digest(last), tokenDigest);
}

function answer(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain', connection: 'close' }).end(text);
}

/**
 * The body as text; undefined as soon as it is longer than `limit` (the answer can go out at once;
 * the rest is drained, and the connection dropped past `DRAIN_LIMIT`).
 */
function readBody(req: IncomingMessage, limit: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) size = declared;
    if (size > limit) resolve(undefined);
    req.on('data', (b: Buffer) => {
      size += b.length;
      if (size > DRAIN_LIMIT) req.destroy();
      if (size > limit) {
        chunks.length = 0;
        resolve(undefined);
        return;
      }
      chunks.push(b);
    });
    req.once('end', () => resolve(size > limit ? undefined : Buffer.concat(chunks).toString('utf8')));
    req.once('error', reject);
  });
}

/**
 * The job instance id of a callback body. JOB posts JSON first, and when that is not answered 200,
 * the same JSON text again as `application/x-www-form-urlencoded`; a body of form fields
 * (`job_instance_id=…`) is read too. Only the id is used: the status is confirmed by asking JOB.
 */
export function jobIdOf(body: string): number | undefined {
  const text = body.trim();
  let value: unknown;
  if (text.startsWith('{')) {
    try {
      value = (JSON.parse(text) as Record<string, unknown>)?.job_instance_id;
    } catch {
      return undefined;
    }
  } else {
    const form = new URLSearchParams(text);
    value = form.get('job_instance_id') ?? undefined;
    if (value === undefined) {
      // A form whose only field is the JSON text.
      const first = [...form.keys()][0];
      if (first?.startsWith('{')) return jobIdOf(first);
    }
  }
  const n = typeof value === 'string' && /^\d{1,16}$/.test(value.trim()) ? Number(value) : value;
  return typeof n === 'number' && Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
