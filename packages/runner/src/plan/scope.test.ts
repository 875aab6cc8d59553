import { createHash } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseRunbook } from '@runbook/schema';
import { describe, expect, it } from 'vitest';
import { formatPlan } from '../render/plan.js';
import { resolvePlan } from './resolve.js';

const STEPS = `defaults: { account: root }
steps:
  - name: one
    hosts: ["10.0.0.1"]
    script: uptime
`;

/** Plans a runbook whose head (name and scope lines) is given; throws on any problem. */
async function plan(head: string, vars: string[] = []) {
  const dir = await mkdtemp(join(tmpdir(), 'runbook-scope-'));
  const path = join(dir, 'rb.yaml');
  const text = `version: 1\nname: sc\n${head}${STEPS}`;
  await writeFile(path, text);
  const loaded = parseRunbook(text, { path });
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.issues));
  return resolvePlan(loaded.runbook, { runId: 'R1', vars: { cli: vars }, env: {}, requireSecrets: true });
}

describe('the scope of a plan', () => {
  it('biz: N is a business, and 8000000–9999999 a business set, as JOB reads bk_biz_id alone', async () => {
    for (const [id, type] of [
      [2, 'biz'],
      [7999999, 'biz'],
      [8000000, 'biz_set'],
      [9991001, 'biz_set'],
      [9999999, 'biz_set'],
      [10000000, 'biz'],
    ] as const) {
      const res = await plan(`biz: ${id}\n`);
      if (!res.ok) throw new Error(JSON.stringify(res.issues));
      expect(res.plan.scope).toEqual({ type, id });
      expect(res.plan.biz).toBe(id);
      expect(res.plan.steps[0]!.request).toMatchObject({
        bk_biz_id: id,
        bk_scope_type: type,
        bk_scope_id: String(id),
      });
      // The scope JOB reads from bk_biz_id alone fingerprints as before scopes existed: old runs resume.
      const before = createHash('sha256').update(String(id)).digest('hex').slice(0, 16);
      expect(res.plan.steps[0]!.fingerprint.biz).toBe(before);
    }
  });

  it('scope: {type, id} is sent as written, with the id as text and in bk_biz_id; plan shows it', async () => {
    const res = await plan('scope: { type: biz_set, id: "${{ vars.set }}" }\nvars: { set: 12 }\n');
    if (!res.ok) throw new Error(JSON.stringify(res.issues));
    expect(res.plan.scope).toEqual({ type: 'biz_set', id: 12 });
    expect(res.plan.steps[0]!.request).toMatchObject({
      bk_biz_id: 12,
      bk_scope_type: 'biz_set',
      bk_scope_id: '12',
    });
    expect(formatPlan(res.plan).split('\n')[0]).toMatch(/, scope biz_set 12, over ESB v2$/);
    // A business set outside the reserved range is not what bk_biz_id 12 alone means: a resume notices.
    const biz12 = await plan('biz: 12\n');
    expect(biz12.ok && biz12.plan.steps[0]!.fingerprint.biz).not.toBe(res.plan.steps[0]!.fingerprint.biz);
    const explicitBiz = await plan('scope: { type: biz, id: 12 }\n');
    expect(explicitBiz.ok && explicitBiz.plan.steps[0]!.fingerprint.biz).toBe(
      biz12.ok && biz12.plan.steps[0]!.fingerprint.biz,
    );
  });

  it('an id that does not resolve to a positive integer is an error at the id', async () => {
    const res = await plan('scope:\n  type: biz\n  id: "${{ vars.set }}"\nvars: { set: "0x10" }\n');
    expect(res.ok).toBe(false);
    if (!res.ok)
      expect(res.issues).toEqual([
        expect.objectContaining({
          code: 'RUNNER_RESOLVE',
          line: 5,
          col: 7,
          message: 'scope.id must be a positive integer, got "0x10"',
        }),
      ]);
  });
});
