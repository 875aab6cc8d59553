import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseRunbook } from '@runbook/schema';
import { describe, expect, it } from 'vitest';
import { resolvePlan } from './resolve.js';

const ip = (i: number) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;

/** Validates (it must pass) and plans a runbook; the limits below are only known after resolution. */
async function plan(text: string, env: Record<string, string> = {}, vars: string[] = []) {
  const dir = await mkdtemp(join(tmpdir(), 'runbook-limits-'));
  const path = join(dir, 'rb.yaml');
  await writeFile(path, text);
  const loaded = parseRunbook(text, { path });
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.issues));
  return resolvePlan(loaded.runbook, { runId: 'R1', vars: { cli: vars }, env, requireSecrets: true });
}

const brief = (res: Awaited<ReturnType<typeof plan>>) =>
  res.ok ? [] : res.issues.map((i) => `${i.line}:${i.col}: ${i.code}: ${i.message}`);

describe("JOB's limits, checked by plan and apply after resolution", () => {
  it('a secret that makes params too long is named by its name and variable, never its value', async () => {
    const text = `version: 1
name: lim
biz: 2
secrets:
  big: BIG_TOKEN
defaults: { account: root }
steps:
  - name: push
    hosts: ["10.0.0.1"]
    script: ./push "$@"
    params: "--token \${{ secrets.big }}"
`;
    const canary = `canary-${'z'.repeat(48_200)}`;
    const res = await plan(text, { BIG_TOKEN: canary });
    expect(brief(res)).toEqual([
      '11:13: RUNNER_JOB_LIMIT: sensitive params with secrets.big (from BIG_TOKEN) filled in are 48,215 bytes; JOB takes at most 48,128 bytes of sensitive params (before base64); nothing was sent',
    ]);
    expect(JSON.stringify(res)).not.toContain('canary-');
    // One byte less than the limit goes through.
    const fits = await plan(text, { BIG_TOKEN: 'z'.repeat(48_128 - '--token '.length) });
    expect(fits.ok).toBe(true);
  });

  it('an explicit task name, a callback URL or hosts that grow too long through vars are refused at their line', async () => {
    const group = Array.from({ length: 50_000 }, (_, i) => `"${ip(i)}"`).join(', ');
    const text = `version: 1
name: lim
biz: 2
vars:
  who: ops
  extra: 10.0.0.2
defaults: { account: root }
groups:
  fleet:
    hosts: [${group}]
steps:
  - name: wide
    hosts: [fleet, "\${{ vars.extra }}", "10.0.0.1"]
    script: uptime
    task_name: "rollout by \${{ vars.who }}"
    callback_url: "https://hooks.example.com/\${{ vars.who }}"
`;
    expect((await plan(text)).ok).toBe(true);
    const res = await plan(text, {}, [`who=${'w'.repeat(1_000)}`, 'extra=10.200.0.2']);
    expect(brief(res)).toEqual([
      '13:12: RUNNER_JOB_LIMIT: step "wide" has 50,001 target hosts once groups are expanded and duplicates removed; JOB takes at most 50,000 in one step (custom queries aside): split them over several steps; nothing was sent',
      '15:16: RUNNER_JOB_LIMIT: task_name is 1,011 characters; JOB takes at most 512; nothing was sent',
      '16:19: RUNNER_JOB_LIMIT: callback_url is 1,026 characters; JOB takes at most 1,024; nothing was sent',
    ]);
  });
});
