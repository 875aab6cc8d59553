import type { ViewState } from '../state.js';
import type { Theme } from '../theme.js';
import { type LineSpec, Lines, rule } from './Line.js';

const CHOICES = [
  ['d', 'detach (job keeps running)'],
  ['t', 'terminate the job'],
  ['k', 'keep watching'],
] as const;

/** The Ctrl-C bar: three explicit choices, and the way out at once. */
export function interruptLines(
  interrupt: NonNullable<ViewState['interrupt']>,
  width: number,
  theme: Theme,
): LineSpec[] {
  const lines: LineSpec[] = [rule('Ctrl-C', width, theme.warn)];
  if (interrupt.chosen === 'detach') {
    lines.push([
      { text: 'Detaching: no new step will be submitted; the job keeps running on JOB.', color: theme.warn },
    ]);
  } else if (interrupt.chosen === 'terminate') {
    lines.push([{ text: 'Terminating the job on JOB…', color: theme.fail }]);
  } else {
    lines.push([{ text: 'Stop following this run?', bold: true }]);
    CHOICES.forEach(([key, label], i) => {
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
}) {
  return <Lines lines={interruptLines(p.interrupt, p.width, p.theme)} />;
}
