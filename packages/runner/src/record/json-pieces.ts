/**
 * `JSON.stringify(value, null, 2)` written out in pieces instead of built as one string: a record
 * of a 50,000-host step is tens of megabytes of text, and holding it whole (and its bytes for the
 * write) doubled the runner's memory at the end of such a step. The text is the same, character
 * for character: objects and arrays are walked, and a long array (hosts, keys) is written by
 * `JSON.stringify` itself, a few hundred elements at a time, indented where it stands.
 */

/** Arrays at least this long are stringified in chunks, not walked. */
const LONG = 64;

type Sink = (piece: string) => void;

/**
 * Told about each long array (at least `LONG` elements) where its text starts and ends, with its
 * indentation. `before` returning true means the hook wrote the array's text itself (the same text,
 * copied from an earlier save), and the array is not walked.
 */
export interface LongArrays {
  before(array: readonly unknown[], indent: string): boolean;
  after(array: readonly unknown[], indent: string): void;
}

/** Writes the text `JSON.stringify(value, null, 2)` would return, in pieces; `undefined` writes nothing. */
export function writeJsonPieces(value: unknown, sink: Sink, long?: LongArrays): void {
  walk(prepared(value, ''), '', sink, long);
}

/** What `JSON.stringify` does first to a value held under `key`: its `toJSON`, when it has one. */
function prepared(value: unknown, key: string): unknown {
  if (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as { toJSON?: unknown }).toJSON === 'function'
  )
    return (value as { toJSON: (key: string) => unknown }).toJSON(key);
  return value;
}

/** Whether `JSON.stringify` leaves this value out of an object (and writes `null` for it in an array). */
const omitted = (v: unknown) => v === undefined || typeof v === 'function' || typeof v === 'symbol';

/** Writes a value `toJSON` was already applied to. */
function walk(value: unknown, indent: string, sink: Sink, hooks: LongArrays | undefined): void {
  if (value === null || typeof value !== 'object' || isBoxed(value)) {
    const text = JSON.stringify(value);
    if (text !== undefined) sink(text);
    return;
  }
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) {
      sink('[]');
      return;
    }
    if (value.length >= LONG) {
      if (hooks?.before(value, indent)) return;
      writeLong(value, indent, sink);
      hooks?.after(value, indent);
      return;
    }
    sink('[\n');
    for (let i = 0; i < value.length; i++) {
      sink(i === 0 ? inner : `,\n${inner}`);
      const v = prepared(value[i], String(i));
      if (omitted(v)) sink('null');
      else walk(v, inner, sink, hooks);
    }
    sink(`\n${indent}]`);
    return;
  }
  const record = value as Record<string, unknown>;
  let first = true;
  for (const k of Object.keys(record)) {
    const v = prepared(record[k], k);
    if (omitted(v)) continue;
    sink(first ? `{\n${inner}` : `,\n${inner}`);
    first = false;
    sink(`${JSON.stringify(k)}: `);
    walk(v, inner, sink, hooks);
  }
  sink(first ? '{}' : `\n${indent}}`);
}

/** How many elements of a long array `JSON.stringify` writes at once: one text for them all. */
const CHUNK = 128;

/**
 * A long array as `JSON.stringify` writes it at this indentation, its elements `CHUNK` at a time:
 * each chunk is stringified nested as deep as the array stands (so `JSON.stringify` indents it
 * itself), and the nesting's own lines are cut off. No text is made per element.
 */
function writeLong(value: readonly unknown[], indent: string, sink: Sink): void {
  // Indentation is always whole levels of two spaces.
  const depth = indent.length / 2;
  let head = '';
  let tail = '';
  for (let k = 0; k < depth; k++) {
    head += `${'  '.repeat(k)}[\n`;
    tail = `\n${'  '.repeat(k)}]${tail}`;
  }
  head += `${indent}[\n`;
  tail = `\n${indent}]${tail}`;
  sink('[\n');
  for (let at = 0; at < value.length; at += CHUNK) {
    let nested: unknown = value.slice(at, at + CHUNK);
    for (let k = 0; k < depth; k++) nested = [nested];
    const text = JSON.stringify(nested, null, 2);
    if (at > 0) sink(',\n');
    sink(text.slice(head.length, text.length - tail.length));
  }
  sink(`\n${indent}]`);
}

/** `new Number(1)`, `new String('a')`, `new Boolean(true)`: JSON.stringify writes them as primitives. */
function isBoxed(v: object): boolean {
  return v instanceof Number || v instanceof String || v instanceof Boolean;
}
