import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { textWidth, wrapText } from './wrap.js';

describe('wrapText', () => {
  it('breaks after spaces and commas, never past the width', () => {
    const text = 'JOB refused these 3 hosts: 0:10.9.9.7, 0:10.9.9.8, 0:10.9.9.9; they are not in business 2';
    const lines = wrapText(text, 30, '  ');
    expect(lines.every((l) => textWidth(l) <= 30)).toBe(true);
    expect(lines.join(' ').replace(/\s+/g, ' ')).toBe(text);
    expect(lines[1]!.startsWith('  ')).toBe(true);
  });

  it('cuts a word wider than the line, counts wide characters twice, keeps newlines', () => {
    expect(wrapText('x'.repeat(25), 10)).toEqual(['x'.repeat(10), 'x'.repeat(10), 'x'.repeat(5)]);
    const cjk = wrapText('主机无效请检查源或目标主机是否存在', 10);
    expect(cjk.every((l) => textWidth(l) <= 10)).toBe(true);
    expect(cjk.join('')).toBe('主机无效请检查源或目标主机是否存在');
    expect(wrapText('a\nb', 10)).toEqual(['a', 'b']);
    expect(wrapText('', 10)).toEqual(['']);
  });

  it('property: no line is wider than asked and no visible character is lost', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme-composite', maxLength: 300 }),
        fc.integer({ min: 10, max: 120 }),
        (s, width) => {
          const text = s.replace(/[\n\r\t]/g, ' ');
          const lines = wrapText(text, width, '  ');
          expect(lines.every((l) => textWidth(l) <= width)).toBe(true);
          expect(lines.join('').replace(/\s+/g, '')).toBe(text.replace(/\s+/g, ''));
        },
      ),
      { numRuns: 300 },
    );
  });
});
