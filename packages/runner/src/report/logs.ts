import { closeSync, openSync, readSync } from 'node:fs';
import { insideDir } from '../record/store.js';

/** Bytes of each host log the report reads: it shows the first lines only. */
export const LOG_HEAD_BYTES = 2048;

/**
 * Reads the head of a saved host log of the run in `dir` (already masked when saved); '' when the
 * file is missing, unreadable, or named outside the run folder (a damaged record reads nothing else).
 */
export function logReader(dir: string): (rel: string, range?: [number, number]) => string {
  const buffer = Buffer.alloc(LOG_HEAD_BYTES);
  return (rel, range) => {
    let fd: number | undefined;
    try {
      fd = openSync(insideDir(dir, rel), 'r');
      // A host of a big step has its byte range in a file the step's hosts share (`logRange`).
      const want = range ? Math.min(Math.max(0, range[1]), LOG_HEAD_BYTES) : LOG_HEAD_BYTES;
      const n = readSync(fd, buffer, 0, want, range ? Math.max(0, range[0]) : 0);
      const text = buffer.subarray(0, n).toString('utf8');
      // A cut in the middle of a character or a line: keep whole lines only.
      return n === LOG_HEAD_BYTES ? text.slice(0, Math.max(0, text.lastIndexOf('\n'))) : text;
    } catch {
      return '';
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  };
}
