import type { ExprError } from './lexer.js';

/** What a reference reads. Step names are slugs and may hold dots: the last parts say what is read. */
export type Ref =
  | { ns: 'vars' | 'secrets' | 'env' | 'runbook' | 'run' | 'git'; name: string }
  | { ns: 'steps'; step: string; prop: 'status' | 'hosts_ok' | 'hosts_failed' }
  | { ns: 'steps'; step: string; prop: 'outputs'; key: string };

export type CompareOp = '==' | '!=' | '<' | '<=' | '>' | '>=';
export type FunctionName = 'contains' | 'startsWith';
export type Value = string | number | boolean;

interface At {
  start: number;
  end: number;
}
/** A parsed expression; every node knows where it was written. */
export type Expr =
  | ({ type: 'literal'; value: Value } & At)
  | ({ type: 'ref'; ref: Ref; text: string } & At)
  | ({ type: 'not'; arg: Expr } & At)
  | ({ type: 'and' | 'or'; left: Expr; right: Expr } & At)
  | ({ type: 'compare'; op: CompareOp; left: Expr; right: Expr } & At)
  | ({ type: 'call'; fn: FunctionName; args: [Expr, Expr] } & At);

export type ParseResult = { ok: true; expr: Expr } | { ok: false; error: ExprError };

/** The text a reference is written as, for messages: `steps.check.outputs.version`. */
export function refText(ref: Ref): string {
  if (ref.ns !== 'steps') return `${ref.ns}.${ref.name}`;
  return ref.prop === 'outputs' ? `steps.${ref.step}.outputs.${ref.key}` : `steps.${ref.step}.${ref.prop}`;
}

export type RefNode = Extract<Expr, { type: 'ref' }>;

/** Every reference of an expression, in writing order. */
export function refsOf(expr: Expr, out: RefNode[] = []): RefNode[] {
  switch (expr.type) {
    case 'ref':
      out.push(expr);
      break;
    case 'not':
      refsOf(expr.arg, out);
      break;
    case 'and':
    case 'or':
    case 'compare':
      refsOf(expr.left, out);
      refsOf(expr.right, out);
      break;
    case 'call':
      refsOf(expr.args[0], out);
      refsOf(expr.args[1], out);
      break;
    case 'literal':
      break;
  }
  return out;
}
