import type { IncomingMessage } from 'node:http';
import type { CallContext, RequestMeta } from '../calls/context.js';
import { CALLS, GET_CALLS } from '../calls/index.js';
import { DEFAULT_ZONE, parseZone, type Zone } from '../time.js';
import type { FaultRule } from '../types.js';
import { authenticate, authFields } from './auth.js';
import { parseJsonObject, queryObject } from './body.js';
import { type CallResult, failure } from './envelope.js';

/** Every JOB call lives under this ESB path, e.g. `/api/c/compapi/v2/job/fast_execute_script/`. */
export const ESB_PREFIX = '/api/c/compapi/v2/job/';

const BAD_JSON = 'Request JSON string is wrong in format, which cannot be analyzed.';

/** The fault kinds a handler applies itself; the others act on the HTTP exchange. */
export const HANDLER_FAULTS = new Set(['late_failure', 'quota', 'contradict', 'hostile_hosts']);

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

/** The zone of JOB 3.x time strings for this request; 1247005 when the header is not a zone. */
export function requestZone(
  req: IncomingMessage,
): { ok: true; zone: Zone } | { ok: false; result: CallResult } {
  const header = req.headers['x-bk-job-user-timezone'];
  const text = (Array.isArray(header) ? header[0] : header)?.trim();
  if (!text) return { ok: true, zone: { name: DEFAULT_ZONE } };
  const zone = parseZone(text);
  return zone ? { ok: true, zone } : { ok: false, result: failure(1247005, `无效的用户时区：${text}`) };
}

/** What a handler gets besides the fields: method, zone, the fault it applies itself. */
export function requestMeta(
  req: IncomingMessage,
  zone: Zone,
  injection: number,
  fault: FaultRule | undefined,
): RequestMeta {
  return {
    method: req.method === 'GET' ? 'GET' : 'POST',
    zone,
    injection,
    ...(fault && HANDLER_FAULTS.has(fault.kind) ? { fault } : {}),
  };
}

/** Reads, authenticates and handles one ESB call; the result to render in ESB's envelope. */
export function handleEsbCall(
  ctx: CallContext,
  missingCalls: ReadonlySet<string>,
  req: IncomingMessage,
  url: URL,
  call: string,
  raw: Buffer,
  fault: FaultRule | undefined,
  injection: number,
): CallResult {
  const handler = Object.hasOwn(CALLS, call) && !missingCalls.has(call) ? CALLS[call] : undefined;
  if (fault?.kind === 'rate_limit') return failure(1306429, 'Access frequency limit');
  if (!handler) return failure(1306404, 'Not found, component class not found');
  const read = requestFields(req, url, call, raw);
  if (!read.ok) return read.result;
  const auth = authenticate(authFields(req.headers, read.fields), ctx.config);
  if (!auth.ok) return auth.result;
  const zone = ctx.gen === 3 ? requestZone(req) : { ok: true as const, zone: { name: DEFAULT_ZONE } };
  if (!zone.ok) return zone.result;
  try {
    return handler(read.fields, auth.identity, ctx, requestMeta(req, zone.zone, injection, fault));
  } catch (err) {
    return failure(1306000, `System error: ${(err as Error).message}`);
  }
}
