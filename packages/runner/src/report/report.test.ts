import { describe, expect, it } from 'vitest';
import { bigRun, rollingResumed } from '../../test/report/fixtures.js';
import { renderHtml } from './html.js';
import { renderMarkdown } from './md.js';
import { buildModel } from './model.js';
import type { ReportRecord } from './record-view.js';
import { reproduceLines } from './reproduce.js';
import { suggestions } from './run-arg.js';

const render = (record: ReportRecord, logs: Record<string, string> = {}) => {
  const model = buildModel(record, { readLog: (rel) => logs[rel] ?? '' });
  return { model, md: renderMarkdown(model), html: renderHtml(model) };
};

describe('report: text from the record stays text', () => {
  it('a step name, host log, reason, var and operator with <script>, quotes, pipes and backticks are escaped in HTML and Markdown', () => {
    const { record, logs } = rollingResumed();
    const hostile = '<script>alert("x")</script> | `tick` ]]> <!-- &amp;';
    record.steps[0]!.name = hostile;
    record.reason = hostile;
    record.operator = hostile;
    record.vars = { note: hostile };
    record.runbook.name = hostile;
    record.steps[1]!.error = { code: 'X', message: hostile };
    const { md, html } = render(record, {
      ...logs,
      'logs/restart/0-10.0.1.3.log': `${hostile}\n\x1b[31mred\x1b[0m\n`,
    });
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toContain('<!--');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    // A terminal escape from a host log is shown, never kept as a control character.
    expect(html).not.toContain('\x1b');
    expect(html).toContain('\\x1b[31mred');
    // The only markup is the report's own: no script element, no event handler, nothing fetched.
    expect(html).not.toMatch(/\son[a-z]+=/i);
    expect(html).not.toMatch(/(src|href)="(?!#|https:\/\/job\.example\.com\/)/);
    // Markdown: escaped outside code, and a fence in a log cannot close the block around it.
    const outsideBlocks = md.replace(/^( *)(`{3,})[^\n]*\n[\s\S]*?^\1\2$/gm, '');
    expect(outsideBlocks).not.toMatch(/(^|[^\\])<script/m);
    expect(md).toContain('  <script>alert(1)</script>'); // a log line, inside its fenced block
    expect(md).toContain('\\<script\\>');
    expect(md).not.toContain('\x1b');
    const tableRow = md.split('\n').find((l) => l.startsWith('| 1 |'))!;
    // Nine columns stay nine: the pipe in the name is escaped.
    expect(tableRow.split(/(?<!\\)\|/).length).toBe(11);
  });

  it('a log holding a code fence stays inside its block', () => {
    const { record } = rollingResumed();
    const { md } = render(record, {
      'logs/restart/0-10.0.1.3.log': 'restarting app\n```\n# not a heading\n````\n',
    });
    const lines = md.split('\n');
    const open = lines.indexOf('  `````');
    expect(lines.slice(open, open + 6)).toEqual([
      '  `````',
      '  restarting app',
      '  ```',
      '  # not a heading',
      '  ````',
      '  `````',
    ]);
  });

  it('a JOB web address that is not http(s) is never a link', () => {
    const { record } = rollingResumed();
    record.jobWebUrl = 'javascript:alert(1)';
    const { md, html } = render(record);
    expect(html).not.toContain('javascript:');
    expect(md).not.toContain('javascript:');
    expect(md).toContain('| 20000 |');
  });
});

describe('report: old and degenerate records', () => {
  it('a record without operator, finishedAt, scope, startedAt, batches or resumes still reads', () => {
    const { record } = rollingResumed();
    const old = structuredClone(record) as any;
    for (const k of ['operator', 'finishedAt', 'scope', 'jobWebUrl', 'resumes']) delete old[k];
    for (const s of old.steps) {
      for (const k of ['startedAt', 'batches', 'rolling', 'ignored']) delete s[k];
      for (const h of s.hosts ?? []) delete h.outputs;
    }
    const { md, html, model } = render(old);
    expect(md).toContain('| **Operator** | not recorded |');
    expect(md).toContain('not recorded (the run did not finish)');
    // Older resumes are times alone.
    expect(model.resumes).toEqual([{ at: record.resumedAt![0], changes: [] }]);
    expect(model.steps[1]!.startedAt).toBe(record.steps[1]!.submittedAt);
    expect(html.match(/data-bar=""/g)).toHaveLength(4);
  });

  it('no steps, one host, a unicode name', () => {
    const { record } = rollingResumed();
    record.steps = [];
    record.runbook.name = '维护 🚀';
    const { md, html } = render(record);
    expect(md).toContain('# Run 20261201-030000-a1b2c3: 维护 🚀');
    expect(html).toContain('<meta charset="utf-8">');
    expect(html).not.toContain('data-bar');
  });
});

describe('report: size', () => {
  it('a 50,000-host run gives a report of a few hundred KB, hosts folded into ranges', () => {
    const { record, readLog } = bigRun(50_000);
    const model = buildModel(record, { readLog });
    const md = renderMarkdown(model);
    const html = renderHtml(model);
    expect(Buffer.byteLength(md)).toBeLessThan(300_000);
    expect(Buffer.byteLength(html)).toBeLessThan(300_000);
    expect(model.steps[1]!.hosts).toEqual({ total: 50_000, ok: 48_648, failed: 1_352, notRun: 0 });
    expect(model.steps[2]!.hosts).toEqual({ total: 50_000, ok: 0, failed: 0, notRun: 50_000 });
    // Folded ranges, then a count of what was left out.
    expect(md).toMatch(/\| `10\.0\.\[[0-9,-]+\]\.\[[0-9,-]+\][^|]* \+[0-9,]+ more hosts` \(16,667\) \|/);
    // Every batch has its bar and row; groups of failed hosts are bounded, the rest counted.
    expect(html.match(/data-bar=""/g)).toHaveLength(1 + 20);
    expect(model.steps[1]!.failed.groups.length).toBe(10);
    expect(model.steps[1]!.failed.left.groups).toBeGreaterThan(0);
    expect(md).toContain('with other output');
  });
});

describe('report: run ids a person may mistype', () => {
  const ids = ['20261201-100000-3fa9c1', '20261201-110000-77aa00', '20261202-090000-3fa9c2'];
  it('what was typed inside an id, else a few edits away, else nothing', () => {
    expect(suggestions('3fa9c1', ids)).toEqual(['20261201-100000-3fa9c1']);
    expect(suggestions('3fa9c', ids)).toEqual(['20261201-100000-3fa9c1', '20261202-090000-3fa9c2']);
    expect(suggestions('20261201-110000-77aa01', ids)).toEqual(['20261201-110000-77aa00']);
    expect(suggestions('x', ids)).toEqual([]);
    expect(suggestions('', ids)).toEqual([]);
    expect(suggestions('運行'.repeat(100), ids)).toEqual([]);
  });
});

describe('report: the command to run it again', () => {
  it('the commit, the endpoint, the vars and the limit, quoted for a shell; what it cannot bring back is said', () => {
    const { record } = rollingResumed();
    record.runbook.dirty = true;
    record.runbook.path = "/srv/ops/it's here/rb.yaml";
    record.vars = { msg: 'a b', n: 2 };
    record.limit = ['0:10.0.1.1', 'id:101'];
    expect(reproduceLines(record)).toEqual([
      'git checkout 3fa9c1d2e4b5a6978800aabbccddeeff00112233',
      '# the run used uncommitted changes: this commit alone is not exactly what ran',
      "runbook apply '/srv/ops/it'\\''s here/rb.yaml' --esb-url https://esb.example.com --var 'msg=a b' --var n=2 --limit 0:10.0.1.1,id:101",
    ]);
    record.endpoint = { url: 'http://127.0.0.1:1', local: true, transport: 'v3' };
    delete record.runbook.gitSha;
    record.limit = Array.from({ length: 1000 }, (_, i) => `0:10.0.${i >> 8}.${i & 255}`);
    expect(reproduceLines(record)).toEqual([
      `# the runbook was not in a git repository; what ran had content hash ${'e'.repeat(64)}`,
      '# the run was limited to 1000 hosts: write the record\'s "limit" one a line to a file and add --limit @FILE',
      "runbook apply '/srv/ops/it'\\''s here/rb.yaml' --local --transport v3 --var 'msg=a b' --var n=2",
    ]);
  });
});
