import { spawn } from 'node:child_process';
import { CLI, waitFor } from './helpers.js';

/**
 * Runs the CLI in a pseudo-terminal (util-linux `script`), answering each `[y/N]` prompt in turn as
 * it appears; output is stdout and stderr together, as a terminal shows them.
 */
export async function inTerminal(
  args: string[],
  env: NodeJS.ProcessEnv,
  cwd: string,
  answers: string[],
): Promise<{ code: number | null; out: string }> {
  const quoted = [process.execPath, CLI, ...args].map((a) => `'${a.replaceAll("'", `'\\''`)}'`).join(' ');
  const clean: NodeJS.ProcessEnv = { ...process.env, CI: '1', RUNBOOK_TEST_FAST_POLL: '1' };
  for (const k of Object.keys(clean)) if (k.startsWith('BK_')) delete clean[k];
  const child = spawn('script', ['-qec', quoted, '/dev/null'], { cwd, env: { ...clean, ...env } });
  let out = '';
  child.stdout.on('data', (b: Buffer) => {
    out += b.toString('utf8');
  });
  const done = new Promise<number | null>((resolve) => child.on('close', resolve));
  for (const [i, answer] of answers.entries()) {
    await waitFor(`prompt ${i + 1}`, () => (out.split('[y/N]').length - 1 > i ? true : undefined), 20_000);
    child.stdin.write(`${answer}\r`);
  }
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const code = await done;
  clearTimeout(timer);
  return { code, out };
}
