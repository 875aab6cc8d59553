import type { CompareOp, Expr, FunctionName, ParseResult, Ref } from './ast.js';
import { type ExprError, type Token, tokenize } from './lexer.js';

/** How deep parentheses and `!` may nest. */
export const MAX_DEPTH = 32;

export const EXPR_NAMESPACES = ['vars', 'secrets', 'env', 'runbook', 'run', 'git', 'steps'] as const;
export const FUNCTIONS: readonly FunctionName[] = ['contains', 'startsWith'];
export const STEP_PROPS = ['outputs', 'status', 'hosts_ok', 'hosts_failed'] as const;
/** An output name: a variable name, as `::output NAME=VALUE` sets it. */
export const OUTPUT_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const REF_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const FIXED: Record<string, string[]> = { runbook: ['name'], run: ['id'], git: ['sha'] };
const COMPARE: readonly string[] = ['==', '!=', '<', '<=', '>', '>='];

class Failure {
  constructor(readonly error: ExprError) {}
}

/**
 * Parses an expression: `||`, `&&`, one comparison (`== != < <= > >=`), `!`, parentheses, string,
 * number and boolean literals, references (`vars.x`, `steps.NAME.outputs.KEY`, ...) and the calls
 * `contains(a, b)` and `startsWith(a, b)`. Total: bounded length, tokens and depth; never throws.
 */
export function parseExpression(text: string): ParseResult {
  const lexed = tokenize(text);
  if (!lexed.ok) return lexed;
  const p = new Parser(lexed.tokens, text);
  try {
    if (p.peek().kind === 'end')
      return { ok: false, error: { message: 'empty expression', start: 0, end: text.length } };
    const expr = p.or(0);
    const rest = p.peek();
    if (rest.kind !== 'end') p.fail(`unexpected ${p.describe(rest)} after a complete expression`, rest);
    return { ok: true, expr };
  } catch (err) {
    if (err instanceof Failure) return { ok: false, error: err.error };
    throw err;
  }
}

class Parser {
  private i = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly text: string,
  ) {}

  peek(): Token {
    return this.tokens[this.i]!;
  }
  private next(): Token {
    const t = this.tokens[this.i]!;
    if (t.kind !== 'end') this.i++;
    return t;
  }
  private isOp(text: string): boolean {
    const t = this.peek();
    return t.kind === 'op' && t.text === text;
  }
  fail(message: string, t: { start: number; end: number }): never {
    throw new Failure({ message, start: t.start, end: Math.max(t.end, t.start) });
  }
  describe(t: Token): string {
    if (t.kind === 'end') return 'end of the expression';
    return `"${this.text.slice(t.start, t.end)}"`;
  }
  private depth(d: number, t: Token): number {
    if (d >= MAX_DEPTH) this.fail(`the expression nests deeper than ${MAX_DEPTH} levels`, t);
    return d + 1;
  }

  or(d: number): Expr {
    let left = this.and(d);
    while (this.isOp('||')) {
      this.next();
      const right = this.and(d);
      left = { type: 'or', left, right, start: left.start, end: right.end };
    }
    return left;
  }

  private and(d: number): Expr {
    let left = this.compare(d);
    while (this.isOp('&&')) {
      this.next();
      const right = this.compare(d);
      left = { type: 'and', left, right, start: left.start, end: right.end };
    }
    return left;
  }

  private compare(d: number): Expr {
    const left = this.unary(d);
    const t = this.peek();
    if (t.kind !== 'op' || !COMPARE.includes(t.text)) return left;
    this.next();
    const right = this.unary(d);
    const after = this.peek();
    if (after.kind === 'op' && COMPARE.includes(after.text))
      this.fail(
        `comparisons do not chain: add parentheses around "${this.text.slice(left.start, right.end)}"`,
        after,
      );
    return { type: 'compare', op: t.text as CompareOp, left, right, start: left.start, end: right.end };
  }

  private unary(d: number): Expr {
    const t = this.peek();
    if (t.kind === 'op' && t.text === '!') {
      this.next();
      const arg = this.unary(this.depth(d, t));
      return { type: 'not', arg, start: t.start, end: arg.end };
    }
    return this.primary(d);
  }

  private primary(d: number): Expr {
    const t = this.next();
    switch (t.kind) {
      case 'string':
      case 'number':
        return { type: 'literal', value: t.value, start: t.start, end: t.end };
      case 'end':
        return this.fail('the expression ends where a value is expected', t);
      case 'op': {
        if (t.text !== '(') return this.fail(`unexpected ${this.describe(t)} where a value is expected`, t);
        const inner = this.or(this.depth(d, t));
        const close = this.next();
        if (close.kind !== 'op' || close.text !== ')')
          this.fail(
            `expected ")" to close the "(" at offset ${t.start}, found ${this.describe(close)}`,
            close,
          );
        return { ...inner, start: t.start, end: close.end };
      }
      case 'name':
        if (t.text === 'true' || t.text === 'false')
          return { type: 'literal', value: t.text === 'true', start: t.start, end: t.end };
        if (this.isOp('(')) return this.call(t, d);
        return this.reference(t);
    }
  }

  private call(name: Extract<Token, { kind: 'name' }>, d: number): Expr {
    if (!(FUNCTIONS as readonly string[]).includes(name.text))
      this.fail(
        `unknown function "${name.text}"; only ${FUNCTIONS.map((f) => `${f}(a, b)`).join(' and ')} exist`,
        name,
      );
    const open = this.next();
    const dd = this.depth(d, open);
    const args: Expr[] = [];
    if (!this.isOp(')')) {
      for (;;) {
        args.push(this.or(dd));
        if (!this.isOp(',')) break;
        this.next();
      }
    }
    const close = this.next();
    if (close.kind !== 'op' || close.text !== ')')
      this.fail(`expected "," or ")" in ${name.text}(...), found ${this.describe(close)}`, close);
    if (args.length !== 2)
      this.fail(`${name.text} takes 2 arguments (text, what to look for), not ${args.length}`, {
        start: name.start,
        end: close.end,
      });
    return {
      type: 'call',
      fn: name.text as FunctionName,
      args: [args[0]!, args[1]!],
      start: name.start,
      end: close.end,
    };
  }

  private reference(first: Extract<Token, { kind: 'name' }>): Expr {
    const segs = [first.text];
    let end = first.end;
    while (this.isOp('.')) {
      const dot = this.next();
      const seg = this.next();
      if (seg.kind !== 'name')
        this.fail(`expected a name after "." , found ${this.describe(seg)}`, seg.kind === 'end' ? dot : seg);
      segs.push(seg.text);
      end = seg.end;
    }
    const text = this.text.slice(first.start, end);
    const at = { start: first.start, end };
    const ns = segs[0]!;
    if (!(EXPR_NAMESPACES as readonly string[]).includes(ns)) {
      const hint = segs.length === 1 ? "; quote text as '...'" : '';
      this.fail(
        `unknown name "${ns}"; an expression reads ${EXPR_NAMESPACES.map((n) => `${n}.`).join(', ')}, literals and ${FUNCTIONS.join(', ')}${hint}`,
        first,
      );
    }
    const ref = ns === 'steps' ? this.stepRef(segs, text, at) : this.plainRef(ns, segs, text, at);
    return { type: 'ref', ref, text, ...at };
  }

  private plainRef(ns: string, segs: string[], text: string, at: { start: number; end: number }): Ref {
    const name = segs[1];
    if (segs.length !== 2 || !name || !REF_NAME.test(name))
      this.fail(`"${text}" is not a reference; write ${ns}.NAME`, at);
    const fixed = FIXED[ns];
    if (fixed && !fixed.includes(name))
      this.fail(`unknown reference ${text}; ${ns} has only ${fixed.map((n) => `${ns}.${n}`).join(', ')}`, at);
    return { ns: ns as Exclude<Ref['ns'], 'steps'>, name };
  }

  private stepRef(segs: string[], text: string, at: { start: number; end: number }): Ref {
    const usage =
      'write steps.NAME.outputs.KEY, steps.NAME.status, steps.NAME.hosts_ok or steps.NAME.hosts_failed';
    const last = segs[segs.length - 1]!;
    if (segs.length >= 3 && (last === 'status' || last === 'hosts_ok' || last === 'hosts_failed'))
      return { ns: 'steps', step: segs.slice(1, -1).join('.'), prop: last };
    if (segs.length >= 4 && segs[segs.length - 2] === 'outputs') {
      if (!OUTPUT_NAME.test(last))
        this.fail(`output name "${last}" must be a variable name (letters, digits, _)`, at);
      return { ns: 'steps', step: segs.slice(1, -2).join('.'), prop: 'outputs', key: last };
    }
    return this.fail(`"${text}": ${usage}`, at);
  }
}
