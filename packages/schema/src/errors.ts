import type { Issue } from './types.js';

/** Thrown at a boundary that needs an exception for an invalid runbook; carries every issue. */
export class RunbookError extends Error {
  override readonly name = 'RunbookError';
  readonly code = 'SCHEMA_INVALID';
  constructor(
    readonly issues: readonly Issue[],
    options?: { cause?: unknown },
  ) {
    const first = issues[0];
    const where = first ? `${first.file}:${first.line}:${first.col}: ${first.message}` : 'no details';
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
    super(`invalid runbook: ${where}${more}`, options);
  }
}
