/** Client options, their defaults, and reading them from the environment. */

import type { Dispatcher } from 'undici';
import { ConfigError } from './errors.js';
import type { DebugEvent } from './types.js';

export interface Timeouts {
  /** Establishing the TCP/TLS connection. Default 10 000 ms. */
  connectMs?: number;
  /** From the request being sent to the answer's headers. Default 30 000 ms. */
  headersMs?: number;
  /** Between two chunks of the answer's body. Default 30 000 ms. */
  bodyMs?: number;
  /** One whole attempt, connection included. Default 60 000 ms. */
  requestMs?: number;
}

export interface RetryPolicy {
  /** Extra attempts of a read call (status, log, terminate) after a transient failure. Default 4. */
  retries?: number;
  /** First backoff delay. Default 250 ms. */
  minDelayMs?: number;
  /** Cap of one backoff delay. Default 5 000 ms. */
  maxDelayMs?: number;
  /** No attempt starts later than this after the call began. Default 60 000 ms. */
  deadlineMs?: number;
  /**
   * Resend `fast_execute_script` once when its connection provably failed before anything was
   * sent (refused, DNS failure, connect timeout). Default true. Nothing else is ever resent.
   */
  submitOnConnectError?: boolean;
}

export interface ProxyOptions {
  /** Proxy for `https:` base URLs (`HTTPS_PROXY`). */
  httpsProxy?: string;
  /** Proxy for `http:` base URLs (`HTTP_PROXY`). */
  httpProxy?: string;
  /** Hosts reached directly (`NO_PROXY`: comma-separated names, `.domain`, `host:port`, `*`). */
  noProxy?: string;
}

/**
 * How the client reaches JOB: `'v2'` the ESB gateway (`<baseUrl>/api/c/compapi/v2/job/<call>/`), `'v3'`
 * the BlueKing API gateway (`<baseUrl>/api/v3/<call>`, credentials only in `X-Bkapi-Authorization`).
 */
export type TransportName = 'v2' | 'v3';

export interface ClientOptions {
  /** `'v2'` (default): ESB. `'v3'`: the JOB API gateway, `baseUrl` being its stage URL. */
  transport?: TransportName;
  /**
   * v2: the ESB base URL, e.g. `https://paas.example.com`. v3: the JOB gateway stage URL, e.g.
   * `https://bkapi.example.com/api/bk-job/prod` (a local emulator's root URL).
   */
  baseUrl: string;
  appCode: string;
  appSecret: string;
  /** The operator, for apps on ESB's login-exempt whitelist. One of `username` / `token` is needed. */
  username?: string;
  /** A user's `bk_token` (login cookie). */
  token?: string;
  /**
   * Where the credentials go on v2: the JSON body (default, as the seed shows) or `X-Bkapi-Authorization`.
   * v3 always uses the header (`'body'` is a configuration error there).
   */
  authIn?: 'body' | 'header';
  timeouts?: Timeouts;
  retry?: RetryPolicy;
  /** Proxies; without this option none is used (`clientOptionsFromEnv` fills it from the environment). */
  proxy?: ProxyOptions;
  /** Extra CA certificates (PEM) trusted besides Node's own, e.g. a company root. */
  ca?: string | Buffer | Array<string | Buffer>;
  /** Turns TLS certificate verification off. Dangerous: the client warns through `onWarning`. */
  insecureTls?: boolean;
  /** Keep-alive sockets of the read calls are closed after this idle time. Default 4 000 ms. */
  keepAliveTimeoutMs?: number;
  /** Un-escape HTML in `log_content`: `'auto'` (default) does it for JOB 3.x answers only. */
  unescapeLogs?: 'auto' | boolean;
  /** Called for every HTTP attempt, with credentials redacted. */
  onDebug?: (event: DebugEvent) => void;
  /** Called with configuration warnings; default `process.emitWarning`. */
  onWarning?: (message: string) => void;
  /** Use this undici dispatcher for every call instead of the client's own pools (tests, custom agents). */
  dispatcher?: Dispatcher;
}

export interface ResolvedOptions extends ClientOptions {
  transport: TransportName;
  authIn: 'body' | 'header';
  timeouts: Required<Timeouts>;
  retry: Required<RetryPolicy>;
  keepAliveTimeoutMs: number;
  unescapeLogs: 'auto' | boolean;
}

export const DEFAULT_TIMEOUTS: Required<Timeouts> = {
  connectMs: 10_000,
  headersMs: 30_000,
  bodyMs: 30_000,
  requestMs: 60_000,
};

export const DEFAULT_RETRY: Required<RetryPolicy> = {
  retries: 4,
  minDelayMs: 250,
  maxDelayMs: 5_000,
  deadlineMs: 60_000,
  submitOnConnectError: true,
};

const NO_URL: Record<TransportName, string> = {
  v2: 'no ESB base URL given (baseUrl / BK_ESB_URL; or BK_APIGW_URL for the API gateway v3)',
  v3: 'no API gateway URL given (baseUrl / BK_APIGW_URL: the JOB stage URL, e.g. https://bkapi.example.com/api/bk-job/prod)',
};

function checkNumber(issues: string[], name: string, value: number, min: number): void {
  if (!Number.isFinite(value) || value < min) issues.push(`${name} must be a number ≥ ${min} (got ${value})`);
}

/** Fills in defaults and checks the options; throws `ConfigError` (code `CORE_CONFIG`). */
export function resolveOptions(options: ClientOptions): ResolvedOptions {
  const issues: string[] = [];
  const transport = options.transport ?? 'v2';
  if (transport !== 'v2' && transport !== 'v3') {
    issues.push(`transport must be 'v2' (ESB) or 'v3' (API gateway) (got ${JSON.stringify(transport)})`);
  }
  if (!options.baseUrl) issues.push(NO_URL[transport === 'v3' ? 'v3' : 'v2']);
  else {
    let url: URL | undefined;
    try {
      url = new URL(options.baseUrl);
    } catch {
      issues.push(`baseUrl is not a URL: ${JSON.stringify(options.baseUrl)}`);
    }
    if (url && url.protocol !== 'http:' && url.protocol !== 'https:')
      issues.push('baseUrl must be http: or https:');
    if (url && (url.username || url.password)) issues.push('baseUrl must not carry a user name or password');
  }
  if (!options.appCode) issues.push('no app code given (appCode / BK_APP_CODE)');
  if (!options.appSecret) issues.push('no app secret given (appSecret / BK_APP_SECRET)');
  if (!options.username && !options.token)
    issues.push('give a user: username (BK_USERNAME) or token (BK_TOKEN)');
  const authIn = options.authIn ?? (transport === 'v3' ? 'header' : 'body');
  if (authIn !== 'body' && authIn !== 'header') issues.push(`authIn must be 'body' or 'header'`);
  if (transport === 'v3' && authIn === 'body') {
    issues.push(
      "authIn 'body' is not possible with transport 'v3': the API gateway takes credentials only in the X-Bkapi-Authorization header",
    );
  }
  const timeouts = { ...DEFAULT_TIMEOUTS, ...stripUndefined(options.timeouts) };
  for (const [k, v] of Object.entries(timeouts)) checkNumber(issues, `timeouts.${k}`, v, 1);
  const retry = { ...DEFAULT_RETRY, ...stripUndefined(options.retry) };
  checkNumber(issues, 'retry.retries', retry.retries, 0);
  checkNumber(issues, 'retry.minDelayMs', retry.minDelayMs, 0);
  checkNumber(issues, 'retry.maxDelayMs', retry.maxDelayMs, 0);
  checkNumber(issues, 'retry.deadlineMs', retry.deadlineMs, 0);
  const keepAliveTimeoutMs = options.keepAliveTimeoutMs ?? 4_000;
  checkNumber(issues, 'keepAliveTimeoutMs', keepAliveTimeoutMs, 1);
  if (issues.length > 0) {
    throw new ConfigError('CORE_CONFIG', `invalid client configuration: ${issues.join('; ')}`);
  }
  return {
    ...options,
    transport,
    authIn,
    timeouts,
    retry,
    keepAliveTimeoutMs,
    unescapeLogs: options.unescapeLogs ?? 'auto',
  };
}

function stripUndefined<T extends object>(value: T | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(value ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * Client options from environment variables: `BK_ESB_URL` (ESB, transport v2) or `BK_APIGW_URL` (the
 * JOB API gateway stage URL, transport v3), `BK_APP_CODE`, `BK_APP_SECRET`, `BK_USERNAME`, `BK_TOKEN`,
 * plus proxies from `HTTPS_PROXY`, `HTTP_PROXY`, `NO_PROXY` (either case). Missing values stay empty;
 * `createClient` reports them all at once. Both URLs set is ambiguous: throws `ConfigError` naming both.
 */
export function clientOptionsFromEnv(
  env: Readonly<Record<string, string | undefined>> = process.env,
): ClientOptions {
  const get = (name: string): string | undefined => {
    const value = env[name] ?? env[name.toLowerCase()];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  };
  const esbUrl = get('BK_ESB_URL');
  const apigwUrl = get('BK_APIGW_URL');
  if (esbUrl && apigwUrl) {
    throw new ConfigError(
      'CORE_CONFIG',
      'invalid client configuration: both BK_ESB_URL (ESB v2) and BK_APIGW_URL (API gateway v3) are set; set only the one to use',
    );
  }
  const options: ClientOptions = {
    baseUrl: apigwUrl ?? esbUrl ?? '',
    appCode: get('BK_APP_CODE') ?? '',
    appSecret: get('BK_APP_SECRET') ?? '',
  };
  if (apigwUrl) options.transport = 'v3';
  const username = get('BK_USERNAME');
  const token = get('BK_TOKEN');
  if (username) options.username = username;
  if (token) options.token = token;
  const proxy: ProxyOptions = {};
  const httpsProxy = get('HTTPS_PROXY');
  const httpProxy = get('HTTP_PROXY');
  const noProxy = get('NO_PROXY');
  if (httpsProxy) proxy.httpsProxy = httpsProxy;
  if (httpProxy) proxy.httpProxy = httpProxy;
  if (noProxy) proxy.noProxy = noProxy;
  if (httpsProxy || httpProxy) options.proxy = proxy;
  return options;
}
