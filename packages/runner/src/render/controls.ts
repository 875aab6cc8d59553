import type { ConfirmRequest, RunEvent } from '../engine/events.js';

/**
 * Control characters a terminal acts on: C0 but newline and tab, DEL, and C1 (U+0080–U+009F,
 * which include the one-character CSI U+009B and OSC U+009D). A carriage return right before a
 * newline is part of the line end and harmless; a lone one would let a line overwrite itself.
 */
const CONTROL = /\r(?!\n)|[\x00-\x08\x0b-\x0c\x0e-\x1f\x7f-\x9f]/;
const CONTROLS = new RegExp(CONTROL.source, 'g');

const hex = (c: string) => c.charCodeAt(0).toString(16).padStart(2, '0');

/** How one control character is shown: `\x1b` (C0, DEL; a lone CR is `\x0d`), `\u009b` (C1). */
function shown(c: string): string {
  const code = c.charCodeAt(0);
  return code >= 0x80 ? `\\u00${hex(c)}` : `\\x${hex(c)}`;
}

/**
 * Text from hosts, JOB or errors made safe to print on a terminal: every control character but
 * newline and tab shown as visible text (`\x1b`, `\u009b`), so a host's output cannot hide the
 * screen, set the title or move the cursor. Other text, backslashes included, is left as it is
 * (`runbook logs --raw` prints the bytes).
 */
export function escapeControls(text: string): string {
  return CONTROL.test(text) ? text.replace(CONTROLS, shown) : text;
}

/**
 * A deep copy of plain data with every string value escaped; the input itself when there is nothing
 * to escape. Nothing is copied until something changes: the 50,000 hosts of a big step are
 * walked, not duplicated.
 */
function escapeDeep<T>(value: T, skip?: (key: string) => boolean): T {
  if (typeof value === 'string') return escapeControls(value) as T;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      const e = escapeDeep(v, skip);
      if (e !== v && !out) out = value.slice(0, i);
      out?.push(e);
    }
    return (out ?? value) as T;
  }
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    let out: Record<string, unknown> | undefined;
    const keys = Object.keys(record);
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!;
      const v = record[k];
      const e = skip?.(k) ? v : escapeDeep(v, skip);
      if (e !== v && !out) out = Object.fromEntries(keys.slice(0, i).map((p) => [p, record[p]]));
      if (out) out[k] = e;
    }
    return (out ?? value) as T;
  }
  return value;
}

/**
 * An event as a terminal renderer may print it: every string escaped. `keepLogs` leaves host logs
 * to the renderer (the terminal UI cleans them line by line).
 */
export function escapeEvent(event: RunEvent, options: { keepLogs?: boolean } = {}): RunEvent {
  return escapeDeep(event, options.keepLogs ? (k) => k === 'log' : undefined);
}

export function escapeConfirm(request: ConfirmRequest): ConfirmRequest {
  return escapeDeep(request);
}
