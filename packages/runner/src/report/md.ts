import { mdBlock, mdCode, mdLink, mdTable, mdText } from './md-text.js';
import type { JobRef, ReportModel, StepModel } from './model.js';
import { attemptText, durationText, hostsSentence, num, plural, timeText } from './words.js';

/** The report as Markdown, to paste into an incident document. */
export function renderMarkdown(m: ReportModel): string {
  const out: string[] = [`# Run ${mdText(m.runId)}: ${mdText(m.runbook.name)}`, '', summaryTable(m), ''];
  out.push('## Steps', '', stepsTable(m.steps), '');
  for (const s of m.steps) out.push(...stepSection(s));
  out.push('## Resumes', '');
  out.push(m.resumes.length === 0 ? 'The run was never resumed.' : resumesTable(m), '');
  out.push(
    '## Reproduce',
    '',
    'To run the same runbook again as this run did:',
    '',
    mdBlock(m.reproduce, 'sh'),
    '',
  );
  return out.join('\n');
}

export function summaryRows(m: ReportModel): Array<[string, string]> {
  const git = m.runbook.gitSha
    ? `${mdCode(m.runbook.gitSha, true)}${m.runbook.dirty ? ' with uncommitted changes' : ''}`
    : 'not in a git repository';
  const result = `${mdText(m.result.words)}${m.result.exitCode !== undefined ? ` (exit ${m.result.exitCode})` : ''}${
    m.result.reason ? `: ${mdText(m.result.reason)}` : ''
  }`;
  return [
    ['Runbook', `${mdText(m.runbook.name)}, ${mdCode(m.runbook.path, true)}`],
    ['Commit', git],
    ['Operator', m.operator ? mdText(m.operator) : 'not recorded'],
    [
      'Endpoint',
      `${m.endpoint.local ? 'the local emulator' : mdCode(m.endpoint.url, true)} (${mdText(m.endpoint.transport)}), ${mdText(m.scope)}`,
    ],
    ...(m.limit ? [['Limited to', mdCode(m.limit, true)] as [string, string]] : []),
    ['Started', timeText(m.startedAt)],
    ['Finished', m.finishedAt ? timeText(m.finishedAt) : 'not recorded (the run did not finish)'],
    ['Duration', m.durationMs !== undefined ? durationText(m.durationMs) : ''],
    ['Result', result],
  ];
}

function summaryTable(m: ReportModel): string {
  return mdTable(
    ['', ''],
    summaryRows(m).map(([k, v]) => [`**${k}**`, v]),
  );
}

function stepsTable(steps: StepModel[]): string {
  return mdTable(
    ['#', 'Step', 'Status', 'Hosts ok', 'Failed', 'Not run', 'JOB jobs', 'Started', 'Duration'],
    steps.map((s) => [
      String(s.index),
      mdText(s.name),
      mdText(s.words),
      num(s.hosts.ok),
      num(s.hosts.failed),
      num(s.hosts.notRun),
      jobsText(s.jobs),
      s.startedAt ? timeText(s.startedAt) : '',
      durationText(s.durationMs),
    ]),
  );
}

/** At most a few job ids in a cell: the first ones and the last. */
function jobsText(jobs: JobRef[]): string {
  const link = (j: JobRef) => mdLink(String(j.id), j.url);
  if (jobs.length <= 6) return jobs.map(link).join(', ');
  return `${jobs.slice(0, 4).map(link).join(', ')}, … ${link(jobs[jobs.length - 1]!)} (${jobs.length} jobs)`;
}

function stepSection(s: StepModel): string[] {
  const out = [`### ${s.index}. ${mdText(s.name)}: ${mdText(s.words)}`, ''];
  const facts: string[] = [];
  facts.push(hostsSentence(s.hosts));
  if (s.rolling) facts.push(`Rolling: ${mdText(s.rolling)}.`);
  if (s.note) facts.push(`Note: ${mdText(s.note)}`);
  if (s.error) facts.push(`Error: ${mdText(s.error)}`);
  out.push(facts.join('\n'), '');
  if (s.attempts.length > 0) {
    out.push(
      `Earlier attempts (a resume ran the step again; the lines above are attempt ${s.attempts.length + 1}):`,
      '',
    );
    for (const a of s.attempts)
      out.push(`- ${attemptText(a, jobsText(a.jobs), (h: string) => mdCode(h), mdText)}`);
    out.push('');
  }
  if (s.batches.total > 0) {
    out.push(
      mdTable(
        ['Batch', 'Hosts', 'Status', 'Ok', 'Failed', 'JOB job', 'Started', 'Duration'],
        s.batches.rows.map((b) => [
          b.label,
          `${mdCode(b.hosts, true)} (${num(b.hostCount)})`,
          mdText(b.words),
          b.ok === undefined ? '' : num(b.ok),
          b.failed === undefined ? '' : num(b.failed),
          jobsText(s.jobs.filter((j) => j.batch === b.label)),
          b.startedAt ? timeText(b.startedAt) : '',
          durationText(b.durationMs),
        ]),
      ),
      '',
    );
    if (s.batches.left > 0) out.push(`… and ${plural(s.batches.left, 'more batch', 'more batches')}.`, '');
  }
  if (s.failed.groups.length > 0) {
    out.push('Failed hosts, gathered by identical output (first lines):', '');
    for (const g of s.failed.groups) {
      out.push(`- ${mdCode(g.hosts)} (${plural(g.count, 'host')}): ${mdText(g.status)}`, '');
      if (g.lines.length > 0) out.push(indent(mdBlock(g.cut ? [...g.lines, '…'] : g.lines)), '');
    }
    if (s.failed.left.groups > 0) {
      out.push(
        `… and ${plural(s.failed.left.hosts, 'more failed host')} with other output (${plural(s.failed.left.groups, 'group')}).`,
        '',
      );
    }
    out.push(`All of it: ${mdCode(s.logsCommand)}`, '');
  }
  if (s.outputs.values.length > 0) {
    out.push(
      'Outputs set:',
      '',
      mdTable(
        ['Output', 'Value', 'Hosts'],
        s.outputs.values.map((o) => [
          mdCode(o.name, true),
          mdCode(o.value, true),
          `${mdCode(o.hosts, true)} (${num(o.count)})`,
        ]),
      ),
      '',
    );
    if (s.outputs.left > 0) out.push(`… and ${plural(s.outputs.left, 'more value')}.`, '');
  }
  return out;
}

const indent = (text: string) =>
  text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');

function resumesTable(m: ReportModel): string {
  return mdTable(
    ['#', 'When', 'By', 'What changed'],
    m.resumes.map((r, i) => [
      String(i + 1),
      timeText(r.at),
      r.operator ? mdText(r.operator) : 'not recorded',
      r.changes.length === 0
        ? 'nothing in the runbook'
        : r.changes
            .map(
              (c) =>
                `${mdText(c.step)}: ${mdText(c.fields.join(', '))}${c.detail.length ? ` (${mdText(c.detail.join('; '))})` : ''}`,
            )
            .join('; '),
    ]),
  );
}
