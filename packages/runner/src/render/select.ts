import type { ConfirmFn, EventSink, HostResult, RunControl } from '../engine/events.js';
import { CliError, EXIT } from '../exit.js';
import { wantsColor } from './color.js';
import { createJsonRenderer } from './json.js';
import { createStreamRenderer } from './stream.js';

export type UiKind = 'stream' | 'json' | 'tui';

/** What a renderer offers the apply command. Only the TUI asks its own questions and steers the run. */
export interface Ui {
  emit: EventSink;
  confirm?: ConfirmFn;
  setControl?(control: RunControl): void;
  done(): Promise<void>;
}

/** `--ui`, else the TUI on a terminal outside CI, else the plain stream. */
export function chooseUi(
  flag: string | undefined,
  env: Record<string, string | undefined>,
  stdoutTty: boolean,
): UiKind {
  if (flag !== undefined) {
    if (flag === 'stream' || flag === 'json' || flag === 'tui') return flag;
    throw new CliError(`--ui ${flag}: choose stream, json or tui`, EXIT.usage);
  }
  return stdoutTty && !env.CI ? 'tui' : 'stream';
}

/** What the renderers may use besides the events. */
export interface UiExtras {
  /** Stream: hosts with identical output printed once (default), or host by host (`--no-gather`). */
  gather?: boolean;
  /** The address of JOB's page for a step's job (BK_JOB_WEB_URL set). */
  jobLink?: (step: string, jobInstanceId: number) => string | undefined;
  /** TUI: reads JOB's partial log of a running step whose output is open (masked). */
  fetchLogs?: (step: string, jobInstanceId: number) => Promise<HostResult[]>;
}

/** Loads the code of the chosen renderer (the TUI's: Ink, React, Yoga) without starting it. */
export async function loadUiCode(kind: UiKind): Promise<void> {
  if (kind === 'tui') await import('./tui/index.js');
}

/** Starts the chosen renderer; the TUI (and React) is loaded only when it is chosen. */
export async function startUi(
  kind: UiKind,
  io: { stdout: NodeJS.WriteStream; stdin: NodeJS.ReadStream; env: Record<string, string | undefined> },
  extras: UiExtras = {},
): Promise<Ui> {
  const write = (text: string) => {
    io.stdout.write(text);
  };
  if (kind === 'json') return { emit: createJsonRenderer(write), done: async () => {} };
  if (kind === 'stream') {
    const color = wantsColor(io.env, io.stdout.isTTY === true);
    const emit = createStreamRenderer(write, {
      color,
      // Standard output to a file or a terminal is written at once on Linux: nothing is left in the
      // stream, and the buffer is used again. A pipe takes what fits: the rest waits for its reader.
      writeBytes: (bytes) => {
        io.stdout.write(bytes);
        return io.stdout.writableLength === 0;
      },
      whenDrained: (resume) => whenDrained(io.stdout, resume),
      ...(extras.gather === undefined ? {} : { gather: extras.gather }),
      ...(extras.jobLink ? { jobLink: extras.jobLink } : {}),
    });
    return { emit, done: () => emit.drained() };
  }
  const { startTui } = await import('./tui/index.js');
  const noColor = !wantsColor(io.env, io.stdout.isTTY === true);
  return startTui({
    stdout: io.stdout,
    stdin: io.stdin,
    noColor,
    ...(extras.fetchLogs ? { fetchLogs: extras.fetchLogs } : {}),
    ...(extras.jobLink ? { jobLink: extras.jobLink } : {}),
  });
}

/**
 * Calls `resume` once, when `stream` has written out what it holds, or at once (or when it closes)
 * if it never will: an output whose reader went away must not keep the run waiting.
 */
function whenDrained(stream: NodeJS.WriteStream, resume: () => void): void {
  if (stream.destroyed || stream.writableEnded || stream.writableLength === 0) {
    queueMicrotask(resume);
    return;
  }
  const once = () => {
    stream.off('drain', once);
    stream.off('close', once);
    stream.off('error', once);
    resume();
  };
  stream.on('drain', once);
  stream.on('close', once);
  stream.on('error', once);
}
