import { execFileSync } from 'node:child_process';
import { dirname } from 'node:path';

export interface GitInfo {
  /** Short sha of HEAD; absent outside a git repository. */
  sha?: string;
  /** True when any of the files differs from HEAD (or is untracked). */
  dirty?: boolean;
}

function git(cwd: string, args: string[]): string | undefined {
  try {
    return execFileSync('git', args, { cwd, stdio: ['ignore', 'pipe', 'ignore'], encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
}

/** The commit a runbook file is at, and whether it or its script files have uncommitted changes. */
export function gitInfo(runbookPath: string, files: string[]): GitInfo {
  const cwd = dirname(runbookPath);
  const sha = git(cwd, ['rev-parse', '--short', 'HEAD']);
  if (!sha) return {};
  const status = git(cwd, ['status', '--porcelain', '--untracked-files=all', '--', ...files]);
  return { sha, dirty: status === undefined ? true : status !== '' };
}
