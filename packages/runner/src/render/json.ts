import { EVENT_SCHEMA_VERSION, type EventSink } from '../engine/events.js';

/**
 * JSON escapes C0 control characters itself but writes DEL and C1 (U+0080–U+009F, the one-character
 * CSI and OSC among them) as they are; they can only stand inside strings, so `\u00XX` is the same value.
 */
const RAW_IN_JSON = /[\x7f-\x9f]/g;

/** NDJSON: one event per line, each with `v`, the event schema version; no raw control character. */
export function createJsonRenderer(write: (text: string) => void): EventSink {
  return (event) =>
    write(
      `${JSON.stringify({ v: EVENT_SCHEMA_VERSION, ...event }).replace(RAW_IN_JSON, (c) => `\\u00${c.charCodeAt(0).toString(16)}`)}\n`,
    );
}
