import { describe, expect, it } from 'vitest';
import { hasExpression, scanTemplate } from './template.js';

describe('scanTemplate', () => {
  it('returns one literal for plain text', () => {
    expect(scanTemplate('df -h /var/log')).toEqual([{ kind: 'literal', text: 'df -h /var/log' }]);
    expect(scanTemplate('')).toEqual([]);
  });

  it('splits references with their offsets', () => {
    const text = '--keep ${{ vars.keep_days }} --svc ${{vars.service}}';
    expect(scanTemplate(text)).toEqual([
      { kind: 'literal', text: '--keep ' },
      { kind: 'ref', namespace: 'vars', name: 'keep_days', start: 7, end: 28 },
      { kind: 'literal', text: ' --svc ' },
      { kind: 'ref', namespace: 'vars', name: 'service', start: 35, end: 52 },
    ]);
    expect(text.slice(7, 28)).toBe('${{ vars.keep_days }}');
  });

  it('knows every namespace', () => {
    const ns = ['vars', 'secrets', 'env', 'runbook', 'run', 'git'];
    for (const n of ns) {
      expect(scanTemplate(`\${{ ${n}.x }}`)[0]).toMatchObject({ kind: 'ref', namespace: n, name: 'x' });
    }
  });

  it('turns $${{ into a literal ${{', () => {
    expect(scanTemplate('echo $${{ vars.x }} and ${{ run.id }}')).toEqual([
      { kind: 'literal', text: 'echo ${{ vars.x }} and ' },
      { kind: 'ref', namespace: 'run', name: 'id', start: 24, end: 37 },
    ]);
  });

  it('reports malformed expressions with their start', () => {
    expect(scanTemplate('a ${{ vars.x')).toEqual([
      { kind: 'literal', text: 'a ' },
      expect.objectContaining({ kind: 'error', start: 2, message: expect.stringContaining('unterminated') }),
    ]);
    expect(scanTemplate('${{ }}')[0]).toMatchObject({
      kind: 'error',
      start: 0,
      message: expect.stringContaining('empty'),
    });
    expect(scanTemplate('x ${{ foo.bar }}')[1]).toMatchObject({
      kind: 'error',
      start: 2,
      message: expect.stringContaining('unknown namespace "foo"'),
    });
    expect(scanTemplate('${{ vars.a + 1 }}')[0]).toMatchObject({
      kind: 'error',
      message: expect.stringContaining('unexpected character "+"'),
    });
    expect(scanTemplate('${{ toJSON(vars) }}')[0]).toMatchObject({ kind: 'error' });
    expect(scanTemplate('${{ vars }}')[0]).toMatchObject({ kind: 'error' });
  });

  it('hasExpression ignores escapes', () => {
    expect(hasExpression('$${{ x }}')).toBe(false);
    expect(hasExpression('${{ vars.x }}')).toBe(true);
    expect(hasExpression('${{ bad')).toBe(true);
  });
});
