import { type Expr, type Ref, refText, type Value } from './ast.js';
import type { ExprError } from './lexer.js';

/** What a reference reads: a value, or why there is none (only `a || b` goes past a missing value). */
export type Looked = { ok: true; value: Value } | { ok: false; why: string };
export type Lookup = (ref: Ref) => Looked;
export type Evaluated = { ok: true; value: Value } | { ok: false; error: ExprError };

const NUMERIC = /^\s*-?\d+(\.\d+)?\s*$/;

/** `''`, `0` and `false` are false; everything else is true. */
export function truthy(v: Value): boolean {
  return v !== '' && v !== 0 && v !== false;
}

/** A value as text: what a `${{ }}` in a script becomes. */
export function valueText(v: Value): string {
  return typeof v === 'string' ? v : String(v);
}

class Failure {
  constructor(readonly error: ExprError) {}
}
const MISSING = Symbol('missing');
type Out = Value | { [MISSING]: string; node: Expr };

/**
 * Evaluates a parsed expression. Comparisons compare numbers as numbers (when both sides are numbers
 * or look like one, `"2.3" < 2.4`), anything else as text; `a || b` is `a` unless it is false or has
 * no value; `a && b` is `b` when `a` is true. Never throws; a missing value is a positioned error.
 */
export function evaluate(expr: Expr, lookup: Lookup): Evaluated {
  try {
    return { ok: true, value: need(run(expr, lookup)) };
  } catch (err) {
    if (err instanceof Failure) return { ok: false, error: err.error };
    throw err;
  }
}

function need(v: Out): Value {
  if (typeof v === 'object') throw new Failure({ message: v[MISSING], start: v.node.start, end: v.node.end });
  return v;
}

function run(e: Expr, lookup: Lookup): Out {
  switch (e.type) {
    case 'literal':
      return e.value;
    case 'ref': {
      const r = lookup(e.ref);
      return r.ok ? r.value : { [MISSING]: `${refText(e.ref)} has no value: ${r.why}`, node: e };
    }
    case 'not':
      return !truthy(need(run(e.arg, lookup)));
    case 'or': {
      const left = run(e.left, lookup);
      return typeof left !== 'object' && truthy(left) ? left : run(e.right, lookup);
    }
    case 'and': {
      const left = need(run(e.left, lookup));
      return truthy(left) ? run(e.right, lookup) : left;
    }
    case 'compare':
      return compare(e.op, need(run(e.left, lookup)), need(run(e.right, lookup)));
    case 'call': {
      const a = valueText(need(run(e.args[0], lookup)));
      const b = valueText(need(run(e.args[1], lookup)));
      return e.fn === 'contains' ? a.includes(b) : a.startsWith(b);
    }
  }
}

function compare(op: string, a: Value, b: Value): boolean {
  const numeric = (v: Value) => typeof v === 'number' || (typeof v === 'string' && NUMERIC.test(v));
  let x: number | string;
  let y: number | string;
  if (numeric(a) && numeric(b)) {
    x = Number(a);
    y = Number(b);
  } else {
    x = valueText(a);
    y = valueText(b);
  }
  switch (op) {
    case '==':
      return x === y;
    case '!=':
      return x !== y;
    case '<':
      return x < y;
    case '<=':
      return x <= y;
    case '>':
      return x > y;
    default:
      return x >= y;
  }
}
