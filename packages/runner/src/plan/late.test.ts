import { parseRunbook } from '@runbook/schema';
import { describe, expect, it } from 'vitest';
import { resolveLate, type StepOutcome, type StepOutcomes } from './late.js';
import { resolvePlan } from './resolve.js';

const RUNBOOK = `version: 1
name: late
biz: 2
vars:
  min: 2.4
defaults:
  account: root
steps:
  - name: check
    outputs: [version, stale, leader]
    hosts: ["10.0.0.1", "10.0.0.2", "10.0.0.3"]
    script: echo "::output version=2.3"
  - name: fix
    hosts:
      - "10.0.0.9"
      - { from_step: check, status: succeeded, output: { stale: "yes" } }
    when: \${{ steps.check.outputs.version < vars.min }}
    script: echo fixing to \${{ steps.check.outputs.version }}
    task_name: fix \${{ steps.check.outputs.leader || 'no-leader' }}
  - name: only-stale
    hosts: [{ from_step: check, output: { stale: "yes" } }]
    script: echo stale
  - name: static
    when: \${{ vars.min > 3 }}
    hosts: ["10.0.0.1"]
    script: echo static
`;

function plan(text = RUNBOOK) {
  const parsed = parseRunbook(text, { path: 'late.yaml', checkFiles: false });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  const r = resolvePlan(parsed.runbook, { runId: 'R1', env: {}, requireSecrets: true });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r;
}

const host = (ip: string, ok: boolean, outputs: Record<string, string>) => ({ key: `0:${ip}`, ok, outputs });
const outcomes = (check: StepOutcome): StepOutcomes => new Map([['check', check]]);

describe('phase 1: what is known after which step', () => {
  it('marks late values and hosts, shows them as <known after STEP>, and says when', () => {
    const { plan: p } = plan();
    const fix = p.steps[1]!;
    expect(fix.late).toEqual([{ after: 'check', fields: ['hosts', 'script', 'task_name', 'when'] }]);
    expect(fix.script).toBe('echo fixing to <known after check>\n'.trimEnd());
    expect(fix.taskName).toBe('fix <known after check>');
    expect(fix.hosts).toEqual(['0:10.0.0.9']);
    expect(fix.when).toBe('steps.check.outputs.version < vars.min');
    expect(p.steps[0]!.late).toBeUndefined();
    expect(p.steps[3]!.skipReason).toBe('when vars.min > 3 is false');
  });
});

describe('phase 2: just before a step runs', () => {
  const { plan: p, context } = plan();
  const [, fix, onlyStale, statik] = p.steps as [
    unknown,
    NonNullable<(typeof p.steps)[1]>,
    NonNullable<(typeof p.steps)[1]>,
    NonNullable<(typeof p.steps)[1]>,
  ];

  it('resolves values and hosts from the outcomes', () => {
    const r = resolveLate(
      context,
      fix,
      outcomes({
        status: 'partial',
        hosts: [
          host('10.0.0.1', true, { version: '2.3', stale: 'yes' }),
          host('10.0.0.2', true, { version: '2.3', stale: 'no' }),
          host('10.0.0.3', false, { stale: 'yes' }),
        ],
      }),
    );
    expect(r.kind).toBe('run');
    if (r.kind !== 'run') return;
    expect(r.step.script).toBe('echo fixing to 2.3');
    expect(r.step.taskName).toBe('fix no-leader');
    expect(r.step.hosts).toEqual(['0:10.0.0.9', '0:10.0.0.1']);
    expect(r.step.request.ip_list).toEqual([
      { bk_cloud_id: 0, ip: '10.0.0.9' },
      { bk_cloud_id: 0, ip: '10.0.0.1' },
    ]);
    expect(r.step.fingerprint).toEqual(fix.fingerprint);
  });

  it('fails before the submit when hosts disagree, naming hosts and values', () => {
    const r = resolveLate(
      context,
      fix,
      outcomes({
        status: 'succeeded',
        hosts: [host('10.0.0.1', true, { version: '2.3' }), host('10.0.0.2', true, { version: '2.2' })],
      }),
    );
    expect(r.kind).toBe('fail');
    if (r.kind === 'fail')
      expect(r.message).toContain(
        'steps.check.outputs.version has no value: the hosts of step check disagree: "2.3" on 0:10.0.0.1; "2.2" on 0:10.0.0.2',
      );
  });

  it('skips on when: false, and on an empty from_step selection, saying why', () => {
    const newer = outcomes({
      status: 'succeeded',
      hosts: [host('10.0.0.1', true, { version: '2.5', stale: 'yes' })],
    });
    expect(resolveLate(context, fix, newer)).toEqual({
      kind: 'skip',
      reason: 'when steps.check.outputs.version < vars.min is false',
    });
    const none = outcomes({
      status: 'succeeded',
      hosts: [host('10.0.0.1', true, { version: '2.3', stale: 'no' })],
    });
    expect(resolveLate(context, onlyStale, none)).toEqual({
      kind: 'skip',
      reason: 'from_step check (stale=yes) matched no host',
    });
    expect(resolveLate(context, statik, none)).toEqual({
      kind: 'skip',
      reason: 'when vars.min > 3 is false',
    });
  });

  it('a skipped step has a status but no outputs', () => {
    const r = resolveLate(context, fix, outcomes({ status: 'skipped', hosts: [] }));
    expect(r).toMatchObject({ kind: 'fail', message: expect.stringContaining('step check was skipped') });
  });
});

describe('when on every operator', () => {
  const cases: Array<[string, boolean]> = [
    ["steps.check.status == 'partial'", true],
    ["steps.check.status != 'partial'", false],
    ['steps.check.hosts_ok < 3', true],
    ['steps.check.hosts_ok <= 1', false],
    ['steps.check.hosts_failed > 0', true],
    ['steps.check.hosts_failed >= 2', false],
    ["steps.check.outputs.version == '2.3' && steps.check.hosts_ok == 2", true],
    ["steps.check.outputs.version == '9' || steps.check.hosts_ok == 2", true],
    ["!(steps.check.status == 'partial')", false],
    ["contains(steps.check.outputs.version, '.3')", true],
    ["startsWith(steps.check.outputs.version, '3')", false],
    ['true', true],
    ["steps.check.outputs.nothing || ''", false],
  ];
  it.each(cases)('%s → %s', (expr, runs) => {
    const text = `version: 1
name: ops
biz: 2
defaults: { account: root }
steps:
  - name: check
    hosts: ["10.0.0.1"]
    script: echo
  - name: next
    when: \${{ ${expr} }}
    hosts: ["10.0.0.1"]
    script: echo
`;
    const { plan: p, context } = plan(text);
    const r = resolveLate(
      context,
      p.steps[1]!,
      outcomes({
        status: 'partial',
        hosts: [
          host('10.0.0.1', true, { version: '2.3' }),
          host('10.0.0.2', true, {}),
          host('10.0.0.3', false, {}),
        ],
      }),
    );
    expect(r.kind).toBe(runs ? 'run' : 'skip');
  });
});
