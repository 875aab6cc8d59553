import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HostRun } from '../types.js';

/** Runs one host's script as a local bash process in its own temporary directory. */
export async function runLocal(host: HostRun, script: string, params: string): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'runbook-emu-'));
  try {
    const file = join(dir, 'script.sh');
    await writeFile(file, script, { mode: 0o700 });
    host.status = 7;
    host.startTime = new Date();
    const args = params.trim() === '' ? [] : params.trim().split(/\s+/);
    const code = await new Promise<number>((resolve) => {
      const child = spawn('bash', [file, ...args], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout.on('data', (b: Buffer) => {
        host.log += b.toString('utf8');
      });
      child.stderr.on('data', (b: Buffer) => {
        host.log += b.toString('utf8');
      });
      child.on('error', (err) => {
        host.log += `${err.message}\n`;
        resolve(127);
      });
      child.on('close', (c) => resolve(c ?? 1));
    });
    host.exitCode = code;
    host.status = code === 0 ? 9 : 104;
    host.endTime = new Date();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
