/**
 * Transport: undici pools (keep-alive for reads, a fresh connection per submit), proxies, TLS, and
 * one HTTP attempt with its timeouts. Knows whether a request ever reached a connected socket.
 */

import type { Dispatcher } from 'undici';
import type { ResolvedOptions } from './config.js';
import { AbortedError, ConnectionError, type CoreError, TimeoutError } from './errors.js';
import { agentClass, undiciIndex } from './undici-parts.js';

/** Errors that can only happen before a connection exists: the request was provably never sent. */
export const PRE_SEND_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_CONNECT_TIMEOUT',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'EADDRNOTAVAIL',
]);

const MAX_ANSWER_BYTES = 256 * 1024 * 1024;

export interface Dispatchers {
  /** Keep-alive pool per origin, for the read calls and terminate. */
  read: Dispatcher;
  /** A new connection for each `fast_execute_script`, never reused, so a stale socket cannot eat one. */
  submit: Dispatcher;
  /** The ones the client made and must close. */
  owned: Dispatcher[];
}

export function createDispatchers(o: ResolvedOptions): Dispatchers {
  if (o.dispatcher) return { read: o.dispatcher, submit: o.dispatcher, owned: [] };
  if (o.insecureTls) {
    const warn = o.onWarning ?? ((m: string) => process.emitWarning(m, { code: 'RUNBOOK_INSECURE_TLS' }));
    warn(
      'TLS certificate verification is OFF (insecureTls): anyone on the network path can read the app secret',
    );
  }
  const extra = o.ca === undefined ? [] : Array.isArray(o.ca) ? o.ca : [o.ca];
  const tls = {
    timeout: o.timeouts.connectMs,
    rejectUnauthorized: !o.insecureTls,
    ...(extra.length > 0 ? { ca: [...rootCertificates(), ...extra.map(String)] } : {}),
  };
  const make = (pipelining: number): Dispatcher => {
    const base = {
      pipelining,
      keepAliveTimeout: o.keepAliveTimeoutMs,
      keepAliveMaxTimeout: o.keepAliveTimeoutMs,
      headersTimeout: o.timeouts.headersMs,
      bodyTimeout: o.timeouts.bodyMs,
    };
    if (o.proxy && (o.proxy.httpsProxy || o.proxy.httpProxy)) {
      // Empty strings, not undefined: EnvHttpProxyAgent would otherwise read process.env itself.
      const { EnvHttpProxyAgent } = undiciIndex();
      return new EnvHttpProxyAgent({
        ...base,
        httpProxy: o.proxy.httpProxy ?? '',
        httpsProxy: o.proxy.httpsProxy ?? '',
        noProxy: o.proxy.noProxy ?? '',
        connect: tls,
        requestTls: tls,
        proxyTls: tls,
      });
    }
    const Agent = agentClass();
    return new Agent({ ...base, connect: tls });
  };
  const read = make(1);
  const submit = make(0);
  return { read, submit, owned: [read, submit] };
}

export type HttpMethod = 'GET' | 'POST';

export interface AttemptRequest {
  method: HttpMethod;
  url: string;
  headers: Record<string, string>;
  /** The JSON body of a POST; a GET carries its fields in the URL's query. */
  body?: string;
  dispatcher: Dispatcher;
  /** Whole-attempt limit in ms. */
  timeoutMs: number;
  /** Ask for `connection: close` (submits). */
  reset: boolean;
  signal?: AbortSignal;
}

export interface AttemptAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** What the attempt got as far as: `sent` is true once the request was handed to a connected socket. */
export interface AttemptState {
  sent: boolean;
}

/** The low-level cause's code (`ECONNREFUSED`, `UND_ERR_SOCKET`, …), also inside an AggregateError. */
export function causeCode(err: unknown): string | undefined {
  const e = err as { code?: unknown; errors?: Array<{ code?: unknown }> } | undefined;
  if (typeof e?.code === 'string') return e.code;
  const inner = e?.errors?.find((x) => typeof x?.code === 'string');
  return inner ? String(inner.code) : undefined;
}

const DESCRIBE: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host name not found (DNS)',
  EAI_AGAIN: 'DNS lookup failed',
  ECONNRESET: 'connection reset',
  UND_ERR_SOCKET: 'connection closed by the other side',
  UND_ERR_CONNECT_TIMEOUT: 'connect timeout',
  UND_ERR_HEADERS_TIMEOUT: 'no answer in time (headers timeout)',
  UND_ERR_BODY_TIMEOUT: 'the answer stalled (body timeout)',
};

/**
 * Certificate failures: the TLS handshake failed, so no byte of the request was sent. On-premises
 * BlueKing often serves HTTPS from an internal CA that Node does not know.
 */
export const TLS_CERT_CODES: ReadonlySet<string> = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

const TLS_HINT =
  "the server's HTTPS certificate is not trusted by Node. If it comes from an internal CA (common on on-premises BlueKing), point NODE_EXTRA_CA_CERTS at the CA certificate (PEM) and run again, e.g. NODE_EXTRA_CA_CERTS=/etc/pki/ca-trust/source/anchors/bk-ca.pem; for CERT_HAS_EXPIRED or ERR_TLS_CERT_ALTNAME_INVALID the certificate itself (its dates, or the host name in the URL) must be fixed. Nothing was sent";

class LocalStop extends Error {
  constructor(readonly kind: 'aborted' | 'timeout') {
    super(kind);
  }
}

/** Turns an undici/system error into the client's error class. */
export function transportError(
  err: unknown,
  call: string,
  url: string,
  timeoutMs: number,
  method: HttpMethod = 'POST',
): CoreError {
  const where = `[${method}] "${url}"`;
  if (err instanceof LocalStop && err.kind === 'aborted') {
    return new AbortedError('CORE_ABORTED', `${where}: aborted by the caller`, { call, endpoint: url });
  }
  if (err instanceof LocalStop) {
    return new TimeoutError('CORE_TIMEOUT', `${where}: no complete answer within ${timeoutMs} ms`, {
      call,
      endpoint: url,
    });
  }
  const code = causeCode(err);
  const what = (code && DESCRIBE[code]) ?? (err as Error)?.message ?? String(err);
  const message = `${where}: ${what}${code ? ` (${code})` : ''}`;
  if (
    code === 'UND_ERR_CONNECT_TIMEOUT' ||
    code === 'UND_ERR_HEADERS_TIMEOUT' ||
    code === 'UND_ERR_BODY_TIMEOUT'
  ) {
    return new TimeoutError('CORE_TIMEOUT', message, { call, endpoint: url, cause: err });
  }
  if (code && TLS_CERT_CODES.has(code)) {
    return new ConnectionError(
      'CORE_TLS',
      `${where}: TLS certificate refused: ${(err as Error)?.message ?? code} (${code})`,
      {
        call,
        endpoint: url,
        cause: err,
        hint: TLS_HINT,
      },
    );
  }
  if (code === 'UND_ERR_DESTROYED' || code === 'UND_ERR_CLOSED') {
    return new ConnectionError('CORE_CLOSED', `${where}: the client was closed`, {
      call,
      endpoint: url,
      cause: err,
    });
  }
  return new ConnectionError('CORE_CONNECTION', message, { call, endpoint: url, cause: err });
}

/** One HTTP request. Rejects with a CoreError; `state.sent` tells whether any byte may have left. */
export function attempt(req: AttemptRequest, state: AttemptState, call: string): Promise<AttemptAnswer> {
  const url = new URL(req.url);
  return new Promise<AttemptAnswer>((resolve, reject) => {
    let controller: Dispatcher.DispatchController | undefined;
    let settled = false;
    let status = 0;
    let headers: AttemptAnswer['headers'] = {};
    const chunks: Buffer[] = [];
    /** The whole answer when its length was announced: each chunk is copied in and let go. */
    let whole: Buffer | undefined;
    let size = 0;
    const finish = (err: unknown, answer?: AttemptAnswer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.signal?.removeEventListener('abort', onAbort);
      if (err === undefined && answer) resolve(answer);
      else reject(transportError(err, call, req.url, req.timeoutMs, req.method));
    };
    const stop = (kind: 'aborted' | 'timeout') => {
      const reason = new LocalStop(kind);
      controller?.abort(reason);
      finish(reason);
    };
    const onAbort = () => stop('aborted');
    const timer = setTimeout(() => stop('timeout'), req.timeoutMs);
    if (req.signal?.aborted) {
      finish(new LocalStop('aborted'));
      return;
    }
    req.signal?.addEventListener('abort', onAbort, { once: true });
    const handler: Dispatcher.DispatchHandler = {
      onRequestStart(c) {
        controller = c;
        // Stopped while waiting for a connection: abort here, before a byte is written.
        if (settled) c.abort(new LocalStop('aborted'));
        else state.sent = true;
      },
      onResponseStart(_c, statusCode, responseHeaders) {
        status = statusCode;
        headers = responseHeaders;
        // A big answer (the logs of 50,000 hosts: tens of MB) is gathered in one buffer of its
        // announced size, not kept as chunks and then copied into one.
        const length = Number(responseHeaders['content-length']);
        if (Number.isSafeInteger(length) && length > 0 && length <= MAX_ANSWER_BYTES)
          whole = Buffer.allocUnsafe(length);
      },
      onResponseData(c, chunk) {
        const at = size;
        size += chunk.length;
        if (size > MAX_ANSWER_BYTES)
          c.abort(new Error(`the answer is larger than ${MAX_ANSWER_BYTES} bytes`));
        else if (whole && size <= whole.length) chunk.copy(whole, at);
        else {
          // More than announced: gathered as chunks from here on.
          if (whole) chunks.push(whole.subarray(0, at));
          whole = undefined;
          chunks.push(chunk);
        }
      },
      onResponseEnd() {
        const text = whole ? whole.toString('utf8', 0, size) : Buffer.concat(chunks).toString('utf8');
        whole = undefined;
        finish(undefined, { status, headers, text });
      },
      onResponseError(_c, err) {
        finish(err);
      },
    };
    try {
      req.dispatcher.dispatch(
        {
          origin: url.origin,
          path: `${url.pathname}${url.search}`,
          method: req.method,
          headers: req.headers,
          ...(req.body === undefined ? {} : { body: req.body }),
          reset: req.reset,
        },
        handler,
      );
    } catch (err) {
      finish(err);
    }
  });
}

/** Node's CA list, loaded only for a custom CA: `node:tls` costs every command's start-up a few ms. */
function rootCertificates(): readonly string[] {
  return process.getBuiltinModule('node:tls').rootCertificates;
}
