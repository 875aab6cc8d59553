import type { ConfirmFn, EventSink, RunControl } from '../engine/events.js';
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

/** Starts the chosen renderer; the TUI (and React) is loaded only when it is chosen. */
export async function startUi(
  kind: UiKind,
  io: { stdout: NodeJS.WriteStream; stdin: NodeJS.ReadStream; env: Record<string, string | undefined> },
): Promise<Ui> {
  const write = (text: string) => {
    io.stdout.write(text);
  };
  if (kind === 'json') return { emit: createJsonRenderer(write), done: async () => {} };
  if (kind === 'stream') {
    const color = wantsColor(io.env, io.stdout.isTTY === true);
    return { emit: createStreamRenderer(write, { color }), done: async () => {} };
  }
  const { startTui } = await import('./tui/index.js');
  const noColor = !wantsColor(io.env, io.stdout.isTTY === true);
  return startTui({ stdout: io.stdout, stdin: io.stdin, noColor });
}
