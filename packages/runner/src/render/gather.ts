/**
 * Hosts whose output is identical, shown once under their hosts folded into ranges (`clush -b`,
 * `dshbak -c`): failures first, then the biggest groups. JOB starts every host's log with its own
 * `[time][PID:n] job_start` line, which differs on every host: it is left out when comparing and
 * when showing gathered output (`runbook logs` keeps it).
 */

import { foldHostEntries, type HostEntry } from './host-ranges.js';
import { hostStatusWords } from './status-words.js';

export interface GatherHost {
  ip: string;
  cloud: number;
  status: number;
  exitCode: number | null;
  log: string;
  /** Set when JOB named the host unusably: `ip` is then shown as it is, never folded. */
  invalid?: string;
}

export interface GatheredGroup {
  /** The group's hosts folded into ranges: `10.0.1.[1-8,10]`. */
  hosts: string;
  count: number;
  /** The hosts failed (neither succeeded nor still waiting or running). */
  failed: boolean;
  /** The hosts' status in words: `ok`, `failed, exit 3`, `agent error`. */
  statusText: string;
  /** The shared output, line by line, without JOB's `job_start` line (text as JOB gave it). */
  lines: string[];
}

export interface GatherOptions {
  /** The most characters of a group's folded host list (see `FoldOptions.maxLength`). */
  maxHostsLength?: number;
}

const OK = new Set([3, 9]);
const GOING = new Set([5, 7]);
const JOB_START = /^\[[^\]\n]*\]\[PID:[^\]\n]*\] job_start\r?(\n|$)/;

/** The log without JOB's own leading `[time][PID:n] job_start` line(s). */
export function stripJobStart(log: string): string {
  let out = log;
  for (let m = JOB_START.exec(out); m; m = JOB_START.exec(out)) out = out.slice(m[0].length);
  return out;
}

/** A log as lines, without the empty line after a final newline. */
export function splitLines(log: string): string[] {
  if (log === '') return [];
  const lines = log.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Whether a host's status is a failure (not ok, not still waiting or running). */
export function hostFailed(status: number): boolean {
  return !OK.has(status) && !GOING.has(status);
}

/**
 * Groups hosts whose status (in words) and output are identical. One pass over the hosts; a group
 * holds its output once, however many hosts share it.
 */
export function gatherOutput(hosts: readonly GatherHost[], options: GatherOptions = {}): GatheredGroup[] {
  return [...gatheredGroups(hosts, options)];
}

/**
 * `gatherOutput` one group at a time, each made when it is reached: a writer of 50,000 groups holds
 * one, not all of them with their lines.
 */
export function* gatheredGroups(
  hosts: readonly GatherHost[],
  options: GatherOptions = {},
): Generator<GatheredGroup> {
  for (const g of gatheredOutputs(hosts, options))
    yield {
      hosts: g.hosts,
      count: g.count,
      failed: g.failed,
      statusText: g.statusText,
      lines: splitLines(g.output),
    };
}

/** A gathered group with its shared output as one text (`lines` joined, each ended by a newline). */
export type GatheredOutput = Omit<GatheredGroup, 'lines'> & { output: string };

/** `gatheredGroups` with each group's output as the text it is, not cut into lines. */
export function* gatheredOutputs(
  hosts: readonly GatherHost[],
  options: GatherOptions = {},
): Generator<GatheredOutput> {
  yield* groupOutputs(hosts, options).outputs();
}

/** Hosts grouped in one pass; the groups' texts (folded hosts, output) made only when read. */
export interface GroupedOutputs {
  /** How many groups. */
  readonly count: number;
  /** The groups in their order, each made when it is reached. */
  outputs(): Generator<GatheredOutput>;
}

/** The grouping of `gatheredOutputs`, done now; each group's text is made only when it is read. */
export function groupOutputs(hosts: readonly GatherHost[], options: GatherOptions = {}): GroupedOutputs {
  interface Acc {
    statusText: string;
    failed: boolean;
    output: string;
    /** The group's first host, by its index in `hosts`. */
    first: number;
    /** The indexes of its other hosts; none for a host alone with its output. */
    more?: number[];
  }
  // Keyed by status words, then by the output itself: no key text made per host (a step of
  // 50,000 hosts with distinct output would copy every log once more into its key). A group holds
  // its hosts as indexes: 50,000 groups of one host each make no array and no entry per host.
  const byStatus = new Map<string, Map<string, Acc>>();
  const groups: Acc[] = [];
  hosts.forEach((h, i) => {
    const statusText = hostStatusWords(h.status, h.exitCode);
    const output = stripJobStart(h.log);
    let outputs = byStatus.get(statusText);
    if (!outputs) {
      outputs = new Map();
      byStatus.set(statusText, outputs);
    }
    const g = outputs.get(output);
    if (!g) {
      const acc: Acc = { statusText, failed: hostFailed(h.status), output, first: i };
      outputs.set(output, acc);
      groups.push(acc);
    } else if (g.more) g.more.push(i);
    else g.more = [i];
  });
  // The groups may be read long after (the terminal UI): their index is not kept with them.
  byStatus.clear();
  const count = (g: Acc) => 1 + (g.more?.length ?? 0);
  groups.sort((a, b) => Number(b.failed) - Number(a.failed) || count(b) - count(a) || a.first - b.first);
  const entry = (i: number): HostEntry => {
    const h = hosts[i]!;
    return h.invalid ? { raw: `${h.ip} (named unusably by JOB)` } : { cloud: h.cloud, ip: h.ip };
  };
  const fold = options.maxHostsLength === undefined ? {} : { maxLength: options.maxHostsLength };
  return {
    count: groups.length,
    *outputs() {
      for (const g of groups) {
        const entries = [entry(g.first)];
        for (const i of g.more ?? []) entries.push(entry(i));
        yield {
          hosts: foldHostEntries(entries, fold),
          count: entries.length,
          failed: g.failed,
          statusText: g.statusText,
          output: g.output,
        };
      }
    },
  };
}

/**
 * Each line of `text` (as `splitLines` cuts it) after `indent` and ended by a newline, as one text:
 * `splitLines(text).map((l) => indent + l + '\n').join('')`, without a text per line.
 */
export function indentLines(text: string, indent: string): string {
  if (text === '') return '';
  const body = text.endsWith('\n') ? text.slice(0, -1) : text;
  return `${indent}${body.replaceAll('\n', `\n${indent}`)}\n`;
}
