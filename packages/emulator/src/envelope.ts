import { randomBytes } from 'node:crypto';

export function requestId(): string {
  return randomBytes(16).toString('hex');
}

export function ok(data: unknown): Record<string, unknown> {
  return { result: true, code: 0, message: 'success', data, request_id: requestId() };
}

export function fail(code: number, message: string): Record<string, unknown> {
  return { result: false, code, message, data: null, request_id: requestId() };
}
