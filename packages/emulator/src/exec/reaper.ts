import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';

export function killGroup(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

/**
 * Scripts run detached (their own process group, so a timeout can kill the whole group). That
 * also means they would outlive the process that embeds the emulator if it ends without `close()`:
 * a `process.exit()` (a second Ctrl-C), an uncaught exception, a signal handler that exits. One
 * reaper per emulator instance registers a process `exit` listener that SIGKILLs every live
 * script process group and removes the temporary directories still in use, synchronously (an
 * `exit` listener cannot wait). `dispose()` (from `close()`) removes the listener.
 *
 * A process killed outright (SIGKILL, or a signal without a handler, whose default action ends
 * the process) runs no listener: its scripts are orphaned (see the README).
 */
export class Reaper {
  private readonly children = new Set<ChildProcess>();
  private readonly dirs = new Set<string>();
  private readonly onExit = () => this.reap();
  private installed = false;

  constructor() {
    process.on('exit', this.onExit);
    this.installed = true;
  }

  /** Kills every tracked process group and removes the tracked directories, now. */
  reap(): void {
    for (const c of this.children) killGroup(c);
    for (const d of this.dirs) {
      try {
        rmSync(d, { recursive: true, force: true });
      } catch {
        // best effort while exiting
      }
    }
  }

  trackChild(child: ChildProcess): () => void {
    this.children.add(child);
    return () => this.children.delete(child);
  }

  trackDir(dir: string): () => void {
    this.dirs.add(dir);
    return () => this.dirs.delete(dir);
  }

  /** Removes the process `exit` listener (the emulator was closed). */
  dispose(): void {
    if (!this.installed) return;
    process.off('exit', this.onExit);
    this.installed = false;
  }
}
