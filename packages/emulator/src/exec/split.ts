/**
 * Splits a parameter string into arguments the way a POSIX shell reads words: blanks separate,
 * '…' is literal, "…" keeps blanks and honours \" \\ \$ \` escapes, a backslash outside quotes
 * escapes the next character. No expansion of any kind. An unterminated quote runs to the end.
 */
export function splitParams(text: string): string[] {
  const out: string[] = [];
  let cur = '';
  let inWord = false;
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      if (inWord) out.push(cur);
      cur = '';
      inWord = false;
      i++;
    } else if (c === "'") {
      inWord = true;
      const end = text.indexOf("'", i + 1);
      const stop = end === -1 ? text.length : end;
      cur += text.slice(i + 1, stop);
      i = stop + 1;
    } else if (c === '"') {
      inWord = true;
      i++;
      while (i < text.length && text[i] !== '"') {
        const d = text[i]!;
        if (d === '\\' && i + 1 < text.length && '"\\$`\n'.includes(text[i + 1]!)) {
          if (text[i + 1] !== '\n') cur += text[i + 1];
          i += 2;
        } else {
          cur += d;
          i++;
        }
      }
      i++;
    } else if (c === '\\') {
      inWord = true;
      if (i + 1 < text.length && text[i + 1] !== '\n') cur += text[i + 1];
      i += 2;
    } else {
      inWord = true;
      cur += c;
      i++;
    }
  }
  if (inWord) out.push(cur);
  return out;
}
