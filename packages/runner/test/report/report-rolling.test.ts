import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runDir } from '../../src/record/store.js';
import { renderHtml } from '../../src/report/html.js';
import { logReader } from '../../src/report/logs.js';
import { renderMarkdown } from '../../src/report/md.js';
import { buildModel } from '../../src/report/model.js';
import type { ReportRecord } from '../../src/report/record-view.js';
import { startEsb } from '../esb.js';
import { block, onlyRecord, runCli, tempFiles } from '../helpers.js';
import { barsInDom, renderedDom } from './chromium.js';
import { normalise } from './normalise.js';

// Issue 19 with the engine's rolling steps: a rolling step that failed in a batch (over its failure
// budget, a batch never started), fixed on the hosts and resumed (only the failed and never-run hosts
// again, in batches), and a step whose failure is ignored: the report of the real record.

const hosts = '["127.0.0.1", "127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5", "127.0.0.6"]';
const runbook = (fixed: string) => `version: 1
name: svc-rolling
biz: 1
defaults:
  account: root
  timeout: 60
steps:
  - name: restart
    hosts: ${hosts}
    rolling:
      batch: "1 2"
      max_fail: 1
    script: |
${block(`if [ ! -e ${fixed} ]; then
  case "$RUNBOOK_EMU_HOST_IP" in
    127.0.0.3|127.0.0.4) echo "restarting app"; echo "port 8080 still in use"; exit 3 ;;
  esac
fi
echo "restarted"`)}
  - name: notify
    hosts: ["127.0.0.1"]
    on_failure: ignore
    script: |
${block('echo "chat webhook unreachable"\nexit 7')}
  - name: verify
    hosts: ${hosts}
    script: |
${block('echo healthy')}
`;

let dir: string;
let record: ReportRecord;
beforeAll(async () => {
  const esb = await startEsb();
  try {
    dir = await tempFiles({ 'rb.yaml': '' });
    await writeFile(join(dir, 'rb.yaml'), runbook(join(dir, 'fixed')));
    const failed = await runCli(['apply', 'rb.yaml', '--yes'], { cwd: dir, env: esb.env });
    expect(failed.code, failed.stderr).toBe(1);
    const id = (await onlyRecord(dir)).runId as string;
    await writeFile(join(dir, 'fixed'), 'yes\n');
    const resumed = await runCli(['apply', 'rb.yaml', '--yes', '--resume', id], {
      cwd: dir,
      env: { ...esb.env, BK_USERNAME: 'fixer' },
    });
    expect(resumed.code, `${resumed.stdout}\n${resumed.stderr}`).toBe(0);
    record = await onlyRecord(dir);
  } finally {
    await esb.emu.close();
  }
}, 180_000);

describe('report of a rolling run resumed after a fix (through the emulator)', () => {
  it('both formats, snapshots', async () => {
    const restart = record.steps[0]!;
    expect(restart.batches?.length).toBeGreaterThanOrEqual(4);
    expect(restart.batches?.some((b) => b.state === 'failed')).toBe(true);
    const model = buildModel(normalise(record, dir), {
      readLog: logReader(runDir(join(dir, '.runbook', 'runs'), record.runId)),
    });
    // One bar per batch that started, one for each other step that ran.
    const started = restart.batches!.filter((b) => b.submittedAt !== undefined).length;
    expect(model.timeline.rows.map((r) => r.bars.length)).toEqual([started, 1, 1]);
    const md = renderMarkdown(model);
    expect(md).toContain('failed, ignored (on_failure: ignore)');
    await expect(md).toMatchFileSnapshot('./__snapshots__/rolling-resumed.md');
    const html = renderHtml(model);
    await expect(html).toMatchFileSnapshot('./__snapshots__/rolling-resumed.html');
    // As a browser renders it: one bar per started batch of restart, one for each other step.
    const file = join(dir, 'report.html');
    await writeFile(file, html);
    const bars = barsInDom(await renderedDom(file, join(dir, 'profile')));
    expect(Object.fromEntries(bars)).toEqual({ restart: started, notify: 1, verify: 1 });
  }, 120_000);
});
