import { EVENT_SCHEMA_VERSION, type EventSink } from '../engine/events.js';

/** NDJSON: one event per line, each with `v`, the event schema version. */
export function createJsonRenderer(write: (text: string) => void): EventSink {
  return (event) => write(`${JSON.stringify({ v: EVENT_SCHEMA_VERSION, ...event })}\n`);
}
