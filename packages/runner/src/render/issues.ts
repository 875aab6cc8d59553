import type { Issue } from '@runbook/schema';

/** True for code points a terminal draws two columns wide (CJK, Hangul, fullwidth forms, emoji). */
function isWide(cp: number): boolean {
  return (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf && cp !== 0x303f) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1faff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  );
}

/** The padding that puts a caret under column `col` (code points) of `source`, tabs and wide characters included. */
export function caretPadding(source: string, col: number): string {
  let pad = '';
  let i = 0;
  for (const ch of source) {
    if (++i >= col) break;
    pad += ch === '\t' ? '\t' : isWide(ch.codePointAt(0)!) ? '  ' : ' ';
  }
  return pad;
}

/** `FILE:LINE:COL: message`, the source line, and a caret under the column. */
export function formatIssues(issues: readonly Issue[]): string {
  return issues
    .map((i) => {
      const head = `${i.file}:${i.line}:${i.col}: ${i.message}\n`;
      if (i.source === undefined) return head;
      return `${head}    ${i.source}\n    ${caretPadding(i.source, i.col)}^\n`;
    })
    .join('');
}
