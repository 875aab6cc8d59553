import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHtml } from '../../src/report/html.js';
import { buildModel, type ReportModel } from '../../src/report/model.js';
import { barsInDom, renderedDom } from './chromium.js';
import { bigRun, rollingResumed } from './fixtures.js';

// Issue 19: the HTML report as a browser renders it. Debian's `chromium` (.ci/run installs it when
// missing) loads the file offline and dumps the DOM it built: the timeline must have one bar per
// step attempt or batch, and nothing from the record may have become markup.

/** Bars the model says the timeline holds, by step: one per attempt or batch that started. */
const expectedBars = (m: ReportModel) => m.timeline.rows.map((r) => [r.step, r.bars.length] as const);

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'runbook-report-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the HTML report in headless Chromium', () => {
  it('the timeline has one bar per step or batch; a hostile step name and log stay text', async () => {
    const { record, logs } = rollingResumed();
    record.steps[0]!.name = 'drain <script>document.title="pwned"</script>';
    const model = buildModel(record, { readLog: (rel) => logs[rel] ?? '' });
    const file = join(dir, 'rolling.html');
    await writeFile(file, renderHtml(model));
    const dom = await renderedDom(file, join(dir, 'profile'));
    expect(dom).toContain('<svg class="timeline"');
    // drain: 1 attempt; restart: 4 batches that started (batch 3 never did); notify and verify: 1 each.
    expect(expectedBars(model)).toEqual([
      [record.steps[0]!.name, 1],
      ['restart', 4],
      ['notify <team> | "ops"', 1],
      ['verify', 1],
    ]);
    const bars = barsInDom(dom);
    for (const [step, n] of expectedBars(model)) expect(bars.get(step), step).toBe(n);
    expect([...bars.values()].reduce((a, b) => a + b, 0)).toBe(7);
    expect(dom).toMatch(/<rect [^>]*data-step="restart" data-batch="2" data-result="failed"/);
    // Nothing became a script: the title is the report's, the name and the log are text.
    expect(dom).not.toMatch(/<script/i);
    expect(dom).toContain('<title>Run 20261201-030000-a1b2c3: rolling-restart</title>');
    expect(dom).toContain('drain &lt;script&gt;document.title="pwned"&lt;/script&gt;');
    expect(dom).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  }, 120_000);

  it('a 50,000-host run: every batch its bar, a file of a few hundred KB', async () => {
    const { record, readLog } = bigRun(50_000);
    const html = renderHtml(buildModel(record, { readLog }));
    expect(Buffer.byteLength(html)).toBeLessThan(300_000);
    const file = join(dir, 'big.html');
    await writeFile(file, html);
    const bars = barsInDom(await renderedDom(file, join(dir, 'profile')));
    expect(Object.fromEntries(bars)).toEqual({ check: 1, restart: 20 });
  }, 120_000);
});
