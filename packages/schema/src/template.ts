/** The namespaces an expression may read from. */
export const NAMESPACES = ['vars', 'secrets', 'env', 'runbook', 'run', 'git'] as const;
export type Namespace = (typeof NAMESPACES)[number];

/** One piece of a string value, as `scanTemplate` splits it. Offsets are UTF-16 indexes into the text. */
export type TemplatePart =
  | { kind: 'literal'; text: string }
  | { kind: 'ref'; namespace: Namespace; name: string; start: number; end: number }
  | { kind: 'error'; message: string; start: number; end: number };

const NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/**
 * Splits a string into literal text and `${{ namespace.name }}` references. `$${{` writes a literal
 * `${{`. Nothing is evaluated; a malformed expression becomes an `error` part with its offset.
 */
export function scanTemplate(text: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let literal = '';
  let i = 0;
  const flush = (): void => {
    if (literal !== '') parts.push({ kind: 'literal', text: literal });
    literal = '';
  };
  while (i < text.length) {
    const open = text.indexOf('${{', i);
    if (open < 0) {
      literal += text.slice(i);
      break;
    }
    if (open > 0 && text[open - 1] === '$') {
      // `$${{` → a literal `${{`
      literal += `${text.slice(i, open - 1)}\${{`;
      i = open + 3;
      continue;
    }
    literal += text.slice(i, open);
    const close = text.indexOf('}}', open + 3);
    if (close < 0) {
      flush();
      parts.push({
        kind: 'error',
        message: 'unterminated expression: "${{" without a closing "}}" (write "$${{" for a literal "${{")',
        start: open,
        end: text.length,
      });
      return parts;
    }
    flush();
    parts.push(parseRef(text.slice(open + 3, close), open, close + 2));
    i = close + 2;
  }
  flush();
  return parts;
}

function parseRef(inner: string, start: number, end: number): TemplatePart {
  const expr = inner.trim();
  if (expr === '') return { kind: 'error', message: 'empty expression "${{ }}"', start, end };
  const dot = expr.indexOf('.');
  const ns = dot < 0 ? expr : expr.slice(0, dot);
  const name = dot < 0 ? '' : expr.slice(dot + 1);
  if (!(NAMESPACES as readonly string[]).includes(ns)) {
    const message = NAME.test(ns)
      ? `unknown namespace "${ns}" in "\${{ ${expr} }}"; use one of ${NAMESPACES.join(', ')}`
      : `"\${{ ${expr} }}" is not a reference; only NAMESPACE.NAME is allowed (no functions, operators or code)`;
    return { kind: 'error', message, start, end };
  }
  if (!NAME.test(name)) {
    return {
      kind: 'error',
      message: `"\${{ ${expr} }}" is not a reference; write ${ns}.NAME (no functions, operators or code)`,
      start,
      end,
    };
  }
  return { kind: 'ref', namespace: ns as Namespace, name, start, end };
}

/** True when the text contains at least one `${{` expression (not counting `$${{` escapes). */
export function hasExpression(text: string): boolean {
  return scanTemplate(text).some((p) => p.kind !== 'literal');
}
