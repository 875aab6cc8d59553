import { describe, expect, it } from 'vitest';
import { createMask, maskDeep } from './mask.js';

describe('createMask', () => {
  it('masks every occurrence, the longer value first, and ignores empty values', () => {
    const mask = createMask(['abc', 'abcdef', '']);
    expect(mask('x abcdef y abc z')).toBe('x *** y *** z');
    expect(createMask([])('abc')).toBe('abc');
  });

  it('masks deeply, keys included, without changing the input', () => {
    const input = { a: ['s3cr3t!', 1, { 's3cr3t!': true }], b: null };
    const out = maskDeep(input, createMask(['s3cr3t!']));
    expect(out).toEqual({ a: ['***', 1, { '***': true }], b: null });
    expect(input.a[0]).toBe('s3cr3t!');
  });
});
