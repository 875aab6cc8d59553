/** Every error the client throws. Each has a literal `name` and a stable `code` (see README). */

import type { PermissionInfo } from './types.js';

export interface CoreErrorDetails {
  call?: string;
  esbCode?: number | string;
  serverMessage?: string;
  requestId?: string;
  jobRequestId?: string;
  hint?: string;
  /** The full URL of the call. */
  endpoint?: string;
  /** HTTP status, when an answer arrived. */
  status?: number;
  /** What ESB says is missing, for permission failures. */
  permission?: PermissionInfo;
  /** How many attempts were made before this error was thrown. */
  attempts?: number;
  cause?: unknown;
}

export class CoreError extends Error {
  override name = 'CoreError';
  readonly code: string;
  readonly call: string | undefined;
  readonly esbCode: number | string | undefined;
  readonly serverMessage: string | undefined;
  readonly requestId: string | undefined;
  readonly jobRequestId: string | undefined;
  readonly hint: string | undefined;
  readonly endpoint: string | undefined;
  readonly status: number | undefined;
  readonly permission: PermissionInfo | undefined;
  readonly attempts: number | undefined;

  constructor(code: string, message: string, details: CoreErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.call = details.call;
    this.esbCode = details.esbCode;
    this.serverMessage = details.serverMessage;
    this.requestId = details.requestId;
    this.jobRequestId = details.jobRequestId;
    this.hint = details.hint;
    this.endpoint = details.endpoint;
    this.status = details.status;
    this.permission = details.permission;
    this.attempts = details.attempts;
  }

  /** Plain fields for logs and run records; never holds a credential. */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = { name: this.name, code: this.code, message: this.message };
    for (const key of [
      'call',
      'esbCode',
      'serverMessage',
      'requestId',
      'jobRequestId',
      'hint',
      'endpoint',
      'status',
      'attempts',
    ] as const) {
      if (this[key] !== undefined) out[key] = this[key];
    }
    return out;
  }
}

/** The client's configuration is missing or invalid; nothing was sent. */
export class ConfigError extends CoreError {
  override name = 'ConfigError';
}

/** ESB or JOB answered `result: false`. */
export class EsbError extends CoreError {
  override name = 'EsbError';
}

/** The server could not be reached or the connection failed before an answer. */
export class ConnectionError extends CoreError {
  override name = 'ConnectionError';
}

/** An HTTP status other than 200 (from a proxy, a gateway or a crash). */
export class HttpStatusError extends CoreError {
  override name = 'HttpStatusError';
}

/** The answer was not the JSON envelope the API promises. */
export class ProtocolError extends CoreError {
  override name = 'ProtocolError';
}

/** The request took longer than allowed. */
export class TimeoutError extends CoreError {
  override name = 'TimeoutError';
}

/** The caller's `AbortSignal` fired before the call finished. */
export class AbortedError extends CoreError {
  override name = 'AbortedError';
}

/** A request field failed the client's own checks; nothing was sent. */
export class RequestValidationError extends CoreError {
  override name = 'RequestValidationError';
  readonly issues: string[];

  constructor(message: string, issues: string[], details: CoreErrorDetails = {}) {
    super('CORE_VALIDATION', message, details);
    this.issues = issues;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), issues: this.issues };
  }
}

export interface MayHaveStartedDetails extends CoreErrorDetails {
  bizId: number;
  taskName: string | undefined;
  /** When the request was sent (ISO 8601, UTC). */
  sentAt: string;
  /** What a person should look for in JOB before doing anything else. */
  check: string;
}

/**
 * `fast_execute_script` was sent but its answer was lost or unusable: the job may be running on
 * JOB now. Never resent automatically.
 */
export class MayHaveStartedError extends CoreError {
  override name = 'MayHaveStartedError';
  readonly bizId: number;
  readonly taskName: string | undefined;
  readonly sentAt: string;
  readonly check: string;

  constructor(message: string, details: MayHaveStartedDetails) {
    super('CORE_MAY_HAVE_STARTED', message, details);
    this.bizId = details.bizId;
    this.taskName = details.taskName;
    this.sentAt = details.sentAt;
    this.check = details.check;
  }

  override toJSON(): Record<string, unknown> {
    return {
      ...super.toJSON(),
      bizId: this.bizId,
      taskName: this.taskName,
      sentAt: this.sentAt,
      check: this.check,
    };
  }
}
