/**
 * `JSON.stringify(value, null, 2)` written out in pieces instead of built as one string: a record
 * of a 50,000-host step is tens of megabytes of text, and holding it whole (and its bytes for the
 * write) doubled the runner's memory at the end of such a step. The text is the same, character
 * for character: objects and arrays are walked, and each element of a long array (a host, a key)
 * is written by `JSON.stringify` itself and indented where it stands.
 */

/** Arrays at least this long have their elements stringified one by one, not walked. */
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
    const long = value.length >= LONG;
    if (long && hooks?.before(value, indent)) return;
    sink('[\n');
    for (let i = 0; i < value.length; i++) {
      sink(i === 0 ? inner : `,\n${inner}`);
      if (long) sink(element(value[i], inner));
      else {
        const v = prepared(value[i], String(i));
        if (omitted(v)) sink('null');
        else walk(v, inner, sink, hooks);
      }
    }
    sink(`\n${indent}]`);
    if (long) hooks?.after(value, indent);
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

/** One element of a long array, as `JSON.stringify` writes it at this indentation. */
function element(v: unknown, indent: string): string {
  const text = JSON.stringify(v, null, 2);
  if (text === undefined) return 'null';
  // A newline in JSON text is always structure (one inside a string is written `\n`).
  return text.includes('\n') ? text.replace(/\n/g, `\n${indent}`) : text;
}

/** `new Number(1)`, `new String('a')`, `new Boolean(true)`: JSON.stringify writes them as primitives. */
function isBoxed(v: object): boolean {
  return v instanceof Number || v instanceof String || v instanceof Boolean;
}
