import { describe, expect, it } from 'vitest';
import { expandTargets, type FromStep, fromStepText } from './hosts.js';

const render = (t: string) => ({ ok: true as const, value: t });

describe('expandTargets with { from_step }', () => {
  const ran: FromStep = (e) =>
    e.from_step === 'check' ? (e.status === 'failed' ? [] : ['0:10.0.0.2', 'id:7', '0:10.0.0.1']) : undefined;

  it('mixes the selected hosts with the other entries, deduplicated', () => {
    const { targets, problems } = expandTargets(
      { hosts: ['10.0.0.1', { from_step: 'check', status: 'succeeded' }] },
      '/steps/1',
      {},
      0,
      render,
      ran,
    );
    expect(problems).toEqual([]);
    expect(targets.ipList).toEqual([
      { bk_cloud_id: 0, ip: '10.0.0.1' },
      { bk_cloud_id: 0, ip: '10.0.0.2' },
    ]);
    expect(targets.hostIds).toEqual([7]);
    expect(targets.late).toBeUndefined();
  });

  it('says which steps the hosts wait for, and an empty selection is no problem but said', () => {
    const late = expandTargets({ hosts: [{ from_step: 'later' }] }, '/steps/1', {}, 0, render, ran);
    expect(late.problems).toEqual([]);
    expect(late.targets.late).toEqual(['later']);
    const empty = expandTargets(
      { hosts: [{ from_step: 'check', status: 'failed', output: { stale: 'yes' } }] },
      '/steps/1',
      {},
      0,
      render,
      ran,
    );
    expect(empty.problems).toEqual([]);
    expect(empty.targets.emptyFrom).toEqual(['from_step check (failed, stale=yes)']);
    expect(fromStepText({ from_step: 'a' })).toBe('from_step a');
  });
});
