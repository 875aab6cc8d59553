import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { Emulator } from '../src/index.js';

export const AUTH = { bk_app_code: 'app', bk_app_secret: 'right-secret', bk_username: 'admin' };
/** The project's JOB/ESB test vectors (the same files as `packages/core/test/fixtures/job-v2/`). */
export const FIXTURES = new URL('./fixtures/job-v2/', import.meta.url);

export function fixture(name: string): any {
  return JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8'));
}

export interface Envelope {
  result: boolean;
  code: number;
  message: string;
  data: any;
  request_id: string;
  job_request_id?: string;
  permission?: any;
}

export const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64');

/** POSTs a call to the emulator and returns the parsed envelope (HTTP 200 asserted). */
export async function call(
  emu: Emulator,
  name: string,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<Envelope> {
  const res = await fetch(`${emu.url}/api/c/compapi/v2/job/${name}/`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as Envelope;
}

/** A script request for hosts 10.0.0.x (x = 1..n) with the given script text. */
export function scriptRequest(script: string, extra: Record<string, unknown> = {}, n = 1) {
  return {
    ...AUTH,
    bk_biz_id: 1,
    script_content: b64(script),
    script_type: 1,
    script_timeout: 60,
    account: 'root',
    ip_list: Array.from({ length: n }, (_, i) => ({ bk_cloud_id: 0, ip: `10.0.0.${i + 1}` })),
    ...extra,
  };
}

/** Polls get_job_instance_status until the job is finished (bounded), returns the last answer. */
export async function waitFinished(emu: Emulator, jobId: number, bizId = 1, limit = 3000): Promise<Envelope> {
  let last: Envelope | undefined;
  for (let i = 0; i < limit; i++) {
    last = await call(emu, 'get_job_instance_status', { ...AUTH, bk_biz_id: bizId, job_instance_id: jobId });
    expect(last.result).toBe(true);
    if (last.data.is_finished) return last;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(
    `job ${jobId} did not finish after ${limit} polls: ${JSON.stringify(last?.data?.job_instance)}`,
  );
}

/** Submits a script, waits for the end, returns the status and log answers. */
export async function runScript(emu: Emulator, body: Record<string, unknown>) {
  const submit = await call(emu, 'fast_execute_script', body);
  expect(submit).toMatchObject({ result: true, code: 0 });
  const jobId = submit.data.job_instance_id as number;
  const bizId = Number(body.bk_biz_id ?? 1);
  const status = await waitFinished(emu, jobId, bizId);
  const log = await call(emu, 'get_job_instance_log', { ...AUTH, bk_biz_id: bizId, job_instance_id: jobId });
  expect(log.result).toBe(true);
  return { submit, status, log, jobId };
}

/** The one host of a single-host log answer, with its group's ip_status and tag. */
export function onlyHost(log: Envelope) {
  const groups = log.data[0].step_results;
  expect(groups).toHaveLength(1);
  return { ...groups[0].ip_logs[0], ip_status: groups[0].ip_status, tag: groups[0].tag };
}

/** The "shape" of a JSON value: sorted keys and value types, arrays by their first element. */
export function shapeOf(v: unknown): unknown {
  if (Array.isArray(v)) return v.length ? [shapeOf(v[0])] : [];
  if (v === null) return 'null';
  if (typeof v === 'object')
    return Object.fromEntries(
      Object.entries(v as Record<string, unknown>)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, x]) => [k, shapeOf(x)]),
    );
  return typeof v;
}
