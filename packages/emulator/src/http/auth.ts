import type { IncomingHttpHeaders } from 'node:http';
import type { EmulatorConfig } from '../types.js';
import { parseJsonObject } from './body.js';
import { type CallResult, failure } from './envelope.js';

export interface Identity {
  appCode: string;
  username: string;
}

const AUTH_FIELDS = ['bk_app_code', 'bk_app_secret', 'bk_token', 'bk_username'] as const;
const USER_FAILED =
  'User authentication failed, please provide a valid user identity, such as bk_token, bk_username';

/**
 * The authentication fields of a request: from the `X-Bkapi-Authorization` JSON header when it is
 * present (ESB then ignores the body's fields), else from the body.
 */
export function authFields(
  headers: IncomingHttpHeaders,
  body: Record<string, unknown>,
): Record<string, unknown> | undefined {
  const header = headers['x-bkapi-authorization'];
  const text = Array.isArray(header) ? header[0] : header;
  if (text === undefined) return body;
  return parseJsonObject(text);
}

const str = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');

/** Checks app and user the way ESB does; answers with ESB's codes and messages on failure. */
export function authenticate(
  fields: Record<string, unknown> | undefined,
  config: EmulatorConfig,
): { ok: true; identity: Identity } | { ok: false; result: CallResult } {
  if (!fields)
    return {
      ok: false,
      result: failure(1306000, 'X-Bkapi-Authorization is not a valid JSON object, which cannot be analyzed.'),
    };
  const appCode = str(fields.bk_app_code);
  const secret = str(fields.bk_app_secret);
  if (!appCode) return { ok: false, result: failure(1306000, 'APP Code [bk_app_code] cannot be empty') };
  if (config.apps && (!Object.hasOwn(config.apps, appCode) || config.apps[appCode] !== secret)) {
    return {
      ok: false,
      result: failure(
        1306000,
        `APP Secret verification failed, pelase confirm if the APP Secret and APP Code [bk_app_code=${appCode}] match`,
      ),
    };
  }
  const token = str(fields.bk_token);
  const username = str(fields.bk_username);
  if (!token && !username) return { ok: false, result: failure(1306000, USER_FAILED) };
  const users = config.users;
  if (!users) return { ok: true, identity: { appCode, username: username || 'admin' } };
  if (token) {
    const found = Object.entries(users).find(([, u]) => u?.token !== undefined && u.token === token);
    if (found) return { ok: true, identity: { appCode, username: found[0] } };
    if (!username) return { ok: false, result: failure(1306000, USER_FAILED) };
  }
  if (Object.hasOwn(users, username)) return { ok: true, identity: { appCode, username } };
  return { ok: false, result: failure(1306000, USER_FAILED) };
}

/** True when the user may do `action` (absent users config or `permissions: all` allow everything). */
export function userMay(config: EmulatorConfig, username: string, action: string): boolean {
  const perms = config.users?.[username]?.permissions;
  if (!config.users || perms === undefined || perms === 'all') return true;
  return perms.includes(action);
}

export { AUTH_FIELDS };
