import type { ConfirmFn } from '../engine/events.js';
import { escapeControls } from '../render/controls.js';

export interface PromptOptions {
  input: NodeJS.ReadStream;
  output: NodeJS.WritableStream;
  /** Ctrl-C while a question waits (readline takes it from the terminal instead of a signal). */
  onInterrupt: () => void;
}

/** Asks on the terminal, one line per question; anything but y/yes declines. */
export function createPrompt(options: PromptOptions): ConfirmFn {
  return async (req) => {
    const question = escapeControls(req.question);
    if (!options.input.isTTY) {
      options.output.write(
        `runbook: "${question}" needs an answer and there is no terminal to ask; declined\n`,
      );
      return false;
    }
    // node:readline is loaded only to ask: `--yes` and every non-asking command go without it.
    const rl = process
      .getBuiltinModule('node:readline')
      .createInterface({ input: options.input, output: options.output, terminal: true });
    try {
      const expected = req.typeToConfirm;
      const prompt = expected ? `${question} Type ${expected} to go on: ` : `${question} [y/N] `;
      const answer = await new Promise<string | undefined>((resolve) => {
        rl.on('SIGINT', () => {
          options.onInterrupt();
          resolve(undefined);
        });
        rl.on('close', () => resolve(undefined));
        rl.question(prompt, resolve);
      });
      if (answer === undefined) return false;
      return expected ? answer.trim() === expected : /^(y|yes)$/i.test(answer.trim());
    } finally {
      rl.close();
    }
  };
}
