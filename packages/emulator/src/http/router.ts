import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { ADMIN_PREFIX, type AdminTarget, handleAdmin } from '../admin.js';
import type { CallContext } from '../calls/context.js';
import type { Faults } from '../faults.js';
import type { FaultRule, Transport } from '../types.js';
import { apigwCall, apiNotFound, carriesSecret, handleApigwCall, isApigwPath, jobAnswer } from './apigw.js';
import { BodyTooLarge, readBody } from './body.js';
import { renderEnvelope } from './envelope.js';
import { ESB_PREFIX, HANDLER_FAULTS, handleEsbCall } from './esb.js';
import { gatewayError, htmlErrorPage, type RawAnswer } from './gateway.js';

export { ESB_PREFIX } from './esb.js';

export interface RouterDeps {
  ctx: CallContext;
  faults: Faults;
  /** Attempts per call name (both transports). */
  calls: Map<string, number>;
  /** v3 calls with a secret in their body or query, per call name. */
  credentialsInParams: Map<string, number>;
  admin: AdminTarget;
  /** ESB calls answered as unknown components (1306404). */
  missingCalls: ReadonlySet<string>;
  /** Aborted when the emulator closes: cuts injected delays short. */
  signal: AbortSignal;
}

function reset(res: ServerResponse): void {
  const socket = res.socket;
  if (socket && typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
  else socket?.destroy();
}

function send(res: ServerResponse, a: RawAnswer): void {
  res.writeHead(a.status, { ...a.headers, 'content-length': a.body.length });
  res.end(a.body);
}

const plain = (status: number, text: string): RawAnswer => ({
  status,
  headers: { 'content-type': 'text/plain; charset=utf-8' },
  body: Buffer.from(text, 'utf8'),
});

/** Which call a request is, on which transport; undefined for a path neither serves. */
function route(
  req: IncomingMessage,
  path: string,
): { transport: Transport; call: string | undefined } | undefined {
  if (path.startsWith(ESB_PREFIX))
    return { transport: 'v2', call: path.slice(ESB_PREFIX.length).replace(/\/$/, '') };
  if (isApigwPath(path)) return { transport: 'v3', call: apigwCall(req.method, path) };
  return undefined;
}

/** Faults that replace the whole exchange: the answer to send, or 'reset'. */
function exchangeFault(rule: FaultRule | undefined): RawAnswer | 'reset' | undefined {
  switch (rule?.kind) {
    case 'reset':
      return 'reset';
    case 'http5xx':
    case 'gateway_html':
      return htmlErrorPage(rule.status ?? 502);
    case 'gateway_error':
      return gatewayError(rule.status ?? 502);
    default:
      return undefined;
  }
}

/** Writes an answer, or half of it, waits `ms`, then the rest (fault `slow_body`). */
async function sendSlowly(res: ServerResponse, a: RawAnswer, ms: number, signal: AbortSignal): Promise<void> {
  res.writeHead(a.status, { ...a.headers, 'content-length': a.body.length });
  const half = Math.floor(a.body.length / 2);
  res.write(a.body.subarray(0, half));
  await sleep(ms, undefined, { signal });
  if (!res.destroyed) res.end(a.body.subarray(half));
}

/**
 * The HTTP entry point: admin endpoints, then ESB v2 calls and API gateway v3 calls, each with
 * faults (drawn by call name and transport), authentication and its own envelope.
 */
export function createRequestHandler(deps: RouterDeps) {
  const { ctx, faults, calls } = deps;
  const ctxV3: CallContext = { ...ctx, gen: 3 };
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://emulator');
    if (url.pathname.startsWith(ADMIN_PREFIX)) return handleAdmin(req, res, url.pathname, deps.admin);
    const target = route(req, url.pathname);
    if (target?.call === undefined) {
      await readBody(req).catch(() => undefined);
      if (target) return send(res, apiNotFound(req.method, url.pathname));
      return send(res, plain(404, `not found: ${url.pathname}\n`));
    }
    const { transport } = target;
    const call = target.call;
    calls.set(call, (calls.get(call) ?? 0) + 1);
    const fault = faults.decide(call, transport);
    if (fault.delayMs > 0) await sleep(fault.delayMs, undefined, { signal: deps.signal });

    let raw: Buffer;
    try {
      raw = await readBody(req);
    } catch (err) {
      if (err instanceof BodyTooLarge)
        return send(res, transport === 'v3' ? gatewayError(413) : plain(413, `${err.message}\n`));
      return;
    }
    const rule = fault.rule;
    const replaced = exchangeFault(rule);
    if (replaced) {
      faults.settle(rule!, true);
      return replaced === 'reset' ? reset(res) : send(res, replaced);
    }
    const injection = faults.injectedTotal();
    let answer: RawAnswer;
    let faultApplied = true;
    if (transport === 'v3') {
      if (carriesSecret(url, raw))
        deps.credentialsInParams.set(call, (deps.credentialsInParams.get(call) ?? 0) + 1);
      const out = handleApigwCall(ctxV3, req, url, call, raw, rule, injection);
      faultApplied = !('body' in out) && out.faultApplied === true;
      answer = 'body' in out ? out : jobAnswer(out, randomUUID());
    } else {
      const out = handleEsbCall(ctx, deps.missingCalls, req, url, call, raw, rule, injection);
      faultApplied = out.faultApplied === true;
      answer = {
        status: 200,
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: Buffer.from(renderEnvelope(out, ctx.gen), 'utf8'),
      };
    }
    if (rule) faults.settle(rule, HANDLER_FAULTS.has(rule.kind) ? faultApplied : true);
    if (rule?.kind === 'drop_after_create') return reset(res);
    if (rule?.kind === 'slow_body') return sendSlowly(res, answer, rule.ms ?? 1000, deps.signal);
    send(res, answer);
  };
}
