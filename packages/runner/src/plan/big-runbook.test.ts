import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadRunbook } from '@runbook/schema';
import { describe, expect, it } from 'vitest';
import { resolvePlan } from './resolve.js';

// A plan reads every node's position; these once took 16 s (a one-line JSON runbook) because each
// column was counted from the line start. The work itself is counted in @runbook/schema's
// test/positions.test.ts; here the plans come out whole and point at the right places.
const ip = (i: number) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
const HOSTS = Array.from({ length: 30_000 }, (_, i) => ip(i));

async function planOf(text: string) {
  const dir = await mkdtemp(join(tmpdir(), 'runbook-big-'));
  await writeFile(join(dir, 'rb.yaml'), text);
  const loaded = await loadRunbook(join(dir, 'rb.yaml'));
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.issues.slice(0, 3)));
  const res = resolvePlan(loaded.runbook, { runId: 'R1', env: {}, requireSecrets: true });
  if (!res.ok) throw new Error(JSON.stringify(res.issues.slice(0, 3)));
  return res.plan;
}

describe('plans of runbooks with 30,000 hosts on one line', () => {
  it('a one-line JSON runbook', async () => {
    const text = JSON.stringify({
      version: 1,
      name: 'big',
      description: '全部 🚀',
      biz: 2,
      defaults: { account: 'root' },
      steps: [{ name: 'uptime', hosts: HOSTS, script: 'uptime' }],
    });
    const plan = await planOf(text);
    expect(plan.steps[0]!.hostCount).toBe(30_000);
    // The step's mapping starts at the `{` after `"steps":[`, counted in code points (the emoji is one).
    const at = text.indexOf('{"name":"uptime"');
    expect(plan.steps[0]).toMatchObject({ line: 1, col: [...text.slice(0, at)].length + 1 });
  });

  it('block YAML with a 30,000-host flow sequence', async () => {
    const text = `version: 1\nname: big\nbiz: 2\ndefaults: {account: root}\nsteps:\n  - name: uptime\n    script: uptime\n    hosts: [${HOSTS.join(', ')}]\n`;
    const plan = await planOf(text);
    expect(plan.steps[0]).toMatchObject({ hostCount: 30_000, line: 6, col: 5 });
  });
});
