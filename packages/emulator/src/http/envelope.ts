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

/** `{result, code, message, data, request_id}` (+ `job_request_id` on JOB 3.x, + extras). */
export function renderEnvelope(r: CallResult, gen: JobGeneration): string {
  const dataJson = r.dataJson ?? JSON.stringify(r.data ?? null);
  let text = `{"result":${r.code === 0},"code":${r.code},"message":${JSON.stringify(r.message)},"data":${dataJson},"request_id":"${requestId()}"`;
  if (gen === 3) text += `,"job_request_id":"${randomBytes(8).toString('hex')}"`;
  for (const [k, v] of Object.entries(r.extra ?? {})) text += `,${JSON.stringify(k)}:${JSON.stringify(v)}`;
  return `${text}}`;
}
