import { esc } from './html-text.js';
import type { Bar, Timeline } from './timeline-model.js';
import { clockText, durationText, timeText } from './words.js';

const WIDTH = 1000;
const LABEL = 200;
const PLOT = WIDTH - LABEL - 20;
const ROW = 24;
const BAR = 16;
const AXIS = 34;

/**
 * The timeline as inline SVG: one row per step, one bar per step attempt or batch, on a time axis
 * from the run's start to its end; hovering a bar shows its times and counts (an SVG <title>, no
 * script). Each bar carries `data-bar` and its step, batch and result.
 */
export function timelineSvg(t: Timeline): string {
  const height = AXIS + t.rows.length * ROW + 8;
  const x = (ms: number) => LABEL + (Math.min(Math.max(ms, 0), t.span) / t.span) * PLOT;
  const out: string[] = [
    `<svg class="timeline" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-label="timeline of the run's steps and batches">`,
  ];
  for (const tick of ticks(t.start, t.span)) {
    const px = x(tick).toFixed(1);
    out.push(
      `<line class="grid" x1="${px}" y1="${AXIS - 6}" x2="${px}" y2="${height}"/>`,
      `<text class="muted" x="${px}" y="${AXIS - 12}" text-anchor="middle">${esc(clockText(t.start + tick))}</text>`,
    );
  }
  for (const m of t.marks) {
    const px = x(m.at).toFixed(1);
    out.push(
      `<line class="mark" x1="${px}" y1="${AXIS - 4}" x2="${px}" y2="${height}"><title>${esc(`${m.label} at ${clockText(t.start + m.at)}`)}</title></line>`,
    );
  }
  t.rows.forEach((row, i) => {
    const y = AXIS + i * ROW;
    const name = `${row.index}. ${row.step}`;
    out.push(
      `<text x="0" y="${y + BAR - 3}"><title>${esc(name)}</title>${esc(name.length > 30 ? `${name.slice(0, 29)}…` : name)}</text>`,
    );
    if (row.bars.length === 0) {
      out.push(`<text class="muted" x="${LABEL}" y="${y + BAR - 3}">${esc(row.words)}</text>`);
    }
    for (const b of row.bars) out.push(barSvg(b, x, y));
  });
  out.push('</svg>');
  return out.join('\n');
}

function barSvg(b: Bar, x: (ms: number) => number, y: number): string {
  const x0 = x(b.from);
  const w = Math.max(2, x(b.to) - x0);
  const title = [
    `${b.step}${b.batch !== undefined ? `, batch ${b.batch}` : ''}: ${b.words}`,
    `${timeText(b.startedAt)} to ${b.finishedAt ? timeText(b.finishedAt) : 'no end recorded'}${b.finishedAt ? ` (${durationText(b.to - b.from)})` : ''}`,
    ...(b.counts ? [b.counts] : []),
  ].join('\n');
  const attrs = [
    'data-bar=""',
    `data-step="${esc(b.step)}"`,
    ...(b.batch !== undefined ? [`data-batch="${esc(b.batch)}"`] : []),
    `data-result="${esc(b.state)}"`,
    `class="bar b-${b.tone}${b.open ? ' open' : ''}"`,
    `x="${x0.toFixed(1)}"`,
    `y="${y}"`,
    `width="${w.toFixed(1)}"`,
    `height="${BAR}"`,
    'rx="2"',
  ];
  return `<rect ${attrs.join(' ')}><title>${esc(title)}</title></rect>`;
}

/** Ticks at round clock times (every 1 s, 5 s, … 1 d), five to ten across the span, as offsets from the start. */
function ticks(start: number, span: number): number[] {
  const steps = [
    1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 21600, 43200, 86400,
  ].map((s) => s * 1000);
  const every = steps.find((s) => span / s <= 8) ?? Math.ceil(span / 8 / 86_400_000) * 86_400_000;
  const out: number[] = [];
  for (let t = Math.ceil(start / every) * every - start; t <= span && out.length < 12; t += every)
    out.push(t);
  return out;
}
