/** Exit codes of `runbook` (architecture.md). */
export const EXIT = {
  ok: 0,
  stepFailed: 1,
  usage: 2,
  unusable: 3,
  declined: 4,
  /** A local problem: the state directory, the disk, permissions. */
  local: 5,
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
