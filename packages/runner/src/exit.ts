/** Exit codes of `runbook` (architecture.md). */
export const EXIT = {
  ok: 0,
  stepFailed: 1,
  usage: 2,
  unusable: 3,
  declined: 4,
  interrupted: 130,
} as const;

/** An error at the CLI boundary: its message is shown as is, and it carries its exit code. */
export class CliError extends Error {
  override name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}
