import { describe, expect, it } from 'vitest';
import { caretPadding, formatIssues } from '../src/render/issues.js';

describe('formatIssues', () => {
  it('prints FILE:LINE:COL: message, the line, and a caret under the column', () => {
    const out = formatIssues([
      {
        code: 'SCHEMA_TIMEOUT_RANGE',
        message: 'timeout 30s is below the minimum of 60 s',
        file: 'rb.yaml',
        line: 31,
        col: 14,
        source: '    timeout: 30s',
      },
      {
        code: 'SCHEMA_READ',
        message: 'cannot read the runbook: no such file',
        file: 'x.yaml',
        line: 1,
        col: 1,
      },
    ]);
    expect(out).toBe(
      'rb.yaml:31:14: timeout 30s is below the minimum of 60 s\n' +
        '        timeout: 30s\n' +
        '                 ^\n' +
        'x.yaml:1:1: cannot read the runbook: no such file\n',
    );
  });

  it('keeps the caret aligned after tabs and double-width characters', () => {
    // Before column 3 of "\tab" (the "b"): the tab is reproduced so the terminal expands it the same way.
    expect(caretPadding('\tab', 3)).toBe('\t ');
    // Chinese characters take two columns each in a terminal.
    const source = 'echo 你好 ${{ vars.x }}';
    expect(caretPadding(source, 9)).toBe(`${' '.repeat(5)}${' '.repeat(4)} `);
    // An emoji is one column in the numbering (code points) and two on screen.
    expect(caretPadding('😀x', 2)).toBe('  ');
  });
});
