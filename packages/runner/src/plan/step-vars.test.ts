import { describe, expect, it } from 'vitest';
import { varsUsedBy } from './step-vars.js';

describe('varsUsedBy', () => {
  it('finds vars in references, expressions and a bare when:, each once, sorted', () => {
    expect(
      varsUsedBy(
        ['echo ${{ vars.b }} ${{ vars.a }} ${{ vars.b }}', "x ${{ vars.c || 'd' }}", '$${{ vars.lit }}'],
        ["vars.e == 'x'", '${{ vars.f }}', 42],
      ),
    ).toEqual(['a', 'b', 'c', 'e', 'f']);
  });

  it('degenerate inputs: nothing, empty, one character, broken expressions, unicode, huge', () => {
    expect(varsUsedBy([])).toEqual([]);
    expect(varsUsedBy(['', undefined, '$', '${{', '${{ }}'])).toEqual([]);
    expect(varsUsedBy(['${{ secrets.x }} ${{ env.HOME }} 日本 ${{ vars.région }}'])).toEqual([]);
    expect(varsUsedBy([`${'x'.repeat(100_000)} \${{ vars.z }}`])).toEqual(['z']);
  });
});
