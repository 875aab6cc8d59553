// Runs a command once and measures it as a whole process, with public means only:
// wall time from the harness (performance.now() around spawn → 'close'), and CPU time and peak RSS
// from GNU time (`/usr/bin/time -f`, i.e. the kernel's getrusage(RUSAGE_CHILDREN) of that one process).
// Without GNU time, node commands get a `--require` preload that writes process.resourceUsage() at exit.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const GNU_TIME = '/usr/bin/time';
const PRELOAD = fileURLToPath(new URL('./rusage-preload.cjs', import.meta.url));
export const method = existsSync(GNU_TIME) ? 'gnu-time' : 'preload';

const quote = (s) => `'${String(s).replaceAll("'", "'\\''")}'`;

/**
 * @param {string} cmd executable (for the preload method it must be node)
 * @param {string[]} args
 * @param {{ cwd?: string, env?: Record<string,string>, pty?: boolean, timeoutMs?: number, keepOutput?: boolean }} [o]
 * @returns {Promise<{ code: number|null, wallMs: number, cpuMs: number, userMs: number, sysMs: number, rssKb: number, stdout: string, stderr: string }>}
 */
export async function measure(cmd, args, o = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'runbook-bench-'));
  const out = join(dir, 'rusage');
  const env = { ...process.env, ...o.env };
  let argv;
  if (method === 'gnu-time') {
    argv = [GNU_TIME, '-f', '%U %S %M', '-o', out, cmd, ...args];
  } else {
    env.NODE_OPTIONS = `${env.NODE_OPTIONS ?? ''} --require ${PRELOAD}`.trim();
    env.BENCH_RUSAGE_FILE = out;
    argv = [cmd, ...args];
  }
  if (o.pty) {
    // A real pseudo-terminal of 120×40 from util-linux script(1); the measured process is the one
    // exec'd inside it, not script itself.
    const inner = `stty cols 120 rows 40; exec ${argv.map(quote).join(' ')}`;
    argv = ['script', '-qfec', inner, '/dev/null'];
    env.TERM = env.TERM && env.TERM !== 'dumb' ? env.TERM : 'xterm-256color';
  }
  try {
    const t0 = performance.now();
    const child = spawn(argv[0], argv.slice(1), { cwd: o.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let outLen = 0;
    const cap = o.keepOutput ? 64 * 1024 * 1024 : 256 * 1024;
    child.stdout.on('data', (b) => {
      outLen += b.length;
      if (stdout.length < cap) stdout += b.toString('utf8');
    });
    child.stderr.on('data', (b) => {
      if (stderr.length < 256 * 1024) stderr += b.toString('utf8');
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs ?? 300_000);
    const code = await new Promise((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (c) => resolve(c));
    });
    const wallMs = performance.now() - t0;
    clearTimeout(timer);
    const r = await readRusage(out);
    return { code, wallMs, ...r, stdout, stderr, outBytes: outLen };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function readRusage(file) {
  let text;
  try {
    text = (await readFile(file, 'utf8')).trim();
  } catch {
    return { cpuMs: Number.NaN, userMs: Number.NaN, sysMs: Number.NaN, rssKb: Number.NaN };
  }
  if (method === 'gnu-time') {
    // GNU time writes "Command exited with non-zero status N" first when the command fails.
    const last = text.split('\n').at(-1) ?? '';
    const [u, s, m] = last.split(/\s+/).map(Number);
    return { userMs: u * 1000, sysMs: s * 1000, cpuMs: (u + s) * 1000, rssKb: m };
  }
  const ru = JSON.parse(text);
  const userMs = ru.userCPUTime / 1000;
  const sysMs = ru.systemCPUTime / 1000;
  return { userMs, sysMs, cpuMs: userMs + sysMs, rssKb: ru.maxRSS };
}

/** Throws with the command's stderr when it did not exit 0. */
export function expectOk(r, what) {
  if (r.code !== 0) {
    throw new Error(`${what} exited ${r.code}\n${r.stderr.slice(-2000)}${r.stdout.slice(-1000)}`);
  }
  return r;
}
