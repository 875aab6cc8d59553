import type { ViewState } from '../state.js';
import type { Theme } from '../theme.js';
import { wrapText } from '../wrap.js';
import { type LineSpec, Lines, rule } from './Line.js';

/**
 * The choices, said as they are: against a JOB server a detached job keeps running there (resume
 * follows it); under --local the embedded emulator stops with the runner, and its job with it.
 */
function choices(local: boolean) {
  return [
    [
      'd',
      local
        ? 'detach: stop here; the local emulator and its job stop with the runner'
        : 'detach (job keeps running on JOB)',
    ],
    ['t', 'terminate the job'],
    ['k', 'keep watching'],
  ] as const;
}

/** The Ctrl-C bar: three explicit choices, and the way out at once. */
export function interruptLines(
  interrupt: NonNullable<ViewState['interrupt']>,
  width: number,
  theme: Theme,
  local = false,
): LineSpec[] {
  const lines: LineSpec[] = [rule('Ctrl-C', width, theme.warn)];
  if (interrupt.chosen === 'detach') {
    const text = local
      ? 'Detaching: no new step will be submitted; the local emulator stops with the runner, and the job with it.'
      : 'Detaching: no new step will be submitted; the job keeps running on JOB.';
    for (const line of wrapText(text, width, '  ')) lines.push([{ text: line, color: theme.warn }]);
  } else if (interrupt.chosen === 'terminate') {
    lines.push([{ text: 'Terminating the job on JOB…', color: theme.fail }]);
  } else {
    lines.push([{ text: 'Stop following this run?', bold: true }]);
    choices(local).forEach(([key, label], i) => {
      const sel = i === interrupt.selected;
      lines.push([
        { text: sel ? ' › ' : '   ', color: theme.accent, bold: true },
        { text: `[${key}]`, bold: true, color: i === 1 ? theme.fail : theme.accent },
        { text: ` ${label}`, inverse: sel && theme.accent !== undefined, bold: sel },
      ]);
    });
  }
  lines.push([{ text: 'Ctrl-C again leaves at once.', dim: theme.dim }]);
  return lines;
}

export function InterruptBar(p: {
  interrupt: NonNullable<ViewState['interrupt']>;
  width: number;
  theme: Theme;
  local?: boolean;
}) {
  return <Lines lines={interruptLines(p.interrupt, p.width, p.theme, p.local)} />;
}
