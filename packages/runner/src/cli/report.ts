import { EXIT } from '../exit.js';
import { isLocalProblem } from '../record/local.js';
import { escapeControls } from '../render/controls.js';
import type { Mask } from '../secrets/mask.js';

/** An error whose text was already written for the user; the CLI only exits with its code. */
export class ReportedError extends Error {
  override name = 'ReportedError';
  constructor(
    readonly exitCode: number,
    message = 'reported',
  ) {
    super(message);
  }
}

/**
 * Exit code for any error reaching the top: CLI and runner errors carry one; a file-system error is
 * a local problem (5); anything else (core's errors) means JOB/ESB trouble.
 */
export function exitCodeFor(err: unknown): number {
  const e = err as { exitCode?: unknown; code?: unknown; name?: unknown };
  if (typeof e?.exitCode === 'number') return e.exitCode;
  if (typeof e?.code === 'string' && e.code.startsWith('SCHEMA_')) return 2;
  if (typeof e?.code === 'string' && e.code.startsWith('EMU')) return 2;
  // A file-system error nobody turned into a runner error is still a local problem, not JOB's.
  if (isLocalProblem(err)) return EXIT.local;
  return 3;
}

/**
 * One clear message per error (with its hint), the stack only with `--debug`; every secret masked
 * and every control character (JOB's text may carry some) shown escaped.
 */
export function formatError(err: unknown, debug: boolean, mask: Mask): string {
  const e = err as { message?: unknown; hint?: unknown; code?: unknown; stack?: unknown };
  const message = typeof e?.message === 'string' ? e.message : String(err);
  let out = `runbook: ${message}\n`;
  if (typeof e?.hint === 'string' && e.hint) out += `hint: ${e.hint}\n`;
  if (debug) {
    if (typeof e?.code === 'string') out += `code: ${e.code}\n`;
    if (typeof e?.stack === 'string') out += `${e.stack}\n`;
    let cause = (err as { cause?: unknown })?.cause;
    for (let depth = 0; cause && depth < 5; depth++) {
      out += `caused by: ${(cause as Error).stack ?? String(cause)}\n`;
      cause = (cause as { cause?: unknown }).cause;
    }
  }
  return escapeControls(mask(out));
}
