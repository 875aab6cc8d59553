import { escapeControls } from '../render/controls.js';

/**
 * Record text made safe for Markdown: control characters shown escaped, every character Markdown
 * or HTML acts on backslash-escaped (a step named `<script>` or `a|b` stays text, in a table too),
 * line breaks turned into spaces.
 */
export function mdText(text: string): string {
  return (
    escapeControls(text)
      .replace(/[\r\n]+/g, ' ')
      .replace(/[\\`*[\]<>|~]/g, (c) => `\\${c}`)
      // `_` inside a word never emphasises (on_failure stays as it is); `&` only starts an entity.
      .replace(/(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])/g, '\\_')
      .replace(/&(?=#?[A-Za-z0-9]+;)/g, '\\&')
  );
}

/**
 * Text in a code span (hosts, paths, commands): backticks inside get a longer fence. In a table
 * cell (`inTable`) a `|` is escaped, which GitHub-flavoured Markdown reads as `|` there only.
 */
export function mdCode(text: string, inTable = false): string {
  const t = escapeControls(text).replace(/[\r\n]+/g, ' ');
  const longest = Math.max(0, ...[...t.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = t.startsWith('`') || t.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${inTable ? t.replace(/\|/g, '\\|') : t}${pad}${fence}`;
}

/** Lines in a fenced block whose fence no line can close. */
export function mdBlock(lines: string[], info = ''): string {
  const body = lines.map((l) => escapeControls(l)).join('\n');
  const longest = Math.max(2, ...[...body.matchAll(/`{3,}|~{3,}/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${info}\n${body}\n${fence}`;
}

/** `[text](url)` for an http(s) address, the text alone otherwise. */
export function mdLink(text: string, url: string | undefined): string {
  if (!url || !/^https?:\/\//i.test(url)) return text;
  return `[${text}](${url.replace(/[()<>\s]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`)})`;
}

/** A GitHub-flavoured table; cells are already escaped. */
export function mdTable(head: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.map((c) => c || ' ').join(' | ')} |`;
  return [line(head), `|${head.map(() => '---').join('|')}|`, ...rows.map(line)].join('\n');
}
