import type { Document } from 'yaml';
import { offsetOf, type SourceText } from './source.js';
import type { Issue } from './types.js';

/** What every check needs: the YAML tree, its plain data, the source for positions, and the issue list. */
export class CheckContext {
  readonly issues: Issue[] = [];
  constructor(
    readonly doc: Document,
    readonly data: Record<string, unknown>,
    readonly src: SourceText,
    /** Directory the runbook's relative paths start from. */
    readonly baseDir: string,
  ) {}

  /** Reports at the value (or key) a JSON pointer names. */
  report(code: string, message: string, pointer: string, where: 'key' | 'value' = 'value'): void {
    this.issues.push(this.src.issue(code, message, offsetOf(this.doc, pointer, where)));
  }

  reportAt(code: string, message: string, offset: number): void {
    this.issues.push(this.src.issue(code, message, offset));
  }
}

/** A short human name for the place a pointer names: `timeout`, `hosts[2]`, `vars.keep_days`. */
export function label(pointer: string): string {
  const segs = pointer.split('/').slice(1);
  if (segs.length === 0) return 'the runbook';
  const last = segs[segs.length - 1]!;
  const parent = segs[segs.length - 2];
  if (/^\d+$/.test(last)) return `${parent ?? ''}[${last}]`;
  if (segs.length === 2 && (parent === 'vars' || parent === 'secrets' || parent === 'groups')) {
    return `${parent}.${last}`;
  }
  return last;
}

/** A value as a message shows it: strings quoted and cut short, lists and mappings named. */
export function show(value: unknown): string {
  if (value === null || value === undefined) return 'empty';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string')
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value);
  return String(value);
}
