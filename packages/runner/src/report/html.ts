import { STYLE } from './html-style.js';
import { esc, link, table, td } from './html-text.js';
import type { JobRef, ReportModel, StepModel } from './model.js';
import { timelineSvg } from './timeline-svg.js';
import { attemptText, durationText, hostsSentence, num, plural, type Tone, timeText } from './words.js';

/**
 * The report as one self-contained HTML file: inline CSS and SVG, no script, nothing fetched, so it
 * opens offline, prints, and follows the reader's light or dark mode. Every text from the record is escaped.
 */
export function renderHtml(m: ReportModel): string {
  const title = `Run ${m.runId}: ${m.runbook.name}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${esc(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${esc(title)}</h1>
${summary(m)}
<h2>Timeline</h2>
${legend()}
${timelineSvg(m.timeline)}
<h2>Steps</h2>
${stepsTable(m.steps)}
${m.steps.map(stepSection).join('\n')}
<h2>Resumes</h2>
${m.resumes.length === 0 ? '<p>The run was never resumed.</p>' : resumes(m)}
<h2>Reproduce</h2>
<p>To run the same runbook again as this run did:</p>
<pre><code>${esc(m.reproduce.join('\n'))}</code></pre>
</body>
</html>
`;
}

const tone = (t: Tone, words: string) => `<span class="tone t-${t}">${esc(words)}</span>`;
const code = (text: string) => `<code>${esc(text)}</code>`;

function summary(m: ReportModel): string {
  const rows: Array<[string, string]> = [
    ['Runbook', `${esc(m.runbook.name)}, ${code(m.runbook.path)}`],
    [
      'Commit',
      m.runbook.gitSha
        ? `${code(m.runbook.gitSha)}${m.runbook.dirty ? ' with uncommitted changes' : ''}`
        : 'not in a git repository',
    ],
    ['Operator', m.operator ? esc(m.operator) : '<span class="muted">not recorded</span>'],
    [
      'Endpoint',
      `${m.endpoint.local ? 'the local emulator' : code(m.endpoint.url)} (${esc(m.endpoint.transport)}), ${esc(m.scope)}`,
    ],
    ...(m.limit ? [['Limited to', code(m.limit)] as [string, string]] : []),
    ['Started', esc(timeText(m.startedAt))],
    ['Finished', m.finishedAt ? esc(timeText(m.finishedAt)) : 'not recorded (the run did not finish)'],
    ['Duration', esc(durationText(m.durationMs))],
    [
      'Result',
      `${tone(m.result.tone, m.result.words)}${m.result.exitCode !== undefined ? ` (exit ${m.result.exitCode})` : ''}${
        m.result.reason ? `: ${esc(m.result.reason)}` : ''
      }`,
    ],
  ];
  return `<table class="summary"><tbody>\n${rows.map(([k, v]) => `<tr><th>${k}</th><td>${v}</td></tr>`).join('\n')}\n</tbody></table>`;
}

function legend(): string {
  const items: Array<[Tone, string]> = [
    ['ok', 'succeeded'],
    ['failed', 'failed'],
    ['partial', 'partly failed'],
    ['ignored', 'failed, ignored'],
    ['unknown', 'not followed to its end'],
    ['running', 'running'],
  ];
  return `<p class="legend muted">${items
    .map(([t, w]) => `<span><i style="background: var(--${t})"></i>${w}</span>`)
    .join('')}<span>dashed: no end recorded</span></p>`;
}

function jobsHtml(jobs: JobRef[]): string {
  const one = (j: JobRef) => link(String(j.id), j.url);
  if (jobs.length <= 6) return jobs.map(one).join(', ');
  return `${jobs.slice(0, 4).map(one).join(', ')}, … ${one(jobs[jobs.length - 1]!)} (${jobs.length} jobs)`;
}

function stepsTable(steps: StepModel[]): string {
  return table(
    ['#', 'Step', 'Status', 'Hosts ok', 'Failed', 'Not run', 'JOB jobs', 'Started', 'Duration'],
    steps.map((s) => [
      td(String(s.index), true),
      td(`<a href="#step-${s.index}">${esc(s.name)}</a>`),
      td(tone(s.tone, s.words)),
      td(num(s.hosts.ok), true),
      td(num(s.hosts.failed), true),
      td(num(s.hosts.notRun), true),
      td(jobsHtml(s.jobs)),
      td(s.startedAt ? esc(timeText(s.startedAt)) : ''),
      td(esc(durationText(s.durationMs))),
    ]),
  );
}

function stepSection(s: StepModel): string {
  const out = [`<h3 id="step-${s.index}">${s.index}. ${esc(s.name)}: ${tone(s.tone, s.words)}</h3>`];
  const facts = [hostsSentence(s.hosts)];
  if (s.rolling) facts.push(`Rolling: ${esc(s.rolling)}.`);
  if (s.note) facts.push(`Note: ${esc(s.note)}`);
  if (s.error) facts.push(`Error: ${esc(s.error)}`);
  out.push(`<p>${facts.join('<br>')}</p>`);
  if (s.attempts.length > 0) {
    out.push(
      `<p>Earlier attempts (a resume ran the step again; the lines above are attempt ${s.attempts.length + 1}):</p>`,
      `<ul>${s.attempts.map((a) => `<li>${attemptText(a, jobsHtml(a.jobs), code, esc, (t: string) => tone(a.tone, t))}</li>`).join('')}</ul>`,
    );
  }
  if (s.batches.total > 0) {
    out.push(
      table(
        ['Batch', 'Hosts', 'Status', 'Ok', 'Failed', 'JOB job', 'Started', 'Duration'],
        s.batches.rows.map((b) => [
          td(esc(b.label)),
          td(`${code(b.hosts)} (${num(b.hostCount)})`),
          td(tone(b.tone, b.words)),
          td(b.ok === undefined ? '' : num(b.ok), true),
          td(b.failed === undefined ? '' : num(b.failed), true),
          td(jobsHtml(s.jobs.filter((j) => j.batch === b.label))),
          td(b.startedAt ? esc(timeText(b.startedAt)) : ''),
          td(esc(durationText(b.durationMs))),
        ]),
      ),
    );
    if (s.batches.left > 0) out.push(`<p>… and ${plural(s.batches.left, 'more batch', 'more batches')}.</p>`);
  }
  if (s.failed.groups.length > 0) {
    out.push('<p>Failed hosts, gathered by identical output (first lines):</p>');
    for (const g of s.failed.groups) {
      out.push(`<p>${code(g.hosts)} (${plural(g.count, 'host')}): ${esc(g.status)}</p>`);
      if (g.lines.length > 0) out.push(`<pre>${esc((g.cut ? [...g.lines, '…'] : g.lines).join('\n'))}</pre>`);
    }
    if (s.failed.left.groups > 0) {
      out.push(
        `<p>… and ${plural(s.failed.left.hosts, 'more failed host')} with other output (${plural(s.failed.left.groups, 'group')}).</p>`,
      );
    }
    out.push(`<p>All of it: ${code(s.logsCommand)}</p>`);
  }
  if (s.outputs.values.length > 0) {
    out.push(
      '<p>Outputs set:</p>',
      table(
        ['Output', 'Value', 'Hosts'],
        s.outputs.values.map((o) => [
          td(code(o.name)),
          td(code(o.value)),
          td(`${code(o.hosts)} (${num(o.count)})`),
        ]),
      ),
    );
    if (s.outputs.left > 0) out.push(`<p>… and ${plural(s.outputs.left, 'more value')}.</p>`);
  }
  return out.join('\n');
}

function resumes(m: ReportModel): string {
  return table(
    ['#', 'When', 'By', 'What changed'],
    m.resumes.map((r, i) => [
      td(String(i + 1), true),
      td(esc(timeText(r.at))),
      td(r.operator ? esc(r.operator) : '<span class="muted">not recorded</span>'),
      td(
        r.changes.length === 0
          ? 'nothing in the runbook'
          : r.changes
              .map(
                (c) =>
                  `${esc(c.step)}: ${esc(c.fields.join(', '))}${c.detail.length ? `<pre>${esc(c.detail.join('\n'))}</pre>` : ''}`,
              )
              .join('<br>'),
      ),
    ]),
  );
}
