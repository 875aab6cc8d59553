/** The tokens of an expression (`${{ … }}` contents, `when:`). Offsets are UTF-16 indexes into the text. */
export type Token =
  | { kind: 'name'; text: string; start: number; end: number }
  | { kind: 'string'; value: string; start: number; end: number }
  | { kind: 'number'; value: number; start: number; end: number }
  | { kind: 'op'; text: Op; start: number; end: number }
  | { kind: 'end'; start: number; end: number };

export type Op = '==' | '!=' | '<=' | '>=' | '<' | '>' | '&&' | '||' | '!' | '(' | ')' | ',' | '.';

/** A problem at an offset of the expression text. */
export interface ExprError {
  message: string;
  start: number;
  end: number;
}

/** The longest expression read: longer ones are refused before any work. */
export const MAX_EXPRESSION_LENGTH = 4096;
/** The most tokens an expression may have. */
export const MAX_TOKENS = 512;

const OPS: Op[] = ['==', '!=', '<=', '>=', '&&', '||', '<', '>', '!', '(', ')', ',', '.'];
const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_-]/;
const DIGIT = /[0-9]/;

/** Splits an expression into tokens, or says where it cannot. Never throws. */
export function tokenize(text: string): { ok: true; tokens: Token[] } | { ok: false; error: ExprError } {
  if (text.length > MAX_EXPRESSION_LENGTH) {
    return fail(
      `the expression is ${text.length} characters long; at most ${MAX_EXPRESSION_LENGTH} are read`,
      0,
      text.length,
    );
  }
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    if (tokens.length >= MAX_TOKENS)
      return fail(`the expression has more than ${MAX_TOKENS} tokens`, i, text.length);
    const start = i;
    const prev = tokens[tokens.length - 1];
    // After a dot, a path segment may start with a digit: step names are slugs such as `1-prepare`.
    const afterDot = prev?.kind === 'op' && prev.text === '.';
    if (NAME_START.test(c) || (afterDot && NAME_CHAR.test(c))) {
      while (i < text.length && NAME_CHAR.test(text[i]!)) i++;
      tokens.push({ kind: 'name', text: text.slice(start, i), start, end: i });
      continue;
    }
    if (DIGIT.test(c) || (c === '-' && DIGIT.test(text[i + 1] ?? ''))) {
      i++;
      while (i < text.length && DIGIT.test(text[i]!)) i++;
      if (text[i] === '.' && DIGIT.test(text[i + 1] ?? '')) {
        i++;
        while (i < text.length && DIGIT.test(text[i]!)) i++;
      }
      if (i < text.length && (NAME_CHAR.test(text[i]!) || text[i] === '.')) {
        while (i < text.length && (NAME_CHAR.test(text[i]!) || text[i] === '.')) i++;
        return fail(`"${text.slice(start, i)}" is not a number; quote text as '...'`, start, i);
      }
      tokens.push({ kind: 'number', value: Number(text.slice(start, i)), start, end: i });
      continue;
    }
    if (c === "'" || c === '"') {
      const r = readString(text, i);
      if ('error' in r) return { ok: false, error: r.error };
      tokens.push({ kind: 'string', value: r.value, start, end: r.end });
      i = r.end;
      continue;
    }
    const op = OPS.find((o) => text.startsWith(o, i));
    if (op) {
      tokens.push({ kind: 'op', text: op, start, end: i + op.length });
      i += op.length;
      continue;
    }
    const cp = String.fromCodePoint(text.codePointAt(i)!);
    const hint =
      c === '='
        ? '; compare with "=="'
        : c === '&' || c === '|'
          ? `; write "${c}${c}"`
          : '+-*/%'.includes(c)
            ? ' (expressions have no arithmetic: compare, combine with && || !, contains, startsWith)'
            : '';
    return fail(`unexpected character ${JSON.stringify(cp)}${hint}`, i, i + cp.length);
  }
  tokens.push({ kind: 'end', start: text.length, end: text.length });
  return { ok: true, tokens };
}

/** A quoted string: '...' with '' for a quote, or "..." with \" and \\. */
function readString(text: string, at: number): { value: string; end: number } | { error: ExprError } {
  const q = text[at]!;
  let value = '';
  let i = at + 1;
  while (i < text.length) {
    const c = text[i]!;
    if (c === q) {
      if (q === "'" && text[i + 1] === "'") {
        value += "'";
        i += 2;
        continue;
      }
      return { value, end: i + 1 };
    }
    if (q === '"' && c === '\\' && (text[i + 1] === '"' || text[i + 1] === '\\')) {
      value += text[i + 1];
      i += 2;
      continue;
    }
    value += c;
    i++;
  }
  return {
    error: { message: `unterminated string: ${q} without a closing ${q}`, start: at, end: text.length },
  };
}

function fail(message: string, start: number, end: number): { ok: false; error: ExprError } {
  return { ok: false, error: { message, start, end } };
}
