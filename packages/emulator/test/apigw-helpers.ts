import { expect } from 'vitest';
import type { Emulator } from '../src/index.js';
import { b64 } from './helpers.js';

/** The credentials the v3 tests use, sent only in `X-Bkapi-Authorization`. */
export const CREDENTIALS = { bk_app_code: 'app', bk_app_secret: 'right-secret', bk_username: 'admin' };
export const AUTH_HEADER = { 'X-Bkapi-Authorization': JSON.stringify(CREDENTIALS) };
export const SCOPE = { bk_scope_type: 'biz', bk_scope_id: '1' };

export interface V3Answer {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed JSON body (undefined when it is not JSON). */
  json: any;
}

/** One v3 call: POST with a JSON body, or GET with `fields` as the query string. */
export async function v3(
  emu: Emulator,
  method: 'GET' | 'POST',
  name: string,
  fields: Record<string, unknown>,
  headers: Record<string, string> = AUTH_HEADER,
): Promise<V3Answer> {
  let url = `${emu.url}/api/v3/${name}`;
  const init: RequestInit = { method, headers: { accept: 'application/json', ...headers } };
  if (method === 'GET') {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(fields)) if (v !== undefined) q.set(k, String(v));
    url += `?${q}`;
  } else {
    init.headers = { ...init.headers, 'content-type': 'application/json' };
    init.body = JSON.stringify(fields);
  }
  const res = await fetch(url, init);
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** A JOB answer on v3 (HTTP 200 asserted): the envelope. */
export async function job(
  emu: Emulator,
  method: 'GET' | 'POST',
  name: string,
  fields: Record<string, unknown>,
  headers?: Record<string, string>,
) {
  const a = await v3(emu, method, name, fields, headers);
  expect(a.status, a.text).toBe(200);
  return a.json;
}

/** A v3 `fast_execute_script` body: a shell script on hosts 10.0.0.1..n of business 1. */
export function v3Script(script: string, extra: Record<string, unknown> = {}, n = 1) {
  return {
    ...SCOPE,
    script_content: b64(script),
    script_language: 1,
    timeout: 60,
    account_alias: 'root',
    target_server: {
      ip_list: Array.from({ length: n }, (_, i) => ({ bk_cloud_id: 0, ip: `10.0.0.${i + 1}` })),
    },
    ...extra,
  };
}

export const statusQuery = (id: number, ipResult = true, scope: Record<string, unknown> = SCOPE) => ({
  ...scope,
  job_instance_id: id,
  return_ip_result: ipResult,
});

/** Polls v3 `get_job_instance_status` until `finished` (bounded); the last answer. */
export async function waitFinishedV3(emu: Emulator, id: number, scope = SCOPE, limit = 3000) {
  let last: any;
  for (let i = 0; i < limit; i++) {
    last = await job(emu, 'GET', 'get_job_instance_status', statusQuery(id, true, scope));
    expect(last.result).toBe(true);
    if (last.data.finished) return last;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`job ${id} did not finish after ${limit} polls`);
}

/** Polls until the job's status is `status` (bounded). */
export async function waitStatusV3(emu: Emulator, id: number, status: number, limit = 500) {
  for (let i = 0; i < limit; i++) {
    const s = await job(emu, 'GET', 'get_job_instance_status', statusQuery(id, false));
    if (s.data.job_instance.status === status) return s;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`job ${id} never reached status ${status}`);
}
