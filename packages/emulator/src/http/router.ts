import { type IncomingMessage, type ServerResponse, STATUS_CODES } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { ADMIN_PREFIX, type AdminTarget, handleAdmin } from '../admin.js';
import type { CallContext } from '../calls/context.js';
import { CALLS, GET_CALLS } from '../calls/index.js';
import type { Faults } from '../faults.js';
import { authenticate, authFields } from './auth.js';
import { BodyTooLarge, parseJsonObject, queryObject, readBody } from './body.js';
import { type CallResult, failure, renderEnvelope } from './envelope.js';

/** Every JOB call lives under this ESB path, e.g. `/api/c/compapi/v2/job/fast_execute_script/`. */
export const ESB_PREFIX = '/api/c/compapi/v2/job/';

export interface RouterDeps {
  ctx: CallContext;
  faults: Faults;
  /** Attempts per call name. */
  calls: Map<string, number>;
  admin: AdminTarget;
  /** Calls answered as unknown components (1306404). */
  missingCalls: ReadonlySet<string>;
  /** Aborted when the emulator closes: cuts injected delays short. */
  signal: AbortSignal;
}

const BAD_JSON = 'Request JSON string is wrong in format, which cannot be analyzed.';

function reset(res: ServerResponse): void {
  const socket = res.socket;
  if (socket && typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
  else socket?.destroy();
}

function plain(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(text);
}

/** Reads the request's fields: JSON body for POST, the query for GET of the two read calls. */
function requestFields(
  req: IncomingMessage,
  url: URL,
  call: string,
  raw: Buffer,
): { ok: true; fields: Record<string, unknown> } | { ok: false; result: CallResult } {
  if (req.method === 'GET' && GET_CALLS.has(call)) return { ok: true, fields: queryObject(url.searchParams) };
  if (req.method !== 'POST')
    return {
      ok: false,
      result: failure(1306209, 'The system interface does not support the request method'),
    };
  const fields = parseJsonObject(raw);
  return fields ? { ok: true, fields } : { ok: false, result: failure(1306000, BAD_JSON) };
}

/** The HTTP entry point: admin endpoints, then ESB calls with faults, authentication and the envelope. */
export function createRequestHandler(deps: RouterDeps) {
  const { ctx, faults, calls } = deps;
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://emulator');
    if (url.pathname.startsWith(ADMIN_PREFIX)) return handleAdmin(req, res, url.pathname, deps.admin);
    if (!url.pathname.startsWith(ESB_PREFIX)) {
      await readBody(req).catch(() => undefined);
      return plain(res, 404, `not found: ${url.pathname}\n`);
    }
    const call = url.pathname.slice(ESB_PREFIX.length).replace(/\/$/, '');
    calls.set(call, (calls.get(call) ?? 0) + 1);
    const fault = faults.decide(call);
    if (fault.delayMs > 0) await sleep(fault.delayMs, undefined, { signal: deps.signal });

    let raw: Buffer;
    try {
      raw = await readBody(req);
    } catch (err) {
      if (err instanceof BodyTooLarge) return plain(res, 413, `${err.message}\n`);
      return;
    }
    const kind = fault.rule?.kind;
    if (kind === 'reset') return reset(res);
    if (kind === 'http5xx') {
      const status = fault.rule?.status ?? 502;
      res.writeHead(status, { 'content-type': 'text/html' });
      const title = `${status} ${STATUS_CODES[status] ?? 'Server Error'}`;
      res.end(`<html><head><title>${title}</title></head><body><h1>${title}</h1></body></html>\n`);
      return;
    }

    let result: CallResult;
    const handler = Object.hasOwn(CALLS, call) && !deps.missingCalls.has(call) ? CALLS[call] : undefined;
    if (kind === 'rate_limit') result = failure(1306429, 'Access frequency limit');
    else if (!handler) result = failure(1306404, 'Not found, component class not found');
    else {
      const read = requestFields(req, url, call, raw);
      if (!read.ok) result = read.result;
      else {
        const auth = authenticate(authFields(req.headers, read.fields), ctx.config);
        if (!auth.ok) result = auth.result;
        else {
          try {
            result = handler(read.fields, auth.identity, ctx);
          } catch (err) {
            result = failure(1306000, `System error: ${(err as Error).message}`);
          }
        }
      }
    }
    if (kind === 'drop_after_create') return reset(res);
    const text = Buffer.from(renderEnvelope(result, ctx.gen), 'utf8');
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': text.length });
    if (kind === 'slow_body') {
      const half = Math.floor(text.length / 2);
      res.write(text.subarray(0, half));
      await sleep(fault.rule?.ms ?? 1000, undefined, { signal: deps.signal });
      if (res.destroyed) return;
      res.end(text.subarray(half));
      return;
    }
    res.end(text);
  };
}
