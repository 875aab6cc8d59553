import { describe, expect, it } from 'vitest';
import type { Plan, PlannedStep } from '../plan/types.js';
import type { StepSnapshot } from '../record/step-snapshots.js';
import type { RunRecord, StepRecord } from '../record/types.js';
import { changedLines, reviewResume } from './resume-changes.js';

const snap = (name: string, script: string): StepSnapshot => ({
  name,
  script,
  account: 'root',
  timeoutSec: 60,
  hosts: ['0:10.0.0.1'],
  hostIds: [],
  customQueries: [],
  topoNodes: [],
});

function planned(name: string, script: string, vars: string[] = []): PlannedStep {
  return {
    name,
    script,
    scriptSha256: `${script.length}`.padEnd(64, '0'),
    hostCount: 1,
    customQueries: [],
    fingerprint: { script: script, account: 'root' },
    vars,
  } as unknown as PlannedStep;
}

function recorded(name: string, state: StepRecord['state'], script: string): StepRecord {
  return {
    name,
    state,
    request: {
      taskName: name,
      hosts: 1,
      customQueries: [],
      account: 'root',
      timeoutSec: 60,
      sensitive: false,
    },
    fingerprint: { script, account: 'root' },
  };
}

const plan = (steps: PlannedStep[], vars: Plan['vars'] = {}) => ({ steps, vars }) as unknown as Plan;
const record = (steps: StepRecord[], vars: RunRecord['vars'] = {}) =>
  ({ runId: 'r1', steps, vars }) as unknown as RunRecord;

const review = (r: RunRecord, p: Plan, old: Record<string, string> = {}) =>
  reviewResume(
    r,
    p,
    (s) => (old[s.name] === undefined ? undefined : snap(s.name, old[s.name]!)),
    (s) => snap(s.name, s.script ?? ''),
  );

describe('changedLines', () => {
  it('shows the first lines that differ, bounded, for degenerate texts', () => {
    expect(changedLines('', 'x')).toEqual(['  at line 1:', '  - ', '  + x']);
    expect(changedLines('a', 'b')).toEqual(['  at line 1:', '  - a', '  + b']);
    expect(changedLines('a\nb\nc', 'a\nc')).toEqual(['  at line 2:', '  - b']);
    expect(changedLines('héllo\n日本', 'héllo\n日本語')).toEqual(['  at line 2:', '  - 日本', '  + 日本語']);
    const huge = Array.from({ length: 10_000 }, (_, i) => `line ${i}`).join('\n');
    const out = changedLines(
      huge,
      huge.replace('line 5000', 'line five thousand').replace('line 9990\n', 'nine\n'),
    );
    expect(out[0]).toBe('  at line 5001:');
    expect(out.length).toBeLessThanOrEqual(1 + 2 * 6);
    expect(out.filter((l) => l.includes('more lines'))).toHaveLength(2);
    const long = changedLines('x'.repeat(5000), 'y'.repeat(5000));
    expect(Math.max(...long.map((l) => l.length))).toBeLessThan(200);
  });
});

describe('reviewResume', () => {
  it('takes a change to a failed step; refuses one to a succeeded step, naming it first for --from-step', () => {
    const r = record([recorded('a', 'succeeded', 'A'), recorded('b', 'failed', 'B')]);
    const ok = review(r, plan([planned('a', 'A'), planned('b', 'B2')]), { b: 'B' });
    expect(ok.refusals).toEqual([]);
    expect(ok.changes).toEqual([
      {
        step: 'b',
        fields: ['script'],
        detail: [expect.stringMatching(/^script: sha256 /), '  at line 1:', '  - B', '  + B2'],
      },
    ]);
    const no = review(r, plan([planned('a', 'A2'), planned('b', 'B2')]));
    expect(no.refusals).toEqual(['step a already succeeded and changed: script']);
    expect(no.fromStep).toBe('a');
  });

  it('look-alike step names are different steps: one removed, one new', () => {
    const r = record([recorded('a', 'succeeded', 'A'), recorded('restart', 'failed', 'R')]);
    // Cyrillic а in the new name.
    const out = review(r, plan([planned('a', 'A'), planned('restаrt', 'R')]));
    expect(out.refusals).toEqual([]);
    expect(out.changes.map((c) => `${c.step}:${c.fields}`)).toEqual(['restаrt:new', 'restart:removed']);
  });

  it('a var read by a succeeded step refuses; a var only a failed step reads is a change of that step', () => {
    const r = record([recorded('a', 'succeeded', 'A'), recorded('b', 'failed', 'B')], { x: 1, y: 'é' });
    const p = plan([planned('a', 'A', ['x']), planned('b', 'B', ['y'])], { x: 1, y: '' });
    const out = review(r, p);
    expect(out.refusals).toEqual([]);
    expect(out.changes).toEqual([{ step: 'b', fields: ['vars.y'], detail: ['var y: "é" → ""'] }]);
    const refused = review(r, plan([planned('a', 'A', ['x']), planned('b', 'B')], { x: 2, y: 'é' }));
    expect(refused.refusals).toEqual(['var x: 1 → 2; step a reads it and already succeeded']);
  });

  it('a step whose job may still run cannot change; a removed succeeded step is refused; no steps at all', () => {
    const r = record([
      recorded('a', 'succeeded', 'A'),
      { ...recorded('b', 'detached', 'B'), jobInstanceId: 7 },
    ]);
    const out = review(r, plan([planned('b', 'B2')]));
    expect(out.refusals).toEqual([
      'step b changed (script) while its job 7 from the earlier run may still be running the earlier version',
      'step a already succeeded and was removed',
    ]);
    expect(review(record([]), plan([])).changes).toEqual([]);
  });

  it('a step moved before a succeeded one is refused', () => {
    const r = record([recorded('a', 'succeeded', 'A'), recorded('b', 'failed', 'B')]);
    const out = review(r, plan([planned('b', 'B'), planned('a', 'A')]));
    expect(out.refusals).toEqual(['step b moved past a step that already succeeded (a)']);
  });
});
