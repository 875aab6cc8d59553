import type { Issue } from '@runbook/schema';

/** `FILE:LINE:COL: message`, the source line, and a caret under the column. */
export function formatIssues(issues: readonly Issue[]): string {
  return issues
    .map((i) => {
      const head = `${i.file}:${i.line}:${i.col}: ${i.message}\n`;
      if (i.source === undefined) return head;
      return `${head}    ${i.source}\n    ${' '.repeat(Math.max(0, i.col - 1))}^\n`;
    })
    .join('');
}
