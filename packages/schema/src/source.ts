import { type Document, isAlias, isMap, isScalar, isSeq, type Node, type Pair } from 'yaml';
import type { Issue } from './types.js';

/** Work done by position lookups, for tests that check it stays linear in the text's length. */
export const positionWork = { scanned: 0 };

/** Code units between two checkpoints of the low-surrogate count. */
const BLOCK = 64;

/**
 * A text with its line table; turns offsets into `FILE:LINE:COL` issues. Columns count code points:
 * an offset's column is its distance from the line start minus the low surrogates in between. Those are
 * counted from checkpoints every 64 code units (built once, on first need), so a lookup costs a binary
 * search and at most two short scans however long the line is: linear overall, even for a one-line
 * JSON runbook with tens of thousands of nodes.
 */
export class SourceText {
  readonly lineStarts: number[] = [0];
  /** Low surrogates before each checkpoint (`undefined`: not built yet; `null`: the text has none). */
  #lowBefore: Uint32Array | null | undefined;
  #lineCache: { n: number; text: string } | undefined;
  constructor(
    readonly file: string,
    readonly text: string,
  ) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.lineStarts.push(i + 1);
  }

  /** 1-based line and column (in code points) of an offset. */
  pos(offset: number): { line: number; col: number } {
    const o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= o) lo = mid;
      else hi = mid - 1;
    }
    const start = this.lineStarts[lo]!;
    return { line: lo + 1, col: o - start - (this.#lowsBefore(o) - this.#lowsBefore(start)) + 1 };
  }

  /** How many low surrogates (second halves of a pair) come before an offset. */
  #lowsBefore(offset: number): number {
    const table = this.#checkpoints();
    if (table === null) return 0;
    const block = Math.floor(offset / BLOCK);
    let n = table[block]!;
    for (let i = block * BLOCK; i < offset; i++) {
      const c = this.text.charCodeAt(i);
      if (c >= 0xdc00 && c <= 0xdfff) n++;
    }
    positionWork.scanned += offset - block * BLOCK;
    return n;
  }

  #checkpoints(): Uint32Array | null {
    if (this.#lowBefore !== undefined) return this.#lowBefore;
    const text = this.text;
    positionWork.scanned += text.length;
    if (!/[\udc00-\udfff]/.test(text)) {
      this.#lowBefore = null;
      return null;
    }
    positionWork.scanned += text.length;
    const table = new Uint32Array(Math.floor(text.length / BLOCK) + 1);
    let n = 0;
    for (let i = 0; i < text.length; i++) {
      if (i % BLOCK === 0) table[i / BLOCK] = n;
      const c = text.charCodeAt(i);
      if (c >= 0xdc00 && c <= 0xdfff) n++;
    }
    if (text.length % BLOCK === 0) table[text.length / BLOCK] = n;
    this.#lowBefore = table;
    return table;
  }

  /** The text of line n (1-based), without its line break; the last one asked is kept (issues come in runs). */
  line(n: number): string {
    if (this.#lineCache?.n === n) return this.#lineCache.text;
    const start = this.lineStarts[n - 1] ?? this.text.length;
    const next = this.lineStarts[n];
    let end = next === undefined ? this.text.length : next - 1;
    if (end > start && this.text.charCodeAt(end - 1) === 13) end--;
    const text = this.text.slice(start, end);
    this.#lineCache = { n, text };
    return text;
  }

  issue(code: string, message: string, offset: number): Issue {
    const { line, col } = this.pos(offset);
    return { code, message, file: this.file, line, col, source: this.line(line) };
  }
}

/** Splits a JSON pointer into its unescaped segments. */
export function pointerSegments(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

export function joinPointer(base: string, seg: string | number): string {
  const s = String(seg);
  // Most segments need no escape: skip the two replacements (this runs for every string with `${{`).
  if (!s.includes('~') && !s.includes('/')) return `${base}/${s}`;
  return `${base}/${s.replace(/~/g, '~0').replace(/\//g, '~1')}`;
}

/** The value at a JSON pointer in plain data, or undefined. */
export function valueAt(data: unknown, pointer: string): unknown {
  let cur = data;
  for (const seg of pointerSegments(pointer)) {
    if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, seg)) return undefined;
    cur = (cur as Record<string, unknown>)[seg];
  }
  return cur;
}

export interface Located {
  /** The node found (for the deepest segment reached). */
  node: Node | null;
  /** The key scalar of the last segment, when it is a mapping key. */
  key: Node | null;
  /** True when every segment was found. */
  exact: boolean;
}

const resolve = (doc: Document, node: unknown): Node | null => {
  if (isAlias(node)) return (node.resolve(doc) as Node | undefined) ?? null;
  return (node as Node | null) ?? null;
};

function findPair(doc: Document, map: Node, seg: string, depth = 0): Pair | undefined {
  if (!isMap(map) || depth > 20) return undefined;
  let merged: Pair | undefined;
  for (const pair of map.items) {
    const k = pair.key;
    const isMerge = isScalar(k) && (typeof k.value === 'symbol' || (k.value === '<<' && k.source === '<<'));
    const name = isScalar(k) && typeof k.value !== 'symbol' ? String(k.value) : String(k);
    if (name === seg && !isMerge) return pair as Pair;
    if (isMerge && merged === undefined) {
      const v = resolve(doc, pair.value);
      const sources = isSeq(v) ? v.items.map((i) => resolve(doc, i)) : [v];
      for (const src of sources) {
        merged = src ? findPair(doc, src, seg, depth + 1) : undefined;
        if (merged) break;
      }
    }
  }
  return merged;
}

/** Follows a JSON pointer through the YAML tree (aliases and merge keys included). */
export function locate(doc: Document, pointer: string): Located {
  let node = resolve(doc, doc.contents);
  let key: Node | null = null;
  for (const seg of pointerSegments(pointer)) {
    if (isMap(node)) {
      const pair = findPair(doc, node, seg);
      if (!pair) return { node, key: null, exact: false };
      key = (pair.key as Node | null) ?? null;
      const value = resolve(doc, pair.value);
      if (!value) return { node: key, key, exact: true };
      node = value;
    } else if (isSeq(node)) {
      const item = resolve(doc, node.items[Number(seg)]);
      if (!/^\d+$/.test(seg) || !item) return { node, key: null, exact: false };
      key = null;
      node = item;
    } else {
      return { node, key: null, exact: false };
    }
  }
  return { node, key, exact: true };
}

/** Offset of the value (or its key) at a pointer; falls back to the nearest ancestor. */
export function offsetOf(doc: Document, pointer: string, where: 'key' | 'value' = 'value'): number {
  const found = locate(doc, pointer);
  const target = where === 'key' && found.exact && found.key ? found.key : found.node;
  const start = target?.range?.[0];
  // An empty value (`key:`) has a zero-width range after the colon: point at the key instead.
  if (
    found.key &&
    target &&
    isScalar(target) &&
    target.value === null &&
    target.range?.[0] === target.range?.[1]
  ) {
    return found.key.range?.[0] ?? 0;
  }
  return start ?? 0;
}

/** Offset of the n-th occurrence of `needle` in the source of the node at a pointer, else the node. */
export function offsetInValue(
  doc: Document,
  text: string,
  pointer: string,
  needle: string,
  nth: number,
): number {
  const found = locate(doc, pointer);
  const range = found.exact ? found.node?.range : undefined;
  if (!range) return offsetOf(doc, pointer);
  const src = text.slice(range[0], range[1]);
  let at = -1;
  for (let i = 0; i <= nth; i++) {
    at = src.indexOf(needle, at + 1);
    // `$${{ … }}` is an escaped copy, not the expression.
    while (at > 0 && needle.startsWith('${{') && src[at - 1] === '$') at = src.indexOf(needle, at + 1);
    if (at < 0) return range[0];
  }
  return range[0] + at;
}
