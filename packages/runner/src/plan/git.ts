import { execFile, execFileSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import type { Runbook } from '@runbook/schema';

export interface GitInfo {
  /** Short sha of HEAD; absent outside a git repository. */
  sha?: string;
  /** True when any of the files differs from HEAD (or is untracked). */
  dirty?: boolean;
}

/**
 * Both questions in one process: starting a process copies the runner's memory map, which costs
 * several ms a process on a small VM, where a shell starting git is cheap. Exit 3: not in git.
 * The files come as the shell's arguments, never inside the script.
 */
const ASK =
  'git rev-parse --short HEAD || exit 3; echo; exec git status --porcelain --untracked-files=all -- "$@"';
const argv = (files: string[]) => ['-c', ASK, 'sh', ...files];

/** `sha`, an empty line, then git status: a failed status (exit ≠ 0, 3) counts as dirty. */
function parse(code: number, out: string): GitInfo {
  const [sha, gap, ...changes] = out.split('\n');
  if (code === 3 || !sha || gap !== '') return {};
  return { sha, dirty: code !== 0 || changes.join('').trim() !== '' };
}

/** The files whose changes make a run `+dirty`: the runbook and its `script_file`s, absolute. */
function filesOf(runbookPath: string, runbook: Runbook): { cwd: string; files: string[] } {
  const path = resolve(runbookPath);
  const cwd = dirname(path);
  const scripts = runbook.steps.flatMap((s) => (s.script_file ? [resolve(cwd, s.script_file)] : []));
  return { cwd, files: [path, ...new Set(scripts)] };
}

/** The commit a runbook file is at, and whether it or its script files have uncommitted changes. */
export function gitInfo(runbookPath: string, runbook: Runbook): GitInfo {
  const { cwd, files } = filesOf(runbookPath, runbook);
  try {
    const out = execFileSync('/bin/sh', argv(files), {
      cwd,
      stdio: ['ignore', 'pipe', 'ignore'],
      encoding: 'utf8',
    });
    return parse(0, out);
  } catch (err) {
    const e = err as { status?: number; stdout?: string };
    return typeof e.status === 'number' ? parse(e.status, e.stdout ?? '') : {};
  }
}

/**
 * `gitInfo` asked without blocking: the run's start goes on while git looks (about 30 ms when it
 * waited for two commands in turn).
 */
export function gitInfoOf(runbookPath: string, runbook: Runbook): Promise<GitInfo> {
  const { cwd, files } = filesOf(runbookPath, runbook);
  return new Promise((done) => {
    execFile('/bin/sh', argv(files), { cwd, encoding: 'utf8' }, (err, out) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      done(code === -1 ? {} : parse(code, out));
    });
  });
}
