import { parseRunbook } from '@runbook/schema';
import { describe, expect, it } from 'vitest';
import { resolvePlan } from './resolve.js';

const ips = (n: number) =>
  Array.from({ length: n }, (_, i) => `"10.1.${Math.floor(i / 250)}.${(i % 250) + 1}"`);

function plan(steps: string, defaults = '', transport: 'v2' | 'v3' = 'v2') {
  const text = `version: 1\nname: rp\nbiz: 2\ndefaults:\n  account: root\n${defaults}steps:\n${steps}`;
  const loaded = parseRunbook(text, { path: 'rp.yaml', checkFiles: false });
  if (!loaded.ok) throw new Error(loaded.issues.map((i) => i.message).join('\n'));
  return resolvePlan(loaded.runbook, { runId: 'r1', transport });
}

describe('a plan of rolling steps', () => {
  it('gives every step its batches: one of every host without rolling, the expression with it', () => {
    const r = plan(
      `  - name: at-once\n    hosts: [${ips(3)}]\n    script: "true"\n` +
        `  - name: rolled\n    hosts: [${ips(25)}, "0:10.1.0.1"]\n    script: "true"\n    on_failure: ignore\n    rolling: { batch: "1 10% +5", max_fail: "10%", pause: 1m30s, confirm: true }\n`,
    );
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    const [once, rolled] = r.plan.steps;
    expect(once!.rolling).toBeUndefined();
    expect(once!.batches).toEqual([['0:10.1.0.1', '0:10.1.0.2', '0:10.1.0.3']]);
    expect(rolled!.onFailure).toBe('ignore');
    // 25 hosts after deduplication: 1, ceil(2.5)=3, 8, 13 (what is left).
    expect(rolled!.batches.map((b) => b.length)).toEqual([1, 3, 8, 13]);
    expect(rolled!.batches.flat()).toEqual(rolled!.hosts);
    expect(rolled!.rolling).toEqual({
      expr: '1 10% +5',
      maxFail: 2,
      maxFailText: '10%',
      pauseMs: 90_000,
      confirm: true,
    });
  });

  it('takes defaults.rolling unless the step sets its own, or rolling: false', () => {
    const r = plan(
      `  - name: a\n    hosts: [${ips(4)}]\n    script: "true"\n` +
        `  - name: b\n    hosts: [${ips(4)}]\n    script: "true"\n    rolling: { batch: 3 }\n` +
        `  - name: c\n    hosts: [${ips(4)}]\n    script: "true"\n    rolling: false\n`,
      '  rolling:\n    batch: "1"\n    max_fail: 1\n',
    );
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    expect(r.plan.steps.map((s) => s.batches.map((b) => b.length))).toEqual([[1, 1, 1, 1], [3, 1], [4]]);
    // The step's rolling replaces the defaults' as a whole: its max_fail is the default, 0.
    expect(r.plan.steps.map((s) => s.rolling?.maxFail)).toEqual([1, 0, undefined]);
  });

  it('keys host ids as id:N, in order', () => {
    const r = plan(
      '  - name: ids\n    hosts: [{ host_id: 7 }, { host_id: 3 }, { host_id: 7 }]\n    script: "true"\n    rolling: { batch: 1 }\n',
      '',
      'v3',
    );
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    expect(r.plan.steps[0]!.batches).toEqual([['id:7'], ['id:3']]);
  });

  it('gives a step whose targets JOB resolves one batch of no key', () => {
    const r = plan('  - name: q\n    custom_query: [3]\n    script: "true"\n');
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    expect(r.plan.steps[0]!.batches).toEqual([[]]);
  });

  it('refuses a rolling step whose targets JOB resolves, naming it, at its rolling or step', () => {
    const r = plan(
      '  - name: q\n    hosts: ["10.0.0.1"]\n    custom_query: [3]\n    script: "true"\n    rolling: { batch: 1 }\n' +
        '  - name: t\n    topo: ["module:12"]\n    script: "true"\n',
      '  rolling: { batch: "50%" }\n',
      'v3',
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues.map((i) => [i.code, i.line, i.message.split(' but ')[0]])).toEqual([
      ['RUNNER_ROLLING_TARGETS', 12, 'step "q" runs in rolling batches'],
      ['RUNNER_ROLLING_TARGETS', 13, 'step "t" runs in rolling batches (from defaults.rolling)'],
    ]);
    expect(r.issues[1]!.message).toContain('set rolling: false on this step (nothing was sent)');
  });

  it("refuses more batches than JOB's 500", () => {
    const r = plan(
      `  - name: many\n    hosts: [${ips(501)}]\n    script: "true"\n    rolling: { batch: 1 }\n`,
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues[0]!.code).toBe('RUNNER_ROLLING_BATCHES');
    expect(r.issues[0]!.message).toContain('makes 501 batches of its 501 hosts; JOB allows at most 500');
    const ok = plan(
      `  - name: many\n    hosts: [${ips(500)}]\n    script: "true"\n    rolling: { batch: 1 }\n`,
    );
    expect(ok.ok).toBe(true);
  });
});
