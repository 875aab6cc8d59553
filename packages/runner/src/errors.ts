/** Errors of the runner. Each has a literal `name`, a stable `code`, and the exit code it maps to. */
export class RunnerError extends Error {
  override name = 'RunnerError';
  constructor(
    readonly code: string,
    message: string,
    readonly exitCode: number,
    options: { cause?: unknown; hint?: string } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.hint = options.hint;
  }
  readonly hint: string | undefined;
}

/** The runbook or the command line cannot be turned into a plan; nothing was sent. */
export class PlanError extends RunnerError {
  override name = 'PlanError';
  constructor(code: string, message: string, options: { cause?: unknown; hint?: string } = {}) {
    super(code, message, 2, options);
  }
}
