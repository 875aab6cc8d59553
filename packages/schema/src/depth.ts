import { Lexer } from 'yaml';

/** The parser ran out of stack: nesting hundreds of levels deep. Where it gave up depends on the stack size. */
export const TOO_DEEP = /Maximum call stack size exceeded/;
export const TOO_DEEP_MESSAGE =
  'the YAML is nested too deeply to read (hundreds of levels); a runbook needs only a few';

/** Flow collections (`[`, `{`) nested deeper than this, or block nesting (indentation plus `- ` items) deeper, are refused. */
const MAX_FLOW_DEPTH = 200;
const MAX_BLOCK_DEPTH = 256;

/**
 * A cheap test that lets ordinary runbooks skip a second lexing: the bracket nesting counted on the raw
 * characters (the braces of `${{` left out), or a line longer than MAX_BLOCK_DEPTH (each block level on
 * a line takes at least one character of it). Brackets inside strings can make the count low; a parser
 * that then runs out of stack is caught afterwards, and `tooDeepAt(text, true)` places it.
 */
function mayBeTooDeep(text: string): boolean {
  if (hasLongLine(text)) return true;
  let depth = 0;
  BRACKETS.lastIndex = 0;
  for (let m = BRACKETS.exec(text); m; m = BRACKETS.exec(text)) {
    const c = m[0];
    if (c === '[' || (c === '{' && text[m.index - 1] !== '$' && !text.startsWith('${', m.index - 2))) {
      if (++depth > MAX_FLOW_DEPTH) return true;
    } else if ((c === ']' || c === '}') && depth > 0) depth--;
  }
  return false;
}

const BRACKETS = /[[\]{}]/g;

/** A line longer than MAX_BLOCK_DEPTH (a regular expression for this backtracks at every offset). */
function hasLongLine(text: string): boolean {
  let start = 0;
  for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
    if (nl - start > MAX_BLOCK_DEPTH) return true;
    start = nl + 1;
  }
  return text.length - start > MAX_BLOCK_DEPTH;
}

/**
 * Where the nesting first goes past the limits, found with the (iterative) lexer: the YAML composer
 * recurses and runs out of stack at a depth that varies with the JIT state, so its answer would too.
 * Block scalars (scripts) are one token each, so their indentation does not count.
 */
export function tooDeepAt(text: string, force = false): number | undefined {
  if (!force && !mayBeTooDeep(text)) return undefined;
  let flow = 0;
  let block = 0;
  let offset = 0;
  let lineStart = true;
  for (const tok of new Lexer().lex(text)) {
    if (tok.length === 1 && (tok === '\x02' || tok === '\x18' || tok === '\x1f')) continue;
    if (tok === '[' || tok === '{') {
      if (++flow > MAX_FLOW_DEPTH) return offset;
    } else if (tok === ']' || tok === '}') flow = Math.max(0, flow - 1);
    else if (tok === '\n') block = 0;
    else if ((lineStart && /^ +$/.test(tok)) || tok === '-' || tok === '?') {
      block += tok.length;
      if (block > MAX_BLOCK_DEPTH) return offset;
    }
    lineStart = tok === '\n';
    offset += tok.length;
  }
  return undefined;
}

/** Anchors and aliases (`&a`, `*a`) beyond this are refused: the YAML composer's time grows with their square. */
const MAX_ANCHORS = 1000;
export const TOO_MANY_ANCHORS_MESSAGE = `the YAML has more than ${MAX_ANCHORS} anchors and aliases (&name, *name); a runbook needs a few`;
const ANCHOR_LIKE = /[&*][^\s[\]{},]/g;

/**
 * Where the anchors and aliases first pass MAX_ANCHORS, counted by the lexer (so `&&` or `*.log` in a
 * script are not counted) after a cheap character count says it is possible.
 */
export function tooManyAnchorsAt(text: string): number | undefined {
  let rough = 0;
  ANCHOR_LIKE.lastIndex = 0;
  while (ANCHOR_LIKE.exec(text)) if (++rough > MAX_ANCHORS) break;
  if (rough <= MAX_ANCHORS) return undefined;
  let n = 0;
  let offset = 0;
  for (const tok of new Lexer().lex(text)) {
    if (tok.length === 1 && (tok === '\x02' || tok === '\x18' || tok === '\x1f')) continue;
    if (tok.length > 1 && (tok[0] === '&' || tok[0] === '*') && ++n > MAX_ANCHORS) return offset;
    offset += tok.length;
  }
  return undefined;
}
