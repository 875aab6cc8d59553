import type { Expr } from './expr/ast.js';
import { parseExpression } from './expr/parser.js';

/** The namespaces a plain reference reads from (expressions also read `steps.*`). */
export const NAMESPACES = ['vars', 'secrets', 'env', 'runbook', 'run', 'git'] as const;
export type Namespace = (typeof NAMESPACES)[number];

/** One piece of a string value, as `scanTemplate` splits it. Offsets are UTF-16 indexes into the text. */
export type TemplatePart =
  | { kind: 'literal'; text: string }
  | { kind: 'ref'; namespace: Namespace; name: string; start: number; end: number }
  /** Anything else that parses: `steps.NAME.outputs.KEY`, `vars.x || 'fallback'`, comparisons... */
  | { kind: 'expr'; expr: Expr; start: number; end: number }
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
  const simple =
    /^[A-Za-z_][A-Za-z0-9_-]*\.[A-Za-z_][A-Za-z0-9_-]*$/.test(expr) && !expr.startsWith('steps.');
  if (!simple) {
    const parsed = parseExpression(inner);
    if (parsed.ok) return { kind: 'expr', expr: parsed.expr, start, end };
    if (/[\s=<>!&|(),'"*/+%]/.test(expr) || expr.startsWith('steps.'))
      return { kind: 'error', message: `in "\${{ ${expr} }}": ${parsed.error.message}`, start, end };
  }
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

/**
 * Reads a `when:` value: exactly one `${{ EXPR }}` (spaces around it allowed). The expression's
 * offsets are turned into offsets of `text`.
 */
export function parseWhen(
  text: string,
): { ok: true; expr: Expr } | { ok: false; message: string; start: number; end: number } {
  const m = /^\s*\$\{\{([\s\S]*)\}\}\s*$/.exec(text);
  if (!m || m[1]!.includes('}}')) {
    return {
      ok: false,
      message:
        "when must be one expression written as ${{ EXPR }}, such as ${{ steps.check.outputs.stale == 'yes' }}",
      start: 0,
      end: text.length,
    };
  }
  const base = text.indexOf('${{') + 3;
  const parsed = parseExpression(m[1]!);
  if (!parsed.ok)
    return {
      ok: false,
      message: parsed.error.message,
      start: base + parsed.error.start,
      end: base + parsed.error.end,
    };
  return { ok: true, expr: shift(parsed.expr, base) };
}

function shift(e: Expr, by: number): Expr {
  const at = { start: e.start + by, end: e.end + by };
  switch (e.type) {
    case 'literal':
    case 'ref':
      return { ...e, ...at };
    case 'not':
      return { ...e, ...at, arg: shift(e.arg, by) };
    case 'call':
      return { ...e, ...at, args: [shift(e.args[0], by), shift(e.args[1], by)] };
    default:
      return { ...e, ...at, left: shift(e.left, by), right: shift(e.right, by) };
  }
}

/** True when the text contains at least one `${{` expression (not counting `$${{` escapes). */
export function hasExpression(text: string): boolean {
  return scanTemplate(text).some((p) => p.kind !== 'literal');
}
