import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { agreedOutput, type HostOutcome, selectHosts } from './agree.js';
import { MAX_OUTPUT_VALUE, MAX_OUTPUTS_PER_HOST, parseOutputs } from './parse.js';

describe('parseOutputs', () => {
  it('reads ::output lines, the value being the rest of the line; the last one wins', () => {
    const log = [
      '[2026-12-01 10:00:00][1234] job_start',
      '::output version=2.3',
      '  ::output leader=10.0.0.1:8080 = primary ',
      'echo ::output not_at_start=1',
      '::output version=2.4\r',
      '::output empty=',
    ].join('\n');
    expect(parseOutputs(log)).toEqual({
      outputs: { leader: '10.0.0.1:8080 = primary ', version: '2.4', empty: '' },
      problems: [],
    });
  });

  it('reads bk-sops markers anywhere in a line, several per line', () => {
    const log = 'x <SOPS_VAR>stale:yes</SOPS_VAR> y <SOPS_VAR>path:/a:b</SOPS_VAR>\n<SOPS_VAR>open:';
    expect(parseOutputs(log).outputs).toEqual({ stale: 'yes', path: '/a:b' });
  });

  it('ignores what is not an output, saying why', () => {
    const r = parseOutputs(
      [
        '::output 1bad=x',
        '::output =x',
        '::output novalue',
        '<SOPS_VAR>a b:1</SOPS_VAR>',
        '::output __proto__=x',
      ].join('\n'),
    );
    expect(r.outputs).toEqual({});
    expect(r.problems).toHaveLength(5);
    expect(Object.getPrototypeOf(r.outputs)).toBe(Object.prototype);
  });

  it('bounds value sizes and the number of names', () => {
    const big = `::output big=${'x'.repeat(MAX_OUTPUT_VALUE + 1)}\n::output ok=${'y'.repeat(MAX_OUTPUT_VALUE)}`;
    const r = parseOutputs(big);
    expect(Object.keys(r.outputs)).toEqual(['ok']);
    expect(r.problems[0]).toContain('over 4096');
    const many = Array.from({ length: MAX_OUTPUTS_PER_HOST + 5 }, (_, i) => `::output n${i}=${i}`).join('\n');
    const m = parseOutputs(`${many}\n::output n0=again`);
    expect(Object.keys(m.outputs)).toHaveLength(MAX_OUTPUTS_PER_HOST);
    expect(m.outputs.n0).toBe('again');
  });

  it('degenerate logs: empty, one character, unicode, huge', () => {
    expect(parseOutputs('')).toEqual({ outputs: {}, problems: [] });
    expect(parseOutputs(':').outputs).toEqual({});
    expect(parseOutputs('::output 名=1\n::output name=数据').outputs).toEqual({ name: '数据' });
    const huge = `${'<SOPS_VAR>'.repeat(200_000)}\n::output last=1`;
    expect(parseOutputs(huge).outputs).toEqual({ last: '1' });
  });

  it('never throws on any text', () => {
    const piece = fc.constantFrom(
      '::output ',
      '<SOPS_VAR>',
      '</SOPS_VAR>',
      ':',
      '=',
      '\n',
      '\r',
      'a',
      '_',
      '1',
      ' ',
      '数',
      '__proto__',
    );
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 60 }).map((a) => a.join('')),
        (log) => {
          const r = parseOutputs(log);
          for (const [k, v] of Object.entries(r.outputs)) {
            expect(k).toMatch(/^[A-Za-z_][A-Za-z0-9_]*$/);
            expect(v.length).toBeLessThanOrEqual(MAX_OUTPUT_VALUE);
            expect(v).not.toContain('\n');
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('agreedOutput and selectHosts', () => {
  const hosts: HostOutcome[] = [
    { key: '0:10.0.0.1', ok: true, outputs: { version: '2.3', stale: 'yes' } },
    { key: '0:10.0.0.2', ok: true, outputs: { version: '2.3', stale: 'no' } },
    { key: '0:10.0.0.3', ok: false, outputs: { stale: 'yes' } },
  ];

  it('gives the value every host that printed it agrees on', () => {
    expect(agreedOutput('check', hosts, 'version')).toEqual({ ok: true, value: '2.3' });
  });

  it('names hosts and values when they disagree, or says none printed it', () => {
    expect(agreedOutput('check', hosts, 'stale')).toEqual({
      ok: false,
      why: 'the hosts of step check disagree: "yes" on 0:10.0.0.1, 0:10.0.0.3; "no" on 0:10.0.0.2',
    });
    expect(agreedOutput('check', hosts, 'leader')).toEqual({
      ok: false,
      why: 'none of the 3 hosts of step check printed "::output leader=..."',
    });
  });

  it('selects by status and outputs', () => {
    expect(selectHosts(hosts)).toEqual(['0:10.0.0.1', '0:10.0.0.2', '0:10.0.0.3']);
    expect(selectHosts(hosts, 'succeeded', { stale: 'yes' })).toEqual(['0:10.0.0.1']);
    expect(selectHosts(hosts, 'failed')).toEqual(['0:10.0.0.3']);
    expect(selectHosts(hosts, 'any', { stale: 'maybe' })).toEqual([]);
    expect(selectHosts([], 'any')).toEqual([]);
  });
});
