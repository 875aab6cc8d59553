import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Emulator } from '@runbook/emulator';
import { afterEach, describe, expect, it } from 'vitest';
import { jobsOf, startEsb } from './esb.js';
import { block, onlyRecord, runCli, tempFiles } from './helpers.js';
import { checkBatches } from './reliability/batch-invariants.js';

const HOSTS = ['127.0.0.1', '127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5', '127.0.0.6'];
const BROKEN =
  'if [ "$RUNBOOK_EMU_HOST_IP" = 127.0.0.3 ] || [ "$RUNBOOK_EMU_HOST_IP" = 127.0.0.4 ]; then exit 3; fi\necho restarted';
const FIXED = 'echo restarted for good';

/** prep → restart (rolling by 2, one failure allowed) → after. */
const runbook = (restart: string, prep = 'echo prep') => `version: 1
name: rr
biz: 1
defaults: { account: root, timeout: 60 }
steps:
  - name: prep
    hosts: ["127.0.0.1"]
    script: |
${block(prep)}
  - name: restart
    hosts: [${HOSTS.map((h) => `"${h}"`).join(', ')}]
    rolling: { batch: "2", max_fail: 1 }
    script: |
${block(restart)}
  - name: after
    hosts: ["127.0.0.1"]
    script: |
${block('echo after')}
`;

let emu: Emulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

const ips = (job: { hosts: Array<{ ip: string }> }) => job.hosts.map((h) => h.ip).sort();

describe('fix and continue a rolling step', () => {
  it('the budget stops the step in batch 2; after the fix --resume --yes runs only the failed and never-run hosts, in batches of 2, then the later steps; a change to a succeeded step is refused', async () => {
    const esb = await startEsb();
    emu = esb.emu;
    const dir = await tempFiles({ 'rb.yaml': runbook(BROKEN) });
    const first = await runCli(['apply', 'rb.yaml', '--yes'], { cwd: dir, env: esb.env });
    expect(first.code).toBe(1);
    const record = await onlyRecord(dir);
    expect(first.stderr).toContain(`runbook apply rb.yaml --resume ${record.runId}\n`);
    // Batch 3 (127.0.0.5, 127.0.0.6) was never sent; after never ran.
    expect(jobsOf(esb.emu, 'rr', 'restart').map(ips)).toEqual([
      ['127.0.0.1', '127.0.0.2'],
      ['127.0.0.3', '127.0.0.4'],
    ]);
    expect(jobsOf(esb.emu, 'rr', 'after')).toHaveLength(0);

    // A change to the succeeded step is refused, with the command that works.
    await writeFile(join(dir, 'rb.yaml'), runbook(FIXED, 'echo prep v2'));
    const refused = await runCli(['apply', 'rb.yaml', '--yes', '--resume', record.runId], {
      cwd: dir,
      env: esb.env,
    });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('  step prep already succeeded and changed: script\n');
    expect(refused.stderr).toContain('  runbook apply rb.yaml --from-step prep\n');
    expect(esb.emu.jobs()).toHaveLength(3);

    await writeFile(join(dir, 'rb.yaml'), runbook(FIXED));
    const res = await runCli(['apply', 'rb.yaml', '--yes', '--resume', record.runId], {
      cwd: dir,
      env: esb.env,
    });
    expect(res.code).toBe(0);
    expect(res.stderr).toContain('step restart (not succeeded yet) changed: script');
    const restart = jobsOf(esb.emu, 'rr', 'restart');
    expect(restart.map(ips)).toEqual([
      ['127.0.0.1', '127.0.0.2'],
      ['127.0.0.3', '127.0.0.4'],
      ['127.0.0.3', '127.0.0.4'],
      ['127.0.0.5', '127.0.0.6'],
    ]);
    expect(restart.slice(2).every((j) => j.script.content.includes('restarted for good'))).toBe(true);
    expect(jobsOf(esb.emu, 'rr', 'prep')).toHaveLength(1);
    expect(jobsOf(esb.emu, 'rr', 'after')).toHaveLength(1);
    const done = await onlyRecord(dir);
    expect(done.state).toBe('succeeded');
    expect(done.resumes[0].changes).toEqual([
      expect.objectContaining({ step: 'restart', fields: ['script'] }),
    ]);
    expect(checkBatches(done.steps, esb.emu.jobs(), 'rr')).toEqual([]);
  }, 120_000);
});
