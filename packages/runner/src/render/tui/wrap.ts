/**
 * Text wrapped to the screen's width, for what must never be cut (errors, JOB's refusals, host
 * lists): broken after spaces and commas where it can, inside a word only when one word is wider
 * than the line. Wide characters (CJK, most emoji) count two columns, as terminals draw them.
 */

/** Columns a code point takes on a terminal: 0 for combining marks, 2 for wide ones, else 1. */
export function charWidth(cp: number): number {
  if (cp < 0x300) return 1;
  if ((cp >= 0x300 && cp <= 0x36f) || (cp >= 0x200b && cp <= 0x200f) || (cp >= 0xfe00 && cp <= 0xfe0f))
    return 0;
  if (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf && cp !== 0x303f) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1faff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  )
    return 2;
  return 1;
}

/** Columns a text takes. */
export function textWidth(text: string): number {
  let w = 0;
  for (const ch of text) w += charWidth(ch.codePointAt(0)!);
  return w;
}

/**
 * `text` in lines of at most `width` columns; `indent` starts every line but the first (and counts
 * in the width). Newlines in the text start new lines. Never drops a character but spaces at breaks.
 */
export function wrapText(text: string, width: number, indent = ''): string[] {
  const w = Math.max(textWidth(indent) + 8, width);
  const out: string[] = [];
  for (const para of text.split('\n')) {
    let line = out.length === 0 ? '' : indent;
    let lineW = textWidth(line);
    let lead = lineW;
    const tokens = para.match(/[^\s,，、;；]+[,，、;；]?|[,，、;；]|\s+/g) ?? [''];
    for (const token of tokens) {
      const tw = textWidth(token);
      if (lineW + tw <= w) {
        line += token;
        lineW += tw;
        continue;
      }
      if (/^\s+$/.test(token)) {
        out.push(line.trimEnd());
        line = indent;
        lineW = lead = textWidth(indent);
        continue;
      }
      if (lineW > lead && tw <= w - textWidth(indent)) {
        out.push(line.trimEnd());
        line = indent + token;
        lineW = textWidth(line);
        lead = textWidth(indent);
        continue;
      }
      // A word wider than the line: cut it where the line ends.
      for (const ch of token) {
        const cw = charWidth(ch.codePointAt(0)!);
        if (lineW + cw > w && lineW > lead) {
          out.push(line);
          line = indent;
          lineW = lead = textWidth(indent);
        }
        line += ch;
        lineW += cw;
      }
    }
    out.push(line.trimEnd());
    lead = textWidth(indent);
  }
  return out;
}
