import { Box, Static, useInput } from 'ink';
import { shellWord } from '../format.js';
import type { KeyInfo } from '../keys.js';
import { focusedIndex, isDone } from '../reducer.js';
import type { StepView, ViewState } from '../state.js';
import type { Theme } from '../theme.js';
import { confirmLines } from './ConfirmBar.js';
import { detailLines, errorLines } from './Detail.js';
import { headerLines } from './Header.js';
import { interruptLines } from './InterruptBar.js';
import { type LineSpec, Lines } from './Line.js';
import { outputSummaryLines } from './Output.js';
import { recapLines } from './Recap.js';
import { stepLines } from './StepRow.js';

export interface AppProps {
  view: ViewState;
  /** The clock of the last tick: elapsed times and the spinner come from it. */
  now: number;
  width: number;
  height: number;
  theme: Theme;
  /** Key presses go here; absent (or no raw mode), the UI only watches. */
  onKey?: ((input: string, key: KeyInfo) => void) | undefined;
  /** A running step's open output is refreshed from JOB's partial log this often (ms); absent: not at all. */
  refreshMs?: number | undefined;
  /** The address of JOB's page for a step's job (BK_JOB_WEB_URL set). */
  jobLink?: ((step: string, jobInstanceId: number) => string | undefined) | undefined;
}

const linkOf = (p: AppProps, step: StepView | undefined) =>
  step?.jobInstanceId === undefined ? undefined : p.jobLink?.(step.name, step.jobInstanceId);

/** What a finished step leaves on screen below its row: its error in full, or its gathered output. */
export function finishedLines(step: StepView, p: AppProps): LineSpec[] {
  const runId = p.view.run?.runId ?? p.view.finished?.runId;
  if (step.phase === 'error' && step.error) return errorLines(step, p.theme, p.width, linkOf(p, step));
  const out = outputSummaryLines(step, {
    width: p.width,
    theme: p.theme,
    logsCommand: runId ? `runbook logs ${runId} --step ${shellWord(step.name)}` : undefined,
  });
  // What the hosts set (`::output`), folded by value as the stream prints it: kept under the row.
  for (const line of step.outputs ?? []) out.push([{ text: '   output ', dim: p.theme.dim }, { text: line }]);
  const link = linkOf(p, step);
  if (link && out.length > 0) out.push([{ text: `   in JOB: ${link}`, dim: p.theme.dim }]);
  return out;
}

function Keys({ onKey }: { onKey: (input: string, key: KeyInfo) => void }) {
  useInput((input, key) => onKey(input, key));
  return null;
}

/** The lines below `<Static>`: never taller than the screen, so Ink never clears it. */
export function liveLines(p: AppProps): LineSpec[] {
  const { view, theme, width } = p;
  const budget = Math.max(3, p.height - 1);
  const interactive = p.onKey !== undefined;
  const focus = focusedIndex(view);
  const nameWidth = Math.min(24, Math.max(0, ...view.steps.map((s) => s.name.length)));

  let bottom: LineSpec[];
  if (view.finished || view.left) {
    bottom = recapLines(view, width, Math.max(4, budget - 4), theme);
  } else if (view.confirm) {
    bottom = confirmLines(view.confirm, width, theme);
  } else if (view.interrupt) {
    bottom = interruptLines(view.interrupt, width, theme, view.run?.endpoint.local === true);
  } else if (interactive && view.steps.length > 0) {
    const hints = view.log
      ? 'esc back · ↑↓ scroll · ctrl-c stop'
      : '↑↓ step · tab group · enter output · ctrl-c stop';
    bottom = [[{ text: hints, dim: theme.dim }]];
  } else bottom = [];

  const rows: LineSpec[] = [];
  if (!view.finished && !view.left) {
    const live = view.steps.filter((s) => !isDone(s));
    const active = live.filter((s) => s.phase !== 'pending');
    const pending = live.filter((s) => s.phase === 'pending');
    const opts = { now: p.now, width, nameWidth, theme };
    for (const s of active) rows.push(...stepLines(s, { ...opts, focused: view.steps[focus] === s }));
    const room = Math.max(1, Math.floor((budget - bottom.length - rows.length) / 3));
    const shown = pending.length > room ? pending.slice(0, room - 1) : pending;
    for (const s of shown) rows.push(...stepLines(s, { ...opts, focused: view.steps[focus] === s }));
    if (shown.length < pending.length) {
      rows.push([{ text: `   … ${pending.length - shown.length} more steps`, dim: theme.dim }]);
    }
  }
  const room = budget - bottom.length - rows.length;
  // The last frame: every finished step's output and error are written above it, for good.
  const detail =
    view.finished || view.left
      ? []
      : detailLines(view.steps[focus], {
          theme,
          budget: room - (room > 2 ? 1 : 0),
          group: view.group,
          ...(view.log ? { logScroll: view.log.scroll } : {}),
          interactive: interactive && !view.finished && !view.left,
          chosen: view.focus !== undefined,
          width,
          now: p.now,
          ...(p.refreshMs === undefined ? {} : { refreshMs: p.refreshMs }),
          canFetch: p.refreshMs !== undefined,
          jobLink: linkOf(p, view.steps[focus]),
        });
  const gap: LineSpec[] = detail.length > 0 && rows.length > 0 ? [[]] : [];
  return [...rows, ...gap, ...detail, ...bottom].slice(-budget);
}

/** The whole screen as a pure function of its props (the key hook aside). */
export function App(p: AppProps) {
  const { view, theme, width } = p;
  const nameWidth = Math.min(24, Math.max(0, ...view.steps.map((s) => s.name.length)));
  return (
    <Box flexDirection="column" width={width}>
      <Static items={view.staticItems}>
        {(item) => {
          if (item === 'header') {
            return view.run ? (
              <Box key="header" flexDirection="column" width={width}>
                <Lines lines={headerLines(view.run, theme)} />
              </Box>
            ) : null;
          }
          const step = view.steps[view.index[item] ?? -1];
          return step ? (
            <Box key={item} flexDirection="column" width={width}>
              <Lines
                lines={[
                  ...stepLines(step, { now: p.now, width, nameWidth, theme }),
                  ...finishedLines(step, p),
                ]}
              />
            </Box>
          ) : null;
        }}
      </Static>
      <Lines lines={liveLines(p)} />
      {p.onKey ? <Keys onKey={p.onKey} /> : null}
    </Box>
  );
}
