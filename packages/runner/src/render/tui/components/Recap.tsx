import { exitMeaning, formatCount, formatDuration } from '../format.js';
import type { StepView, ViewState } from '../state.js';
import { GLYPH, type Theme } from '../theme.js';
import { type LineSpec, Lines, rule } from './Line.js';

function resultText(s: StepView, terminated: boolean): string {
  const c = s.counts;
  switch (s.phase) {
    case 'succeeded':
      return c ? `ok on ${formatCount(c.total)}/${formatCount(c.total)} hosts` : 'ok';
    case 'failed': {
      const how = `${s.partial ? ' (partial, within its failure budget)' : ''}${s.ignored ? ' (ignored)' : ''}`;
      return `${c ? `failed on ${formatCount(c.total - c.succeeded)}/${formatCount(c.total)} hosts` : 'failed'}${how}`;
    }
    case 'error':
      return s.error?.mayHaveStarted ? 'may have started (check JOB)' : `error ${s.error?.code ?? ''}`.trim();
    case 'skipped':
      return 'skipped';
    case 'running':
    case 'submitting':
      return terminated ? 'JOB was asked to terminate it' : 'left running on JOB';
    default:
      return 'not run';
  }
}

function glyphOf(s: StepView, theme: Theme) {
  if (s.phase === 'succeeded') return { text: GLYPH.succeeded, color: theme.ok };
  if (s.phase === 'failed') return { text: GLYPH.failed, color: theme.fail };
  if (s.phase === 'error') return { text: GLYPH.error, color: theme.fail };
  if (s.phase === 'running' || s.phase === 'submitting') return { text: '»', color: theme.warn };
  if (s.phase === 'skipped') return { text: GLYPH.skipped };
  return { text: GLYPH['not-run'] };
}

/**
 * The end: a line per step, the exit code and its meaning, and the run id. With more steps than
 * room, the succeeded ones are counted instead of listed. The resume command is written after the
 * last frame, as a plain line the terminal may wrap, so that it can be copied whole at any width.
 */
export function recapLines(view: ViewState, width: number, budget: number, theme: Theme): LineSpec[] {
  const f = view.finished;
  const runId = f?.runId ?? view.run?.runId ?? '';
  const exitCode = f ? f.exitCode : 130;
  const head = rule('recap', width, f?.ok ? theme.ok : theme.fail);
  const tail: LineSpec[] = [];
  if (view.left) {
    tail.push([{ text: 'Left at once: a job may still be running on JOB.', color: theme.warn, bold: true }]);
  }
  tail.push([
    { text: `exit ${exitCode}`, bold: true, color: exitCode === 0 ? theme.ok : theme.fail },
    { text: `: ${exitMeaning(exitCode)}` },
    ...(f && !exitMeaning(exitCode).includes(f.reason) ? [{ text: ` (${f.reason})`, dim: theme.dim }] : []),
  ]);
  tail.push([{ text: 'run id ', dim: theme.dim }, { text: runId }]);
  if (f?.next) {
    // Whole or not at all: a cut command pasted would do something else. Apply prints it below too.
    const label = 'next: ';
    tail.push(
      label.length + f.next.length <= width
        ? [
            { text: label, dim: theme.dim },
            { text: f.next, bold: true },
          ]
        : [{ text: 'next: the command to continue this run is printed below', dim: theme.dim }],
    );
  }
  const nameWidth = Math.min(24, Math.max(0, ...view.steps.map((s) => s.name.length)));
  const row = (s: StepView): LineSpec => [
    { text: ' ' },
    glyphOf(s, theme),
    { text: ` ${s.name.padEnd(nameWidth)} ` },
    { text: (s.elapsedMs === undefined ? '' : formatDuration(s.elapsedMs)).padStart(6), dim: theme.dim },
    { text: `  ${resultText(s, view.interrupted?.action === 'terminate')}` },
  ];
  const room = Math.max(0, budget - 1 - tail.length);
  let rows = view.steps;
  let folded = 0;
  if (rows.length > room) {
    rows = rows.filter((s) => s.phase !== 'succeeded' && s.phase !== 'skipped');
    folded = view.steps.length - rows.length;
    rows = rows.slice(0, Math.max(0, room - 1));
  }
  const lines = [head, ...rows.map(row)];
  if (folded > 0)
    lines.push([
      { text: ` ${GLYPH.succeeded} ${formatCount(folded)} more steps succeeded or skipped`, color: theme.ok },
    ]);
  return [...lines, ...tail];
}

export function Recap(p: { view: ViewState; width: number; budget: number; theme: Theme }) {
  return <Lines lines={recapLines(p.view, p.width, p.budget, p.theme)} />;
}
