import type { GatheredGroup } from '../../gather.js';
import { formatCount, formatDuration, plural } from '../format.js';
import { shownOutput } from '../reducer.js';
import type { StepView } from '../state.js';
import type { Theme } from '../theme.js';
import { wrapText } from '../wrap.js';
import type { LineSpec } from './Line.js';

/**
 * A group's title, wrapped: `10.0.1.[1-8,10] (9 hosts): failed, exit 3`. With `maxLines`, a host
 * list too long for them ends at a group of hosts with `…` (the count still says how many).
 */
export function groupTitleLines(
  g: GatheredGroup,
  width: number,
  theme: Theme,
  indent = '   ',
  maxLines?: number,
): LineSpec[] {
  const tail = ` (${plural(g.count, 'host')}): ${g.statusText}`;
  let lines = wrapText(`${indent}${g.hosts}${tail}`, width, `${indent}  `);
  if (maxLines !== undefined && lines.length > maxLines) {
    let hosts = g.hosts;
    while (lines.length > maxLines && hosts.length > 0) {
      const cut = Math.max(
        hosts.lastIndexOf(', ', hosts.length - 2),
        hosts.lastIndexOf(',', hosts.length - 2),
      );
      hosts = cut > 0 ? hosts.slice(0, cut) : '';
      lines = wrapText(`${indent}${hosts}${hosts ? ', ' : ''}…${tail}`, width, `${indent}  `);
    }
  }
  // The status words end the last line: coloured there when they fit on it whole.
  return lines.map((line, i) => {
    if (i === lines.length - 1 && line.endsWith(g.statusText)) {
      return [
        { text: line.slice(0, line.length - g.statusText.length), bold: true },
        { text: g.statusText, color: g.failed ? theme.fail : theme.ok },
      ];
    }
    return [{ text: line, bold: true }];
  });
}

export function outputLine(text: string, theme: Theme): LineSpec {
  return [{ text: '     │ ', dim: theme.dim }, { text }];
}

const noOutput = (theme: Theme): LineSpec => [{ text: '     │ (no output)', dim: theme.dim }];

/** Every group of gathered output in full: titles wrapped, log lines as they are. */
export function outputBody(groups: readonly GatheredGroup[], width: number, theme: Theme): LineSpec[] {
  const out: LineSpec[] = [];
  for (const g of groups) {
    out.push(...groupTitleLines(g, width, theme));
    if (g.lines.length === 0) out.push(noOutput(theme));
    for (const l of g.lines) out.push(outputLine(l, theme));
  }
  return out;
}

export interface OutputViewOptions {
  theme: Theme;
  width: number;
  budget: number;
  /** Lines scrolled down from the top. */
  scroll: number;
  now: number;
  /** How often a running step's partial log is fetched again while open, in ms. */
  refreshMs?: number;
  /** Partial logs can be fetched (a UI without the capability only shows finished steps' output). */
  canFetch: boolean;
  /** The address of JOB's page for the step's job (BK_JOB_WEB_URL set). */
  jobLink?: string | undefined;
}

function where(step: StepView, o: OutputViewOptions): string {
  if (step.gathered) return '';
  if (step.phase === 'running' || step.phase === 'submitting') {
    const every = `every ${formatDuration(o.refreshMs ?? 5000)} while open`;
    if (step.partial)
      return ` · partial log from JOB, ${formatDuration(Math.max(0, o.now - step.partial.at))} ago (refreshed ${every})`;
    return o.canFetch
      ? ` · asking JOB for the partial log (refreshed ${every})`
      : ' · shown when the step ends';
  }
  return '';
}

/** The output of one step, opened with Enter: its gathered output (or JOB's partial log), scrolled. */
export function outputViewLines(step: StepView, o: OutputViewOptions): LineSpec[] {
  const groups = shownOutput(step) ?? [];
  const hosts = groups.reduce((n, g) => n + g.count, 0);
  const title: LineSpec = [
    { text: `${step.name}: `, bold: true },
    {
      text:
        groups.length === 0
          ? 'no output yet'
          : `output of ${plural(hosts, 'host')} in ${plural(groups.length, 'group')}`,
    },
    { text: where(step, o), dim: o.theme.dim },
    { text: '  (esc: back, ↑↓: scroll)', dim: o.theme.dim },
  ];
  const body = outputBody(groups, o.width, o.theme);
  if (o.jobLink) body.unshift([{ text: `   in JOB: ${o.jobLink}`, dim: o.theme.dim }]);
  if (step.partialError && !step.gathered) {
    for (const line of wrapText(`JOB's partial log could not be read: ${step.partialError}`, o.width, '   '))
      body.unshift([{ text: line, color: o.theme.warn }]);
  }
  if (groups.length === 0 && !step.partialError) {
    const why =
      step.phase === 'pending'
        ? 'not started yet'
        : step.phase === 'skipped'
          ? `skipped${step.skipReason ? `: ${step.skipReason}` : ''}`
          : step.phase === 'not-run'
            ? 'not run'
            : step.phase === 'error'
              ? 'the step has no host output (see its error)'
              : 'no host has written anything yet';
    body.push([{ text: `   ${why}`, dim: o.theme.dim }]);
  }
  const room = Math.max(0, o.budget - 1);
  const scroll = Math.min(o.scroll, Math.max(0, body.length - room));
  const shown = body.slice(scroll, scroll + room);
  const below = body.length - scroll - shown.length;
  if (below > 0 && shown.length > 0) {
    shown[shown.length - 1] = [{ text: `   ↓ ${plural(below + 1, 'more line')}`, dim: o.theme.dim }];
  }
  return [title, ...shown].slice(0, Math.max(1, o.budget));
}

/** How much of each step's output the final frame keeps. */
const SUMMARY_GROUPS = 5;
const SUMMARY_LINES = 3;
const SUMMARY_TITLE_LINES = 2;

/**
 * The output a finished step keeps on screen (and in the terminal's scrollback): a few lines per
 * group, then the command that prints the rest.
 */
export function outputSummaryLines(
  step: StepView,
  o: { width: number; theme: Theme; logsCommand?: string | undefined },
): LineSpec[] {
  const gathered = step.gathered;
  if (!gathered || gathered.count === 0) return [];
  const out: LineSpec[] = [];
  let cut = false;
  const shown = gathered.first(SUMMARY_GROUPS);
  for (const g of shown) {
    out.push(...groupTitleLines(g, o.width, o.theme, '   ', SUMMARY_TITLE_LINES));
    if (g.lines.length === 0) out.push(noOutput(o.theme));
    for (const l of g.lines.slice(0, SUMMARY_LINES)) out.push(outputLine(l, o.theme));
    if (g.lines.length > SUMMARY_LINES) {
      cut = true;
      out.push([
        { text: `     │ … ${plural(g.lines.length - SUMMARY_LINES, 'more line')}`, dim: o.theme.dim },
      ]);
    }
  }
  if (gathered.count > shown.length) {
    cut = true;
    const rest = gathered.hosts - shown.reduce((n, g) => n + g.count, 0);
    out.push([
      {
        text: `   … ${plural(gathered.count - shown.length, 'more group')} (${formatCount(rest)} hosts)`,
        dim: o.theme.dim,
      },
    ]);
  }
  if (cut && o.logsCommand) {
    for (const line of wrapText(`   the rest: ${o.logsCommand}`, o.width, '     '))
      out.push([{ text: line, dim: o.theme.dim }]);
  }
  return out;
}
