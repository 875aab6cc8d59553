import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { EmulatorConfig } from '../types.js';
import type { Identity } from './auth.js';
import { parseJsonObject } from './body.js';

/**
 * The BlueKing API gateway's own errors by HTTP status (blueking-apigateway-apisix,
 * `src/apisix/plugins/bk-core/errorx.lua`): its JSON is `{code, code_name, message, result: false,
 * data: null}`, with the code also in the `X-Bkapi-Error-Code` header.
 */
export const GATEWAY_ERRORS: Record<number, { code: number; code_name: string; message: string }> = {
  400: { code: 1640001, code_name: 'INVALID_ARGS', message: 'Parameters error' },
  401: { code: 1640100, code_name: 'UNAUTHORIZED', message: 'Unauthorized' },
  403: { code: 1640301, code_name: 'APP_NO_PERMISSION', message: 'App has no permission to the resource' },
  404: { code: 1640401, code_name: 'API_NOT_FOUND', message: 'API not found' },
  413: { code: 1641301, code_name: 'BODY_SIZE_LIMIT_EXCEED', message: 'Request body size too large.' },
  429: {
    code: 1642902,
    code_name: 'RATE_LIMIT_RESTRICTION',
    message: 'API rate limit exceeded by stage strategy',
  },
  500: { code: 1650001, code_name: 'INTERNAL_SERVER_ERROR', message: 'Internal Server Error' },
  502: {
    code: 1650200,
    code_name: 'BAD_GATEWAY',
    message: 'Bad Gateway [upstream_error="cannot read header from upstream"]',
  },
  503: { code: 1650300, code_name: 'SERVICE_UNAVAILABLE', message: 'Service Unavailable' },
  504: {
    code: 1650401,
    code_name: 'REQUEST_BACKEND_TIMEOUT',
    message: 'Request backend service timeout [upstream_error="cannot read header from upstream"]',
  },
};

/** An answer written as is: status, headers and body. */
export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** The gateway's error answer for `status`, its message extended with `fields` as the gateway does. */
export function gatewayError(status: number, fields: Record<string, string> = {}): RawAnswer {
  const e = GATEWAY_ERRORS[status] ?? { code: 1650070, code_name: 'UNKNOWN_ERROR', message: 'unknown error' };
  const extra = Object.entries(fields)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(' ');
  const message = extra ? `${e.message} [${extra}]` : e.message;
  const body = JSON.stringify({ code: e.code, data: null, code_name: e.code_name, message, result: false });
  return {
    status,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'x-bkapi-error-code': String(e.code),
      'x-bkapi-error-message': message.replace(/[^\x20-\x7e]/g, '?'),
      'x-bkapi-request-id': randomUUID(),
    },
    body: Buffer.from(body, 'utf8'),
  };
}

/** The HTML page an nginx in front of the gateway (or ESB) sends for `status`. */
export function htmlErrorPage(status: number): RawAnswer {
  const title = `${status} ${STATUS_CODES[status] ?? 'Error'}`;
  const body = `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
  return { status, headers: { 'content-type': 'text/html' }, body: Buffer.from(body, 'utf8') };
}

const str = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');
const NO_USER =
  'user authentication failed, please provide a valid user identity, such as bk_username, bk_token, access_token';

/**
 * The gateway's authentication: only the `X-Bkapi-Authorization` header counts (JOB's gateway has
 * `allow_auth_from_params: false`, so credentials in a body or query are never read). A failure is
 * HTTP 400 `INVALID_ARGS` 1640001 with the gateway's reason; `bk_username` alone is accepted as
 * for an app on the gateway's verified-user exemption list.
 */
export function authenticateGateway(
  header: string | string[] | undefined,
  config: EmulatorConfig,
): { ok: true; identity: Identity } | { ok: false; answer: RawAnswer } {
  const refuse = (reason: string) => ({ ok: false as const, answer: gatewayError(400, { reason }) });
  const text = Array.isArray(header) ? header[0] : header;
  const fields = text === undefined || text.trim() === '' ? {} : parseJsonObject(text);
  if (!fields) return refuse('request header X-Bkapi-Authorization is not a valid JSON');
  const appCode = str(fields.bk_app_code) || str(fields.app_code);
  const secret = str(fields.bk_app_secret) || str(fields.app_secret);
  if (!appCode) return refuse('app code cannot be empty');
  if (!secret) return refuse('please provide bk_app_secret or bk_signature to verify app');
  if (appCode.length > 32) return refuse('app code cannot be longer than 32 characters');
  if (secret.length > 128) return refuse('app secret cannot be longer than 128 characters');
  if (config.apps && !Object.hasOwn(config.apps, appCode)) return refuse('app not found');
  if (config.apps && config.apps[appCode] !== secret)
    return refuse('bk_app_code or bk_app_secret is incorrect');
  const token = str(fields.bk_token);
  const username = str(fields.bk_username);
  const users = config.users;
  if (token) {
    if (!users) return { ok: true, identity: { appCode, username: username || 'admin' } };
    const found = Object.entries(users).find(([, u]) => u?.token !== undefined && u.token === token);
    return found ? { ok: true, identity: { appCode, username: found[0] } } : refuse(NO_USER);
  }
  if (!username) return refuse(NO_USER);
  if (users && !Object.hasOwn(users, username))
    return refuse('user authentication failed, the user indicated by bk_username is not verified');
  return { ok: true, identity: { appCode, username } };
}
