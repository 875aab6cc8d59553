import { escapeControls } from '../render/controls.js';

/** Record text as HTML text or an attribute value: nothing in it is ever markup (`<script>` stays text). */
export function esc(text: string | number): string {
  return escapeControls(String(text)).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

/** A link for an http(s) address, the text alone otherwise. */
export function link(text: string, url: string | undefined): string {
  return url && /^https?:\/\//i.test(url) ? `<a href="${esc(url)}">${esc(text)}</a>` : esc(text);
}

export function table(head: string[], rows: string[][], cls = ''): string {
  const th = head.map((h) => `<th>${h}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.join('')}</tr>`).join('\n');
  return `<table${cls ? ` class="${cls}"` : ''}><thead><tr>${th}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

/** A cell of already-made HTML; `n` for a number, aligned right. */
export const td = (html: string, n = false) => `<td${n ? ' class="n"' : ''}>${html}</td>`;
