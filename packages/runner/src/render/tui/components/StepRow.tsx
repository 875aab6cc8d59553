import type { HostCounts } from '../../../engine/events.js';
import { formatCount, formatDuration, plural } from '../format.js';
import { isActive } from '../reducer.js';
import type { StepView } from '../state.js';
import { GLYPH, SPINNER, type Theme } from '../theme.js';
import { type LineSpec, Lines, type Seg } from './Line.js';

export interface StepRowOptions {
  now: number;
  width: number;
  nameWidth: number;
  theme: Theme;
  /** Marks the step whose detail is shown. */
  focused?: boolean;
}

export function elapsedOf(step: StepView, now: number): number | undefined {
  if (step.elapsedMs !== undefined) return step.elapsedMs;
  if (step.startedAt !== undefined && isActive(step)) return now - step.startedAt;
  return undefined;
}

function glyph(step: StepView, now: number, theme: Theme): Seg {
  switch (step.phase) {
    case 'submitting':
    case 'running':
      return { text: SPINNER[Math.floor(now / 1000) % SPINNER.length]!, color: theme.accent };
    case 'succeeded':
      return { text: GLYPH.succeeded, color: theme.ok };
    case 'failed':
      return { text: GLYPH.failed, color: theme.fail };
    case 'error':
      return { text: GLYPH.error, color: theme.fail, bold: true };
    default:
      return { text: GLYPH[step.phase], dim: theme.dim };
  }
}

/** Counters in words when the line has room, in short words when it has not. */
export function counterSegs(c: HostCounts, room: number, theme: Theme): Seg[] {
  const long = [
    ['ok', c.succeeded, theme.ok],
    ['failed', c.failed, theme.fail],
    ['running', c.running, undefined],
    ['waiting', c.waiting, undefined],
    ['agent errors', c.agentError, theme.warn],
  ] as const;
  const short = ['ok', 'fail', 'run', 'wait', 'agent'];
  const text = (labels: readonly string[]) =>
    `${long.map(([, n], i) => `${labels[i]} ${formatCount(n)}`).join('  ')}  of ${formatCount(c.total)}`;
  const labels = text(long.map(([l]) => l)).length <= room ? long.map(([l]) => l) : short;
  const segs: Seg[] = [];
  long.forEach(([, n, color], i) => {
    if (i > 0) segs.push({ text: '  ' });
    segs.push(
      { text: `${labels[i]} ` },
      { text: formatCount(n), bold: n > 0, color: n > 0 ? color : undefined },
    );
  });
  segs.push({ text: `  of ${formatCount(c.total)}` });
  return segs;
}

/** What a finished step came to, in a few words. */
function outcome(step: StepView, theme: Theme): Seg[] {
  const c = step.counts;
  switch (step.phase) {
    case 'succeeded':
      return [{ text: c ? `ok ${formatCount(c.succeeded)}/${formatCount(c.total)}` : 'ok', color: theme.ok }];
    case 'failed': {
      const how = `${step.partial ? ' (partial)' : ''}${step.ignored ? ' (ignored)' : ''}`;
      if (!c) return [{ text: `failed${how}`, color: theme.fail }];
      const bad = c.total - c.succeeded;
      const segs: Seg[] = [
        {
          text: `${formatCount(bad)} of ${formatCount(c.total)} failed${how}`,
          color: theme.fail,
          bold: true,
        },
      ];
      if (c.agentError > 0)
        segs.push({ text: ` (${plural(c.agentError, 'agent error')})`, color: theme.warn });
      segs.push({ text: ` · ok ${formatCount(c.succeeded)}` });
      return segs;
    }
    case 'error':
      return [
        {
          text: step.error?.mayHaveStarted ? 'may have started: ' : 'error: ',
          color: theme.fail,
          bold: true,
        },
        { text: step.error?.message ?? '' },
      ];
    case 'skipped':
      return [{ text: `skipped${step.skipReason ? `: ${step.skipReason}` : ''}`, dim: theme.dim }];
    case 'not-run':
      return [{ text: 'not run', dim: theme.dim }];
    case 'pending':
      return [{ text: `${plural(step.hostCount, 'host')}`, dim: theme.dim }];
    default:
      return [];
  }
}

/** `batch 2/5 · failed 1/2 allowed` (and the pause before the next batch). */
export function batchText(b: NonNullable<StepView['batch']>): string {
  const pause = b.pauseMs ? ` · pausing ${formatDuration(b.pauseMs)} before the next` : '';
  return `batch ${b.index}/${b.of} · failed ${b.failed}/${b.maxFail} allowed${pause}`;
}

/** The step's row: glyph, name, elapsed, job id, then counters (running: on a second line). */
export function stepLines(step: StepView, o: StepRowOptions): LineSpec[] {
  const elapsed = elapsedOf(step, o.now);
  const head: Seg[] = [
    { text: o.focused ? '›' : ' ', color: o.theme.accent, bold: true },
    glyph(step, o.now, o.theme),
    { text: ` ${step.name.padEnd(o.nameWidth)} `, bold: isActive(step) || step.phase === 'failed' },
    { text: (elapsed === undefined ? '' : formatDuration(elapsed)).padStart(6), dim: o.theme.dim },
    { text: step.jobInstanceId === undefined ? '' : `  job ${step.jobInstanceId}` },
    ...(step.reattached ? [{ text: ' (re-attached)', dim: o.theme.dim }] : []),
    ...(step.batch ? [{ text: `  ${batchText(step.batch)}`, dim: o.theme.dim }] : []),
  ];
  if (!isActive(step)) return [[...head, { text: '  ' }, ...outcome(step, o.theme)]];
  const indent = ' '.repeat(4);
  const second: Seg[] = step.counts
    ? [{ text: indent }, ...counterSegs(step.counts, o.width - indent.length, o.theme)]
    : step.waiting
      ? [
          {
            text: `${indent}JOB's running-job quota is full (code ${step.waiting.code}): submitting again in ${formatDuration(step.waiting.waitMs)} · ${step.waiting.message}`,
            color: o.theme.warn,
          },
        ]
      : [
          {
            text: `${indent}${step.phase === 'submitting' ? 'submitting to JOB' : 'waiting for JOB'} · ${plural(step.hostCount, 'host')}`,
            dim: o.theme.dim,
          },
        ];
  return [head, second];
}

export function StepRow({ step, ...o }: StepRowOptions & { step: StepView }) {
  return <Lines lines={stepLines(step, o)} />;
}
