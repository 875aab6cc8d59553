import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';

/** Is tmux installed? (CI installs it; the real-terminal tests need it.) */
export function hasTmux(): boolean {
  try {
    execFileSync('tmux', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Fails a test that needs a real terminal when tmux is missing, saying so, rather than pass quietly. */
export function needTmux(): void {
  if (!hasTmux())
    throw new Error(
      'tmux is not installed: the real-terminal tests of the TUI need it (apt-get install tmux)',
    );
}

let serial = 0;

/**
 * One tmux server of its own (`tmux -L <unique socket>`) with one window of a fixed size running
 * one command: what a person at a terminal of that size would see.
 */
export class TmuxScreen {
  readonly socket = `runbook-tui-${process.pid}-${++serial}`;

  constructor(
    readonly width: number,
    readonly height: number,
  ) {}

  private tmux(...args: string[]): string {
    return execFileSync('tmux', ['-L', this.socket, '-f', '/dev/null', ...args], { encoding: 'utf8' });
  }

  /**
   * Starts `command` in `cwd`. When it ends, the shell prints `[exit N]` and waits, so the last
   * screen stays to be read.
   */
  start(command: string, cwd: string, env: Record<string, string> = {}): void {
    const vars = Object.entries(env).map(([k, v]) => `${k}=${shellQuote(v)}`);
    // CI would make Ink print only the last frame; a person's terminal has no CI variable.
    const line = `env -u CI -u CONTINUOUS_INTEGRATION ${vars.join(' ')} ${command}; echo "[exit $?]"; exec cat`;
    this.tmux(
      'new-session',
      '-d',
      '-x',
      String(this.width),
      '-y',
      String(this.height),
      '-c',
      cwd,
      'bash',
      '--norc',
      '--noprofile',
      '-c',
      line,
    );
  }

  /** The visible screen (`escapes`: with colours and attributes, as tmux holds them). */
  screen(escapes = false): string {
    return this.tmux('capture-pane', '-p', ...(escapes ? ['-e'] : []));
  }

  /** The scrollback and the screen. */
  all(escapes = false): string {
    return this.tmux('capture-pane', '-p', '-S', '-', ...(escapes ? ['-e'] : []));
  }

  /** Resizes the window, as a person dragging the terminal's corner. */
  resize(width: number, height: number): void {
    this.tmux('resize-window', '-x', String(width), '-y', String(height));
  }

  /** Sends keys as tmux names them (`y`, `Enter`, `C-c`). */
  keys(...keys: string[]): void {
    this.tmux('send-keys', ...keys);
  }

  /**
   * Polls the screen with its scrollback (or, with `visible`, only what is on screen now: the
   * scrollback may hold earlier frames that scrolled off) until `test` holds; bounded.
   */
  async until(
    what: string,
    test: (text: string) => boolean,
    timeoutMs = 20_000,
    visible = false,
  ): Promise<string> {
    const polls = Math.ceil(timeoutMs / 50);
    let text = '';
    for (let i = 0; i < polls; i++) {
      text = visible ? this.screen() : this.all();
      if (test(text)) return text;
      // The command ended without showing it: waiting longer cannot help.
      if (/\[exit \d+\]/.test(text)) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`${this.width}×${this.height}: timed out waiting for ${what}; the screen was:\n${text}`);
  }

  /** Waits until the command has ended and returns its exit code. */
  async exitCode(timeoutMs = 30_000): Promise<number> {
    const text = await this.until('the command to end', (t) => /\[exit \d+\]/.test(t), timeoutMs);
    return Number(/\[exit (\d+)\]/.exec(text)![1]);
  }

  /** Ends the server and everything it runs, and removes its socket. */
  kill(): void {
    try {
      this.tmux('kill-server');
    } catch {
      // already gone
    }
    const dir = process.env.TMUX_TMPDIR ?? '/tmp';
    rmSync(join(dir, `tmux-${process.getuid?.() ?? 0}`, this.socket), { force: true });
  }
}

function shellQuote(s: string): string {
  return `'${s.replaceAll("'", `'\\''`)}'`;
}
