import { describe, expect, it } from 'vitest';
import { normalizeVarSpec, validateVarValue } from './var-value.js';

describe('validateVarValue', () => {
  it('infers the type from a short-form default', () => {
    expect(normalizeVarSpec(7)).toEqual({ type: 'integer', default: 7 });
    expect(normalizeVarSpec(0.5).type).toBe('number');
    expect(normalizeVarSpec(true).type).toBe('boolean');
    expect(normalizeVarSpec('nginx').type).toBe('string');
    expect(normalizeVarSpec({ description: 'x' }).type).toBe('string');
    expect(normalizeVarSpec({ default: 3 }).type).toBe('integer');
  });

  it('converts command-line strings to the declared type', () => {
    expect(validateVarValue(7, '12')).toEqual({ ok: true, value: 12 });
    expect(validateVarValue({ type: 'number' }, '1.5')).toEqual({ ok: true, value: 1.5 });
    expect(validateVarValue({ type: 'boolean' }, 'TRUE')).toEqual({ ok: true, value: true });
    expect(validateVarValue('x', 42)).toEqual({ ok: true, value: '42' });
    expect(validateVarValue(7, 'seven')).toEqual({ ok: false, message: '"seven" is not an integer' });
    expect(validateVarValue(7, '1.5')).toEqual({ ok: false, message: '"1.5" is not an integer' });
    expect(validateVarValue({ type: 'number' }, 'NaN')).toEqual({
      ok: false,
      message: '"NaN" is not a number',
    });
    expect(validateVarValue({ type: 'boolean' }, 'yes')).toEqual({
      ok: false,
      message: '"yes" is not true or false',
    });
  });

  it('checks enum, pattern and range', () => {
    const env = { type: 'string' as const, enum: ['prod', 'test'] };
    expect(validateVarValue(env, 'prod')).toEqual({ ok: true, value: 'prod' });
    expect(validateVarValue(env, 'dev')).toEqual({
      ok: false,
      message: '"dev" is not one of "prod", "test"',
    });
    expect(validateVarValue({ pattern: '[a-z]+' }, 'abc')).toEqual({ ok: true, value: 'abc' });
    expect(validateVarValue({ pattern: '[a-z]+' }, 'abc1')).toEqual({
      ok: false,
      message: '"abc1" does not match the pattern [a-z]+',
    });
    expect(validateVarValue({ type: 'integer', min: 1, max: 30 }, '0')).toEqual({
      ok: false,
      message: '0 is below the minimum of 1',
    });
    expect(validateVarValue({ type: 'integer', min: 1, max: 30 }, 31)).toEqual({
      ok: false,
      message: '31 is above the maximum of 30',
    });
    expect(validateVarValue({ type: 'integer', enum: [1, 2] }, '2')).toEqual({ ok: true, value: 2 });
  });
});
