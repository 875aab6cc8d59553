import { execFile, execFileSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import type { Runbook } from '@runbook/schema';

export interface GitInfo {
  /** Short sha of HEAD; absent outside a git repository. */
  sha?: string;
  /** True when any of the files differs from HEAD (or is untracked). */
  dirty?: boolean;
}

const SHA = ['rev-parse', '--short', 'HEAD'];
const status = (files: string[]) => ['status', '--porcelain', '--untracked-files=all', '--', ...files];
const info = (sha: string | undefined, changes: string | undefined): GitInfo =>
  sha ? { sha, dirty: changes === undefined ? true : changes !== '' } : {};

function git(cwd: string, args: string[]): string | undefined {
  try {
    return execFileSync('git', args, { cwd, stdio: ['ignore', 'pipe', 'ignore'], encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
}

function gitAsync(cwd: string, args: string[]): Promise<string | undefined> {
  return new Promise((done) => {
    execFile('git', args, { cwd, encoding: 'utf8' }, (err, out) => done(err ? undefined : out.trim()));
  });
}

/** The commit a runbook file is at, and whether it or its script files have uncommitted changes. */
export function gitInfo(runbookPath: string, files: string[]): GitInfo {
  const cwd = dirname(runbookPath);
  const sha = git(cwd, SHA);
  return sha ? info(sha, git(cwd, status(files))) : {};
}

/**
 * `gitInfo` for a runbook and its `script_file`s, with both git commands running at once and
 * alongside whatever the caller does meanwhile: a run's start waited about 30 ms for them in turn.
 */
export async function gitInfoOf(runbookPath: string, runbook: Runbook): Promise<GitInfo> {
  const path = resolve(runbookPath);
  const cwd = dirname(path);
  const files = [
    path,
    ...new Set(runbook.steps.flatMap((s) => (s.script_file ? [resolve(cwd, s.script_file)] : []))),
  ];
  const [sha, changes] = await Promise.all([gitAsync(cwd, SHA), gitAsync(cwd, status(files))]);
  return info(sha, changes);
}
