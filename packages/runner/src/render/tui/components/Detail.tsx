import { hostStatusWords, jobStatusWords } from '../../status-words.js';
import { formatCount, plural } from '../format.js';
import type { FailureGroup, StepView } from '../state.js';
import type { Theme } from '../theme.js';
import { wrapText } from '../wrap.js';
import { type LineSpec, Lines } from './Line.js';
import { outputViewLines } from './Output.js';

export interface DetailOptions {
  theme: Theme;
  /** Lines this panel may use. */
  budget: number;
  /** Index of the selected group. */
  group: number;
  /** Full log of the selected group, scrolled up from its end by this many lines. */
  logScroll?: number;
  /** Key hints are shown (a person can press them). */
  interactive: boolean;
  /** Screen width: errors and host lists wrap to it, never cut. */
  width: number;
  /** The clock of the frame (how old a partial log is). */
  now?: number;
  /** How often an open running step's partial log is fetched again, in ms. */
  refreshMs?: number;
  /** Partial logs of running steps can be fetched. */
  canFetch?: boolean;
  /** The address of JOB's page for the step's job, when BK_JOB_WEB_URL is set. */
  jobLink?: string | undefined;
}

/** How many host names go on a group's title line: never all 10,000. */
const HOSTS_SHOWN = 12;

function hostsText(hosts: readonly string[]): string {
  const shown = hosts.slice(0, HOSTS_SHOWN).join(', ');
  return hosts.length > HOSTS_SHOWN ? `${shown}, +${formatCount(hosts.length - HOSTS_SHOWN)} more` : shown;
}

function groupTitle(g: FailureGroup, selected: boolean, theme: Theme): LineSpec {
  return [
    { text: selected ? ' › ' : '   ', color: theme.accent, bold: true },
    {
      text: hostStatusWords(g.status, g.exitCode),
      color: theme.fail,
    },
    { text: ` · ${plural(g.hosts.length, 'host')}`, bold: true },
    ...(g.variants ? [{ text: ` (${formatCount(g.variants)} similar outputs)`, dim: theme.dim }] : []),
    { text: `: ${g.folded ?? hostsText(g.hosts)}` },
  ];
}

function logLine(text: string, theme: Theme): LineSpec {
  return [{ text: '     │ ', dim: theme.dim }, { text }];
}

function groupLines(g: FailureGroup, tail: number, selected: boolean, theme: Theme): LineSpec[] {
  const lines = [groupTitle(g, selected, theme)];
  if (tail === 0) return lines;
  if (g.lines.length === 0) return [...lines, [{ text: '     │ (no output)', dim: theme.dim }]];
  for (const l of g.lines.slice(-tail)) lines.push(logLine(l, theme));
  return lines;
}

const groupHeight = (g: FailureGroup, tail: number) =>
  1 + (tail === 0 ? 0 : Math.min(tail, Math.max(1, g.lines.length)));

/** Failed hosts grouped by (status, exit code, output), each group with the last lines of its log. */
export function failureLines(step: StepView, o: DetailOptions): LineSpec[] {
  const groups = step.groups;
  const failed = groups.reduce((n, g) => n + g.hosts.length, 0);
  const sel = Math.min(o.group, groups.length - 1);
  const title: LineSpec = [
    { text: `${step.name}: `, bold: true },
    { text: `${plural(failed, 'failed host')} in ${plural(groups.length, 'group')}`, color: o.theme.fail },
    ...(o.interactive ? [{ text: '  (tab: next group, enter: all output)', dim: o.theme.dim }] : []),
  ];
  const room = o.budget - 1;
  // The most log lines per group that still show the selected group: the window starts as early
  // as it can while still reaching the selected group, then takes what else fits after it.
  for (const tail of [3, 2, 1, 0]) {
    const heights = groups.map((g) => groupHeight(g, tail));
    const span = (from: number, to: number) => heights.slice(from, to + 1).reduce((a, b) => a + b, 0);
    const more = (from: number, to: number) => (from > 0 || to < groups.length - 1 ? 1 : 0);
    let first = 0;
    while (first < sel && span(first, sel) + more(first, sel) > room) first++;
    if (span(first, sel) + more(first, sel) > room) continue;
    let last = sel;
    while (last + 1 < groups.length && span(first, last + 1) + more(first, last + 1) <= room) last++;
    const out: LineSpec[] = [];
    for (let i = first; i <= last; i++) out.push(...groupLines(groups[i]!, tail, i === sel, o.theme));
    const hidden = groups.length - (last - first + 1);
    if (hidden > 0) {
      const where = first > 0 && last < groups.length - 1 ? 'above and below' : first > 0 ? 'above' : 'below';
      out.push([{ text: `   + ${plural(hidden, 'more group')} ${where}`, dim: o.theme.dim }]);
    }
    return [title, ...out];
  }
  return o.budget >= 2 ? [title, groupTitle(groups[sel]!, true, o.theme)] : [title];
}

/**
 * A step's error in full, wrapped to the screen (never cut: JOB's refusal names the hosts at its
 * end), its hint below it, and what to check when the job may have started.
 */
export function errorLines(step: StepView, theme: Theme, width: number, jobLink?: string): LineSpec[] {
  const e = step.error!;
  const head = `${step.name}: ${e.code} `;
  const wrapped = wrapText(`${head}${e.message}`, width, '   ');
  const lines: LineSpec[] = wrapped.map((line, i) =>
    i === 0 && line.startsWith(head)
      ? [
          { text: `${step.name}: `, bold: true },
          { text: `${e.code} `, color: theme.fail, bold: true },
          { text: line.slice(head.length) },
        ]
      : [{ text: line }],
  );
  if (e.hint && !e.message.includes(e.hint)) {
    for (const line of wrapText(`   hint: ${e.hint}`, width, '   '))
      lines.push([{ text: line, dim: theme.dim }]);
  }
  if (e.mayHaveStarted) {
    const where = step.jobInstanceId === undefined ? 'JOB' : `job ${step.jobInstanceId} in JOB`;
    const text = `   The job may have started: check ${where}; resume asks before doing anything with it.`;
    for (const line of wrapText(text, width, '   ')) lines.push([{ text: line, color: theme.warn }]);
  }
  if (jobLink) lines.push([{ text: `   in JOB: ${jobLink}`, dim: theme.dim }]);
  return lines;
}

const PHASE_WORDS: Record<StepView['phase'], string> = {
  pending: 'not started yet',
  submitting: 'being submitted to JOB',
  running: 'running on JOB',
  succeeded: 'succeeded on every host',
  failed: 'failed',
  error: 'error',
  skipped: 'skipped',
  'not-run': 'not run',
};

/**
 * The focused step in detail: its failures, its error, or (when the person moved to it) a word on
 * where it stands.
 */
export function detailLines(step: StepView | undefined, o: DetailOptions & { chosen?: boolean }): LineSpec[] {
  if (!step || o.budget <= 0) return [];
  let lines: LineSpec[];
  if (o.logScroll !== undefined) {
    return outputViewLines(step, {
      theme: o.theme,
      width: o.width,
      budget: o.budget,
      scroll: o.logScroll,
      now: o.now ?? Date.now(),
      ...(o.refreshMs === undefined ? {} : { refreshMs: o.refreshMs }),
      canFetch: o.canFetch ?? false,
      jobLink: o.jobLink,
    });
  }
  if (step.groups.length > 0) lines = failureLines(step, o);
  // A step's error is written in full below its row as it ends; here only when the person asks.
  else if (step.phase === 'error' && step.error) {
    if (!o.chosen) return [];
    lines = errorLines(step, o.theme, o.width, o.jobLink);
  } else if (step.phase === 'failed' || o.chosen) {
    const words =
      step.phase === 'failed'
        ? `failed with no failed host reported (JOB: ${step.status === undefined ? 'no status' : jobStatusWords(step.status)})`
        : step.phase === 'skipped' && step.skipReason
          ? `skipped: ${step.skipReason}`
          : PHASE_WORDS[step.phase];
    lines = [
      [
        { text: `${step.name}: `, bold: true },
        { text: words, color: step.phase === 'failed' ? o.theme.fail : undefined },
      ],
    ];
    if (step.description) lines.push([{ text: `   ${step.description}`, dim: o.theme.dim }]);
  } else return [];
  for (const out of step.outputs ?? []) lines.push([{ text: '   output ', dim: o.theme.dim }, { text: out }]);
  return lines.slice(0, o.budget);
}

export function Detail({ step, ...o }: DetailOptions & { step: StepView | undefined }) {
  return <Lines lines={detailLines(step, o)} />;
}
