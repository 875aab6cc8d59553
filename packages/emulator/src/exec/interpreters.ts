import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { ScriptType } from '../types.js';

export interface Interpreter {
  /** Program to run, found on PATH. */
  command: string;
  /** Arguments before the script's own parameters. */
  args(file: string, dir: string): string[];
  /** Extension of the script file. */
  ext: string;
  /**
   * The interpreter puts stderr onto stdout itself, at the descriptor, before the script's first
   * line (bash through BASH_ENV, perl through its autoflush module): no `/bin/sh` wrapper to exec
   * first, which costs every host a process image.
   */
  mergesStderr?: boolean;
}

const found = new Map<string, boolean>();

/** True when `name` is an executable on PATH (cached per name). */
export function onPath(name: string): boolean {
  const cached = found.get(name);
  if (cached !== undefined) return cached;
  let ok = false;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    try {
      accessSync(join(dir, name), constants.X_OK);
      ok = true;
      break;
    } catch {
      // not here
    }
  }
  found.set(name, ok);
  return ok;
}

const PWSH_ARGS = (file: string) => ['-NoLogo', '-NoProfile', '-NonInteractive', '-File', file];

/** How a script type runs here, or why it cannot (the host then fails with status 12). */
export function interpreterFor(type: ScriptType): Interpreter | { reason: string } {
  switch (type) {
    case 1:
      return { command: 'bash', args: (file) => [file], ext: '.sh', mergesStderr: true };
    case 3:
      // -I dir -MRunbookAutoflush: STDERR onto STDOUT and STDOUT unbuffered, so the two keep their order.
      return {
        command: 'perl',
        args: (file, dir) => ['-I', dir, '-MRunbookAutoflush', file],
        ext: '.pl',
        mergesStderr: true,
      };
    case 4:
      return { command: 'python3', args: (file) => ['-u', file], ext: '.py' };
    case 2:
    case 5: {
      const kind = type === 2 ? 'bat' : 'powershell';
      if (!onPath('pwsh'))
        return { reason: `cannot run a ${kind} script on this host: pwsh (PowerShell) is not installed` };
      return { command: 'pwsh', args: PWSH_ARGS, ext: '.ps1' };
    }
  }
}

/** Bash helpers JOB provides to shell scripts; loaded through BASH_ENV so line numbers stay intact. */
export const SHELL_HELPERS = `unset BASH_ENV
exec 2>&1
job_success() {
  printf '%s' "$*" > "$RUNBOOK_EMU_TAG_FILE"
  echo "[$(date '+%Y-%m-%d %H:%M:%S')][SUCC]:$*"
  exit 0
}
job_fail() {
  printf '%s' "$*" > "$RUNBOOK_EMU_TAG_FILE"
  echo "[$(date '+%Y-%m-%d %H:%M:%S')][FAIL]:$*"
  exit 1
}
`;

/** Perl: STDERR onto STDOUT at the descriptor, both unbuffered, before the script's first line. */
export const PERL_AUTOFLUSH = [
  'open(STDERR, \'>&\', \\*STDOUT) or die "stderr: $!";',
  'select(STDERR); $| = 1;',
  'select(STDOUT); $| = 1;',
  '1;',
  '',
].join('\n');
