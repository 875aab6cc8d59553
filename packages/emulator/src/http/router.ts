import { type IncomingMessage, type ServerResponse, STATUS_CODES } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { ADMIN_PREFIX, type AdminTarget, handleAdmin } from '../admin.js';
import type { CallContext, RequestMeta } from '../calls/context.js';
import { CALLS, GET_CALLS } from '../calls/index.js';
import type { Faults } from '../faults.js';
import { DEFAULT_ZONE, parseZone, type Zone } from '../time.js';
import type { FaultRule } from '../types.js';
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

/** The fault kinds a handler applies itself; the others act on the HTTP exchange. */
const HANDLER_FAULTS = new Set(['late_failure', 'quota', 'contradict', 'hostile_hosts']);

/** The zone of JOB 3.x time strings for this request; 1247005 when the header is not a zone. */
function requestZone(req: IncomingMessage): { ok: true; zone: Zone } | { ok: false; result: CallResult } {
  const header = req.headers['x-bk-job-user-timezone'];
  const text = (Array.isArray(header) ? header[0] : header)?.trim();
  if (!text) return { ok: true, zone: { name: DEFAULT_ZONE } };
  const zone = parseZone(text);
  return zone ? { ok: true, zone } : { ok: false, result: failure(1247005, `无效的用户时区：${text}`) };
}

/** Reads, authenticates and handles one ESB call; the result to render. */
function handleCall(
  deps: RouterDeps,
  req: IncomingMessage,
  url: URL,
  call: string,
  raw: Buffer,
  fault: FaultRule | undefined,
): CallResult {
  const { ctx } = deps;
  const handler = Object.hasOwn(CALLS, call) && !deps.missingCalls.has(call) ? CALLS[call] : undefined;
  if (fault?.kind === 'rate_limit') return failure(1306429, 'Access frequency limit');
  if (!handler) return failure(1306404, 'Not found, component class not found');
  const read = requestFields(req, url, call, raw);
  if (!read.ok) return read.result;
  const auth = authenticate(authFields(req.headers, read.fields), ctx.config);
  if (!auth.ok) return auth.result;
  const zone = ctx.gen === 3 ? requestZone(req) : { ok: true as const, zone: { name: DEFAULT_ZONE } };
  if (!zone.ok) return zone.result;
  const meta: RequestMeta = {
    method: req.method === 'GET' ? 'GET' : 'POST',
    zone: zone.zone,
    injection: deps.faults.injectedTotal(),
    ...(fault && HANDLER_FAULTS.has(fault.kind) ? { fault } : {}),
  };
  try {
    return handler(read.fields, auth.identity, ctx, meta);
  } catch (err) {
    return failure(1306000, `System error: ${(err as Error).message}`);
  }
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
    const rule = fault.rule;
    const kind = rule?.kind;
    if (kind === 'reset') {
      faults.settle(rule!, true);
      return reset(res);
    }
    if (kind === 'http5xx') {
      faults.settle(rule!, true);
      const status = rule?.status ?? 502;
      res.writeHead(status, { 'content-type': 'text/html' });
      const title = `${status} ${STATUS_CODES[status] ?? 'Server Error'}`;
      res.end(`<html><head><title>${title}</title></head><body><h1>${title}</h1></body></html>\n`);
      return;
    }
    const result = handleCall(deps, req, url, call, raw, rule);
    if (rule) faults.settle(rule, HANDLER_FAULTS.has(rule.kind) ? result.faultApplied === true : true);
    if (kind === 'drop_after_create') return reset(res);
    const text = Buffer.from(renderEnvelope(result, ctx.gen), 'utf8');
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': text.length });
    if (kind === 'slow_body') {
      const half = Math.floor(text.length / 2);
      res.write(text.subarray(0, half));
      await sleep(rule?.ms ?? 1000, undefined, { signal: deps.signal });
      if (res.destroyed) return;
      res.end(text.subarray(half));
      return;
    }
    res.end(text);
  };
}
