import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';

/**
 * Scripts run detached (their own process group, so a timeout can kill the whole group). That
 * also means they would outlive the emulator's process if it ends without `close()` (e.g. a
 * `process.exit` on Ctrl-C). This registry kills the groups and removes the temporary
 * directories still in use when the process exits.
 */
const children = new Set<ChildProcess>();
const dirs = new Set<string>();
let hooked = false;

function reap(): void {
  for (const c of children) killGroup(c);
  for (const d of dirs) {
    try {
      rmSync(d, { recursive: true, force: true });
    } catch {
      // best effort while exiting
    }
  }
}

function hook(): void {
  if (hooked) return;
  hooked = true;
  process.once('exit', reap);
}

export function killGroup(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

export function trackChild(child: ChildProcess): () => void {
  hook();
  children.add(child);
  return () => children.delete(child);
}

export function trackDir(dir: string): () => void {
  hook();
  dirs.add(dir);
  return () => dirs.delete(dir);
}
