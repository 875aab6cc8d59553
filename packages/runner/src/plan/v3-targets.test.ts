import { createHash } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseRunbook } from '@runbook/schema';
import { describe, expect, it } from 'vitest';
import type { Transport } from '../transport.js';
import { resolvePlan } from './resolve.js';

/** Validates (it must pass) and plans a runbook for a transport. */
async function plan(text: string, transport?: Transport, vars: string[] = []) {
  const dir = await mkdtemp(join(tmpdir(), 'runbook-v3-targets-'));
  const path = join(dir, 'rb.yaml');
  await writeFile(path, text);
  const loaded = parseRunbook(text, { path });
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.issues));
  return resolvePlan(loaded.runbook, {
    runId: 'R1',
    vars: { cli: vars },
    requireSecrets: true,
    ...(transport ? { transport } : {}),
  });
}

const brief = (res: Awaited<ReturnType<typeof plan>>) =>
  res.ok ? [] : res.issues.map((i) => `${i.line}:${i.col}: ${i.code}: ${i.message}`);

const TARGETS = `version: 1
name: tg
biz: 2
vars:
  mod: 12
groups:
  db:
    hosts: [{ host_id: 7 }, { host_id: 101 }]
    topo: ["set:3"]
defaults: { account: root }
steps:
  - name: by-id
    hosts: [{ host_id: 101 }, db]
    script: uptime
  - name: by-topo
    topo: ["module:\${{ vars.mod }}", { node_type: set, id: 3 }, "biz:2"]
    custom_query: ["q1"]
    script: uptime
`;

describe('host ids and topology nodes in the plan', () => {
  it('go into host_id_list and topo_node_list of the request, deduplicated, groups expanded, over v3', async () => {
    const res = await plan(TARGETS, 'v3');
    if (!res.ok) throw new Error(brief(res).join('\n'));
    expect(res.plan.transport).toBe('v3');
    const [byId, byTopo] = res.plan.steps;
    expect(byId!.request.host_id_list).toEqual([101, 7]);
    expect(byId!.request.topo_node_list).toEqual([{ id: 3, node_type: 'set' }]);
    expect(byId!.request.ip_list).toBeUndefined();
    expect(byId).toMatchObject({ hosts: [], hostIds: [101, 7], topoNodes: ['set:3'], hostCount: 2 });
    expect(byTopo!.request.topo_node_list).toEqual([
      { id: 12, node_type: 'module' },
      { id: 3, node_type: 'set' },
      { id: 2, node_type: 'biz' },
    ]);
    expect(byTopo!.request.custom_query_id).toEqual(['q1']);
    expect(byTopo!.request.host_id_list).toBeUndefined();
    expect(byTopo).toMatchObject({ hostCount: 0, topoNodes: ['module:12', 'set:3', 'biz:2'] });
  });

  it('change the step fingerprint, so a resume notices a changed target', async () => {
    const a = await plan(TARGETS, 'v3');
    const b = await plan(TARGETS, 'v3', ['mod=13']);
    if (!a.ok || !b.ok) throw new Error('plan failed');
    expect(a.plan.steps[1]!.fingerprint.targets).not.toBe(b.plan.steps[1]!.fingerprint.targets);
  });

  it('are refused over ESB v2 (the default): exit 2, naming the step, at the entry that brings them', async () => {
    const res = await plan(TARGETS);
    expect(brief(res)).toEqual([
      '13:13: RUNNER_NEEDS_V3: step "by-id" names hosts by id (host_id 101, 7), which ESB v2 cannot address; run it through the API gateway v3 (--apigw-url URL or BK_APIGW_URL; --local --transport v3) (nothing was sent)',
      '13:31: RUNNER_NEEDS_V3: step "by-id" targets topology nodes (set:3), which ESB v2 cannot address; run it through the API gateway v3 (--apigw-url URL or BK_APIGW_URL; --local --transport v3) (nothing was sent)',
      '16:12: RUNNER_NEEDS_V3: step "by-topo" targets topology nodes (module:12, set:3, biz:2), which ESB v2 cannot address; run it through the API gateway v3 (--apigw-url URL or BK_APIGW_URL; --local --transport v3) (nothing was sent)',
    ]);
    expect(brief(await plan(TARGETS, 'v2'))).toEqual(brief(res));
  });

  it('are not mixed with IP hosts in one step over v3: JOB would ignore the IPs', async () => {
    const text = `version: 1
name: mx
biz: 2
groups:
  db:
    hosts: [{ host_id: 7 }]
defaults: { account: root }
steps:
  - name: mixed
    hosts: ["10.0.0.1", "\${{ vars.g }}"]
    script: uptime
vars:
  g: db
`;
    expect(brief(await plan(text, 'v3'))).toEqual([
      '10:13: RUNNER_MIXED_HOSTS: step "mixed" names hosts by IP (0:10.0.0.1) and by id (host_id 7); JOB ignores ip_list when host_id_list is given, so the IP hosts would not run: use one kind in a step (nothing was sent)',
    ]);
    // A topology node beside IP hosts is fine: JOB resolves it into more hosts.
    const topo = text.replace('"${{ vars.g }}"]', '"10.0.0.2"]\n    topo: ["module:4"]');
    const res = await plan(topo, 'v3');
    expect(brief(res)).toEqual([]);
  });

  it('leave the fingerprint of a step without them as it was, so older runs still resume', async () => {
    const text = `version: 1
name: old
biz: 2
defaults: { account: root }
steps:
  - name: s
    hosts: ["10.0.0.1"]
    custom_query: ["3"]
    script: uptime
`;
    const res = await plan(text);
    if (!res.ok) throw new Error('plan failed');
    const short = (t: string) => createHash('sha256').update(t, 'utf8').digest('hex').slice(0, 16);
    expect(res.plan.steps[0]!.fingerprint.targets).toBe(short(JSON.stringify([['0:10.0.0.1'], ['3']])));
    expect(res.plan.transport).toBe('v2');
    expect(res.plan.steps[0]!.request.host_id_list).toBeUndefined();
    expect(res.plan.steps[0]!.request.topo_node_list).toBeUndefined();
  });
});
