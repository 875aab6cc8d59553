import { hostSucceeded } from '../../engine/counts.js';
import type { HostResult } from '../../engine/events.js';
import { foldHostEntries, type HostEntry } from '../host-ranges.js';
import { hostLabel, logLines } from './format.js';
import type { FailureGroup } from './state.js';

/**
 * Keys for a host's output, in one pass and without copying it: `shape` is the same for outputs
 * that differ only in numbers (every run of digits counts as one `#`: timestamps, PIDs, IP
 * addresses), `exact` for identical outputs. `shape` decides groups, so it is two 32-bit hashes and
 * a length (a collision would merge two groups); `exact` only counts the outputs within a group, so
 * one hash and a length do. Measured: 10,000 logs of 11 KB in about 0.5 s, where regular
 * expressions took 1.9 s.
 */
export function outputKeys(log: string): { shape: string; exact: string } {
  let s1 = 0x811c9dc5;
  let s2 = 0x9747b28c;
  let e = 0x811c9dc5;
  let shapeLength = 0;
  let inDigits = false;
  for (let i = 0; i < log.length; i++) {
    const c = log.charCodeAt(i);
    e = Math.imul(e ^ c, 0x01000193);
    const digit = c >= 48 && c <= 57;
    if (digit && inDigits) continue;
    inDigits = digit;
    const d = digit ? 35 : c;
    s1 = Math.imul(s1 ^ d, 0x01000193);
    s2 = Math.imul(s2 ^ d, 0x5bd1e995);
    s2 ^= s2 >>> 13;
    shapeLength++;
  }
  return { shape: `${shapeLength}:${s1 >>> 0}:${s2 >>> 0}`, exact: `${log.length}:${e >>> 0}` };
}

/** The most characters of a group's folded host list (the rest is counted). */
const FOLDED_MAX = 300;

/**
 * Failed hosts grouped by (status, exit code, output), biggest group first. Outputs that differ
 * only in numbers share a group; the group shows its first host's output and counts the distinct
 * outputs it holds.
 */
export function groupFailures(hosts: readonly HostResult[]): FailureGroup[] {
  interface Acc {
    status: number;
    exitCode: number | null;
    log: string;
    hosts: string[];
    entries: HostEntry[];
    outputs: Set<string>;
  }
  const groups = new Map<string, Acc>();
  for (const h of hosts) {
    if (hostSucceeded(h.status)) continue;
    const keys = outputKeys(h.log);
    const key = `${h.status}:${h.exitCode}:${keys.shape}`;
    let g = groups.get(key);
    if (!g) {
      g = { status: h.status, exitCode: h.exitCode, log: h.log, hosts: [], entries: [], outputs: new Set() };
      groups.set(key, g);
    }
    g.hosts.push(hostLabel(h.cloud, h.ip));
    g.entries.push(h.invalid ? { raw: h.ip } : { cloud: h.cloud, ip: h.ip });
    g.outputs.add(keys.exact);
  }
  return [...groups.values()]
    .sort(
      (a, b) =>
        b.hosts.length - a.hosts.length || a.status - b.status || (a.exitCode ?? -1) - (b.exitCode ?? -1),
    )
    .map((g) => ({
      status: g.status,
      exitCode: g.exitCode,
      lines: logLines(g.log),
      hosts: g.hosts,
      folded: foldHostEntries(g.entries, { maxLength: FOLDED_MAX }),
      ...(g.outputs.size > 1 ? { variants: g.outputs.size } : {}),
    }));
}
