import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'runbook.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  /** A command the CLI runs under, e.g. `unshare -rm sh -c '…' sh` (the CLI's argv is appended). */
  prefix?: string[];
}

/**
 * Environment of a spawned CLI: no TTY-dependent defaults, no inherited JOB credentials, and the
 * test-only `RUNBOOK_TEST_FAST_POLL=1` so that tests may poll faster than the floors users get
 * (pass `RUNBOOK_TEST_FAST_POLL: ''` to see the floors).
 */
function cliEnv(extra: NodeJS.ProcessEnv | undefined): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, CI: '1', RUNBOOK_TEST_FAST_POLL: '1' };
  for (const k of Object.keys(env)) if (k.startsWith('BK_') || k.startsWith('RUNBOOK_VAR_')) delete env[k];
  return { ...env, ...extra };
}

/** Starts the built CLI as a user would; stdin is a pipe (no terminal). */
export function spawnCli(
  args: string[],
  opts: CliOptions = {},
): ChildProcessWithoutNullStreams & { output(): CliResult } {
  const [command, ...rest] = [...(opts.prefix ?? []), process.execPath, CLI, ...args];
  const child = spawn(command!, rest, {
    cwd: opts.cwd,
    env: cliEnv(opts.env),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => {
    stdout += b.toString('utf8');
  });
  child.stderr.on('data', (b: Buffer) => {
    stderr += b.toString('utf8');
  });
  return Object.assign(child, { output: () => ({ code: child.exitCode, stdout, stderr }) });
}

/** Waits for a spawned CLI to exit, with a bound. */
export function exited(child: ReturnType<typeof spawnCli>, timeoutMs = 20_000): Promise<CliResult> {
  return new Promise<CliResult>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      const o = child.output();
      reject(new Error(`runbook did not finish in time\n${o.stdout}\n${o.stderr}`));
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ ...child.output(), code });
    });
  });
}

/** Runs the built CLI to the end, with a bounded time. */
export function runCli(args: string[], opts: CliOptions = {}): Promise<CliResult> {
  const child = spawnCli(args, opts);
  child.stdin.end();
  return exited(child, opts.timeoutMs);
}

/** Writes files (paths may contain folders) into a fresh temporary directory and returns its path. */
export async function tempFiles(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'runbook-test-'));
  for (const [name, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, name)), { recursive: true });
    await writeFile(join(dir, name), text);
  }
  return dir;
}

/** Polls `check` until it returns a value (not undefined), at most `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The record of the only run under `<cwd>/.runbook/runs`, or undefined while there is none. */
export async function onlyRecord(cwd: string): Promise<any | undefined> {
  const { readdir } = await import('node:fs/promises');
  let names: string[];
  try {
    // `.locks` (held while a run goes on) is not a run.
    names = (await readdir(join(cwd, '.runbook', 'runs'))).filter((n) => !n.startsWith('.'));
  } catch {
    return undefined;
  }
  if (names.length !== 1) return undefined;
  try {
    return JSON.parse(await readFile(join(cwd, '.runbook', 'runs', names[0]!, 'record.json'), 'utf8'));
  } catch {
    return undefined;
  }
}

/** Indents a script for a YAML block scalar. */
export const block = (script: string, indent = 6) =>
  script
    .split('\n')
    .map((l) => `${' '.repeat(indent)}${l}`)
    .join('\n');
