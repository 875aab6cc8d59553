import type { Issue } from '@runbook/schema';
import { charWidth } from './tui/wrap.js';

/** True for code points a terminal draws two columns wide (CJK, Hangul, fullwidth forms, emoji). */
const isWide = (cp: number): boolean => charWidth(cp) === 2;

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
