import { randomBytes } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync, renameSync, rmSync, type Stats, writeSync } from 'node:fs';
import { join } from 'node:path';
import { writeJsonPieces } from './json-pieces.js';
import { RECORD, writeAtomic } from './store.js';
import type { RunRecord } from './types.js';

/**
 * Writing `record.json` after every change of a run: atomically (a temporary file, then a rename), in
 * pieces of about a megabyte, and copying from the previous save what has not changed since.
 */

/** About how many characters are gathered before one write to the file. */
const WRITE_CHUNK = 1 << 20;

/** How many characters of pieces are joined before they are encoded into the write buffer. */
const PENDING_CHARS = 1 << 14;

/** The file being written by `writeAtomicPieces`, for what a text in pieces cannot do. */
export interface PiecesFile {
  /** The bytes written so far (pieces gathered are written first). */
  offset(): number;
  /** Copies the bytes `start`..`end` of the open file `fd` into the file, as they are. */
  copy(fd: number, start: number, end: number): void;
}

/**
 * `writeAtomic` of a text made in pieces (`produce` calls `write` with each, every piece whole text:
 * never half of a surrogate pair): written about a megabyte at a time, so a big text is never held
 * whole, nor its bytes. `written` is told the file's identity once it is in place.
 */
export function writeAtomicPieces(
  path: string,
  produce: (write: (piece: string) => void, file: PiecesFile) => void,
  written?: (stat: Stats) => void,
): void {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'w', 0o600);
    const file = fd;
    // Pieces are encoded into one buffer of about a megabyte, written when full: never the whole text
    // joined, nor a buffer per piece.
    const buf = Buffer.allocUnsafe(WRITE_CHUNK);
    let used = 0;
    let offset = 0;
    const writeBytes = (bytes: Buffer, length: number) => {
      for (let at = 0; at < length; ) at += writeSync(file, bytes, at, length - at);
      offset += length;
    };
    const flush = () => {
      writeBytes(buf, used);
      used = 0;
    };
    const put = (text: string) => {
      // A UTF-16 code unit is at most 3 bytes of UTF-8.
      if (used + text.length * 3 > buf.length) flush();
      if (text.length * 3 > buf.length) {
        const big = Buffer.from(text, 'utf8');
        writeBytes(big, big.length);
      } else used += buf.write(text, used, 'utf8');
    };
    // Pieces are mostly a few characters: they are joined into a text of some kilobytes first, as one
    // encoding call each costs more than the piece.
    let pending = '';
    const write = (piece: string) => {
      pending += piece;
      if (pending.length >= PENDING_CHARS) {
        put(pending);
        pending = '';
      }
    };
    const flushAll = () => {
      if (pending !== '') put(pending);
      pending = '';
      flush();
    };
    produce(write, {
      offset: () => {
        flushAll();
        return offset;
      },
      copy: (from, start, end) => {
        flushAll();
        for (let at = start; at < end; ) {
          const n = readSync(from, buf, 0, Math.min(buf.length, end - at), at);
          if (n === 0) throw new Error(`${path} ended before byte ${end} while it was copied`);
          writeBytes(buf, n);
          at += n;
        }
      },
    });
    flushAll();
    const stat = fstatSync(file);
    closeSync(file);
    fd = undefined;
    renameSync(tmp, path);
    written?.(stat);
  } catch (err) {
    if (fd !== undefined) closeSync(fd);
    // A full disk leaves a partial temporary file: give its space back.
    rmSync(tmp, { force: true });
    throw err;
  }
}

/** How big (`isSmall`) a record written as one text may be: some hundred kilobytes of text. */
const WHOLE_TEXT_UNITS = 20_000;

/**
 * Whether a value holds fewer than `budget` units: one a value, one per 32 characters of a string.
 * Stops counting at the budget, so a 50,000-host record costs no more than a small one to ask.
 */
function isSmall(value: unknown, budget: number): boolean {
  const stack: unknown[] = [value];
  let left = budget;
  while (stack.length > 0) {
    const v = stack.pop();
    left -= typeof v === 'string' ? 1 + (v.length >> 5) : 1;
    if (left <= 0) return false;
    if (v === null || typeof v !== 'object') continue;
    if (Array.isArray(v)) {
      if (v.length >= left) return false;
      for (const item of v) stack.push(item);
    } else for (const k in v) stack.push((v as Record<string, unknown>)[k]);
  }
  return true;
}

/** Where the text of each frozen long array is in a record file this process wrote. */
interface WrittenRecord {
  ino: number;
  size: number;
  mtimeMs: number;
  arrays: WeakMap<object, { indent: string; start: number; end: number }>;
}

/** The last record file written per path, while it is the one on disk. */
const lastWritten = new Map<string, WrittenRecord>();

/**
 * The previous record file, open for copying, when it is still the one this process wrote last
 * (same inode, size and time); undefined otherwise.
 */
function openPrevious(path: string, before: WrittenRecord | undefined): number | undefined {
  if (!before) return undefined;
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const st = fstatSync(fd);
    if (st.ino === before.ino && st.size === before.size && st.mtimeMs === before.mtimeMs) return fd;
  } catch {
    // gone or unreadable: everything is written anew
  }
  if (fd !== undefined) closeSync(fd);
  return undefined;
}

/**
 * Writes `record.json`: `JSON.stringify(record, null, 2)` and a newline, in pieces (a big step's hosts).
 * A long array that is frozen (a step's host results, see the recorder) and was written by the
 * previous save at the same indentation is copied from the previous file, byte for byte, instead of
 * being made again: the record is saved after every step, and a 50,000-host step's hosts are 13 MB
 * of text that do not change after the step.
 */
export function writeRecord(dir: string, record: RunRecord): void {
  const path = join(dir, RECORD);
  const before = lastWritten.get(path);
  lastWritten.delete(path);
  // A small record (most runs: a few steps of a few hosts, saved three times a step) is written as one
  // text, the same text: walking it in pieces cost twice the whole save.
  if (isSmall(record, WHOLE_TEXT_UNITS)) {
    writeAtomic(path, `${JSON.stringify(record, null, 2)}\n`);
    return;
  }
  const previous = openPrevious(path, before);
  const arrays: WrittenRecord['arrays'] = new WeakMap();
  const starts = new WeakMap<object, number>();
  try {
    writeAtomicPieces(
      path,
      (write, file) => {
        writeJsonPieces(record, write, {
          before(array, indent) {
            if (!Object.isFrozen(array)) return false;
            const start = file.offset();
            const was = previous === undefined ? undefined : before?.arrays.get(array);
            if (was?.indent !== indent || previous === undefined) {
              starts.set(array, start);
              return false;
            }
            file.copy(previous, was.start, was.end);
            arrays.set(array, { indent, start, end: file.offset() });
            return true;
          },
          after(array, indent) {
            const start = starts.get(array);
            if (start !== undefined) arrays.set(array, { indent, start, end: file.offset() });
          },
        });
        write('\n');
      },
      (st) => lastWritten.set(path, { ino: st.ino, size: st.size, mtimeMs: st.mtimeMs, arrays }),
    );
  } finally {
    if (previous !== undefined) closeSync(previous);
  }
}
