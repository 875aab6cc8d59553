/** Every error the client throws. Each has a literal `name` and a stable `code`. */

export interface CoreErrorDetails {
  call?: string;
  esbCode?: number | string;
  serverMessage?: string;
  requestId?: string;
  hint?: string;
  cause?: unknown;
}

export class CoreError extends Error {
  override name = 'CoreError';
  readonly code: string;
  readonly call: string | undefined;
  readonly esbCode: number | string | undefined;
  readonly serverMessage: string | undefined;
  readonly requestId: string | undefined;
  readonly hint: string | undefined;

  constructor(code: string, message: string, details: CoreErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.call = details.call;
    this.esbCode = details.esbCode;
    this.serverMessage = details.serverMessage;
    this.requestId = details.requestId;
    this.hint = details.hint;
  }
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

/** A request field failed the client's own checks; nothing was sent. */
export class RequestValidationError extends CoreError {
  override name = 'RequestValidationError';
}

/**
 * `fast_execute_script` was sent but its answer was lost: the job may be running on JOB now.
 * Never resent automatically.
 */
export class MayHaveStartedError extends CoreError {
  override name = 'MayHaveStartedError';
}
