import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitParams } from './split.js';

/** Quotes a word the way a person writing a shell command would. */
const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

describe('splitParams: words as a POSIX shell reads them, without expansion', () => {
  it.each([
    ['', []],
    ['  hello  ', ['hello']],
    ['a b\tc\nd', ['a', 'b', 'c', 'd']],
    [`'two words' x`, ['two words', 'x']],
    [`"say \\"hi\\"" '$HOME' \`x\``, ['say "hi"', '$HOME', '`x`']],
    [`"a\\nb" a\\ b`, ['a\\nb', 'a b']],
    [`pre'mid'"post"`, ['premidpost']],
    [`'' ""`, ['', '']],
    [`中文 '参 数'`, ['中文', '参 数']],
    [`'unterminated quote`, ['unterminated quote']],
  ])('%j', (text, words) => {
    expect(splitParams(text)).toEqual(words);
  });

  it('splitting quoted words gives the words back', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'grapheme' }), { maxLength: 8 }), (words) => {
        expect(splitParams(words.map(quote).join(' '))).toEqual(words);
      }),
    );
  });
});
