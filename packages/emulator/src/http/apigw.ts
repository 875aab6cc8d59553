import type { IncomingMessage } from 'node:http';
import { APIGW_ROUTES } from '../calls/apigw/index.js';
import type { CallContext } from '../calls/context.js';
import { bareBadRequest } from '../calls/validate.js';
import type { FaultRule } from '../types.js';
import { parseJsonObject, queryObject } from './body.js';
import { type CallResult, failure, renderEnvelopeApigw } from './envelope.js';
import { requestMeta, requestZone } from './esb.js';
import { authenticateGateway, gatewayError, type RawAnswer } from './gateway.js';

/** v3 calls live under this path of the gateway stage URL (a local emulator's root URL). */
export const APIGW_PREFIX = '/api/v3/';

/**
 * A v3 resource path: `/api/v3/<call>` (a local emulator's root is its gateway stage URL), or the
 * gateway's public form `/api/bk-job/<stage>/api/v3/<call>`. No trailing slash.
 */
const APIGW_PATH = /^(?:\/api\/bk-job\/[A-Za-z0-9_-]+)?\/api\/v3\/([^/]*)$/;

export const isApigwPath = (path: string) => /^(?:\/api\/bk-job\/[A-Za-z0-9_-]+)?\/api\/v3\//.test(path);

/** The call a v3 request names, or undefined when the gateway has no such resource (method + path). */
export function apigwCall(method: string | undefined, path: string): string | undefined {
  const name = APIGW_PATH.exec(path)?.[1];
  if (!name || !Object.hasOwn(APIGW_ROUTES, name) || APIGW_ROUTES[name]!.method !== method) return undefined;
  return name;
}

/** The gateway's 404 for a method + path it has no resource for. */
export const apiNotFound = (method: string | undefined, path: string) =>
  gatewayError(404, { method: method ?? '', path });

const SECRET_FIELDS = ['bk_app_secret', 'app_secret', 'bk_token', 'access_token'];

/** True when a secret travels in the query string or the top level of a JSON body. */
export function carriesSecret(url: URL, raw: Buffer): boolean {
  if (SECRET_FIELDS.some((k) => url.searchParams.has(k))) return true;
  const body = raw.length > 0 ? parseJsonObject(raw) : undefined;
  return body !== undefined && SECRET_FIELDS.some((k) => Object.hasOwn(body, k));
}

/** JOB's answer on v3: HTTP 200 and JOB's envelope, the gateway's request id in a header. */
export function jobAnswer(result: CallResult, requestId: string): RawAnswer {
  return {
    status: 200,
    headers: { 'content-type': 'application/json; charset=utf-8', 'x-bkapi-request-id': requestId },
    body: Buffer.from(renderEnvelopeApigw(result), 'utf8'),
  };
}

/**
 * One v3 call through the gateway: the gateway authenticates (its own 400 on failure), then JOB
 * reads the fields (query for GET, JSON body for POST; unreadable JSON 1240003) and handles the
 * call as JOB 3.x does. Fault `rate_limit` is the gateway's 429.
 */
export function handleApigwCall(
  ctx: CallContext,
  req: IncomingMessage,
  url: URL,
  call: string,
  raw: Buffer,
  fault: FaultRule | undefined,
  injection: number,
): RawAnswer | CallResult {
  if (fault?.kind === 'rate_limit') return gatewayError(429);
  const auth = authenticateGateway(req.headers['x-bkapi-authorization'], ctx.config);
  if (!auth.ok) return auth.answer;
  const route = APIGW_ROUTES[call]!;
  const fields = route.method === 'GET' ? queryObject(url.searchParams) : parseJsonObject(raw);
  if (!fields) return bareBadRequest();
  const zone = requestZone(req);
  if (!zone.ok) return zone.result;
  try {
    return route.handler(fields, auth.identity, ctx, requestMeta(req, zone.zone, injection, fault));
  } catch {
    return failure(1240002, '内部服务器异常');
  }
}
