import { randomBytes } from 'node:crypto';
import type { JobGeneration } from '../types.js';

/** What a call answers; rendered into the ESB envelope by `renderEnvelope`. */
export interface CallResult {
  code: number;
  message: string;
  data?: unknown;
  /** `data` already serialized (cached answers for big jobs). Wins over `data`. */
  dataJson?: string;
  /** Extra top-level fields, e.g. `permission`. */
  extra?: Record<string, unknown>;
  /** A fault handed to the handler (late_failure, quota, …) changed this answer. */
  faultApplied?: boolean;
}

export function success(data: unknown, message = 'success'): CallResult {
  return { code: 0, message, data };
}

export function failure(code: number, message: string, extra?: Record<string, unknown>): CallResult {
  return extra ? { code, message, data: null, extra } : { code, message, data: null };
}

export function requestId(): string {
  return randomBytes(16).toString('hex');
}

/**
 * `{result, code, message, data, request_id}` (+ extras). JOB 3.x adds `job_request_id` and leaves
 * `message` out of a success (its envelope omits null fields).
 */
export function renderEnvelope(r: CallResult, gen: JobGeneration): string {
  const dataJson = r.dataJson ?? JSON.stringify(r.data ?? null);
  const message = gen === 3 && r.code === 0 ? '' : `"message":${JSON.stringify(r.message)},`;
  let text = `{"result":${r.code === 0},"code":${r.code},${message}"data":${dataJson},"request_id":"${requestId()}"`;
  if (gen === 3) text += `,"job_request_id":"${randomBytes(8).toString('hex')}"`;
  for (const [k, v] of Object.entries(r.extra ?? {})) text += `,${JSON.stringify(k)}:${JSON.stringify(v)}`;
  return `${text}}`;
}

/**
 * JOB's own envelope as the API gateway passes it on (v3): `{result, code, data, job_request_id}`
 * without ESB's `request_id`; null fields are left out (`EsbResp`, `@JsonInclude(NON_NULL)`), so a
 * success has no `message` and a failure no `data`.
 */
export function renderEnvelopeApigw(r: CallResult): string {
  const dataJson = r.dataJson ?? JSON.stringify(r.data ?? null);
  let text = `{"result":${r.code === 0},"code":${r.code}`;
  if (r.code !== 0) text += `,"message":${JSON.stringify(r.message)}`;
  if (dataJson !== 'null') text += `,"data":${dataJson}`;
  text += `,"job_request_id":"${randomBytes(8).toString('hex')}"`;
  for (const [k, v] of Object.entries(r.extra ?? {})) text += `,${JSON.stringify(k)}:${JSON.stringify(v)}`;
  return `${text}}`;
}
