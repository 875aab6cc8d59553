import { plural } from '../format.js';
import type { ConfirmView } from '../state.js';
import type { Theme } from '../theme.js';
import { type LineSpec, Lines, rule } from './Line.js';

/** The question, what will run where, and the explicit choices (or the name to type). */
export function confirmLines(c: ConfirmView, width: number, theme: Theme): LineSpec[] {
  const r = c.request;
  // The run's own question counts the steps it will run (a resume skips the done ones): the bar
  // repeats only the hosts, so that the two never disagree.
  const where = r.step
    ? `step ${r.step} on ${plural(r.hostCount, 'host')}`
    : `on ${plural(r.hostCount, 'host')}`;
  const lines: LineSpec[] = [
    rule('confirm', width, theme.warn),
    [
      { text: '? ', color: theme.warn, bold: true },
      { text: r.question, bold: true },
    ],
    [{ text: `  runs ${where}`, dim: theme.dim }],
  ];
  if (r.typeToConfirm === undefined) {
    lines.push([
      { text: '  [y]', color: theme.ok, bold: true },
      { text: ' yes, run it    ' },
      { text: '[n]', color: theme.fail, bold: true },
      { text: ' no, stop here' },
    ]);
    return lines;
  }
  lines.push(
    [
      { text: '  Production-sized: type ', color: theme.warn },
      { text: r.typeToConfirm, bold: true },
      { text: ' and press Enter to run it, Esc to decline.', color: theme.warn },
    ],
    [
      { text: '  › ', color: theme.accent, bold: true },
      { text: c.typed },
      { text: '_', color: theme.accent },
    ],
  );
  if (c.mismatch)
    lines.push([{ text: '  That is not the step name; type it again or press Esc.', color: theme.fail }]);
  return lines;
}

export function ConfirmBar(p: { confirm: ConfirmView; width: number; theme: Theme }) {
  return <Lines lines={confirmLines(p.confirm, p.width, p.theme)} />;
}
