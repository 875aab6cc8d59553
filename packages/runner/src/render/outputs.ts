import type { HostResult } from '../engine/events.js';
import { foldHosts } from './host-ranges.js';

const MAX_VALUE = 80;
const MAX_LINES = 20;

/**
 * The outputs a step's hosts set, one line per name and value with the hosts folded:
 * `stale=yes on 0:127.0.0.[2,4]`. Names in order of first appearance; at most 20 lines, then a count.
 */
export function outputLines(hosts: readonly HostResult[]): string[] {
  const byName = new Map<string, Map<string, string[]>>();
  for (const h of hosts) {
    if (h.invalid || !h.outputs) continue;
    for (const [name, value] of Object.entries(h.outputs)) {
      const values = byName.get(name) ?? new Map<string, string[]>();
      byName.set(name, values);
      const keys = values.get(value) ?? [];
      keys.push(`${h.cloud}:${h.ip}`);
      values.set(value, keys);
    }
  }
  const lines: string[] = [];
  for (const [name, values] of byName) {
    for (const [value, keys] of values) {
      const shown = value.length > MAX_VALUE ? `${value.slice(0, MAX_VALUE - 1)}…` : value;
      lines.push(`${name}=${JSON.stringify(shown)} on ${foldHosts(keys, { maxLength: 120 })}`);
    }
  }
  if (lines.length <= MAX_LINES) return lines;
  return [...lines.slice(0, MAX_LINES), `… ${lines.length - MAX_LINES} more output value(s)`];
}
