import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { summary } from './stats.mjs';

/**
 * A graded figure. `op` says which side of the target passes: '<=' (at most) or '>=' (at least).
 * @returns {{ name: string, unit: string, median: number, min: number, max: number, target: number, op: string, verdict: 'pass'|'fail', runs: number, note?: string }}
 */
export function figure(name, unit, samples, target, op = '<=', note) {
  const s = summary(samples);
  const ok = Number.isFinite(s.median) && (op === '<=' ? s.median <= target : s.median >= target);
  const f = {
    name,
    unit,
    median: s.median,
    min: s.min,
    max: s.max,
    target,
    op,
    verdict: ok ? 'pass' : 'fail',
  };
  f.runs = s.n;
  if (note) f.note = note;
  return f;
}

/** A figure that failed to be measured at all: reported as a fail with the reason. */
export function missing(name, unit, target, op, reason) {
  return {
    name,
    unit,
    median: null,
    min: null,
    max: null,
    target,
    op,
    verdict: 'fail',
    runs: 0,
    note: `not measured: ${reason}`,
  };
}

/** An ungraded context figure (a baseline, a ratio): printed, and written beside the results. */
export function info(name, unit, samples, note) {
  const s = summary(samples);
  return { name, unit, median: s.median, min: s.min, max: s.max, runs: s.n, ...(note ? { note } : {}) };
}

const fmt = (x) => {
  if (x === null || x === undefined || Number.isNaN(x)) return '—';
  const a = Math.abs(x);
  if (a >= 1000) return Math.round(x).toLocaleString('en-US');
  if (a >= 100) return x.toFixed(0);
  if (a >= 10) return x.toFixed(1);
  return x.toFixed(2);
};

export function table(figures, infos) {
  const rows = [['figure', 'median', 'min–max', 'target', 'verdict']];
  for (const f of figures) {
    rows.push([
      f.name,
      `${fmt(f.median)} ${f.unit}`,
      `${fmt(f.min)}–${fmt(f.max)}`,
      `${f.op === '<=' ? '≤' : '≥'} ${fmt(f.target)} ${f.unit}`,
      f.verdict.toUpperCase(),
    ]);
  }
  for (const i of infos)
    rows.push([i.name, `${fmt(i.median)} ${i.unit}`, `${fmt(i.min)}–${fmt(i.max)}`, '', '(info)']);
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const line = (r) =>
    r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ');
  const sep = widths.map((w) => '-'.repeat(w)).join('  ');
  const notes = [...figures, ...infos].filter((f) => f.note).map((f) => `  * ${f.name}: ${f.note}`);
  return [line(rows[0]), sep, ...rows.slice(1).map(line), ...(notes.length ? ['', ...notes] : [])].join('\n');
}

export async function writeJson(file, data) {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(data, null, 2)}\n`);
}

/** The same table in Markdown, for the README's Performance section. */
export function markdown(figures, infos) {
  const rows = ['| figure | median | min–max | target | verdict |', '| --- | ---: | ---: | ---: | --- |'];
  for (const f of figures) {
    const target = `${f.op === '<=' ? '≤' : '≥'} ${fmt(f.target)} ${f.unit}`;
    rows.push(
      `| ${f.name} | ${fmt(f.median)} ${f.unit} | ${fmt(f.min)}–${fmt(f.max)} | ${target} | ${f.verdict} |`,
    );
  }
  for (const i of infos)
    rows.push(`| ${i.name} | ${fmt(i.median)} ${i.unit} | ${fmt(i.min)}–${fmt(i.max)} | | (context) |`);
  return `${rows.join('\n')}\n`;
}
