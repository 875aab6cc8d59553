import { hostSucceeded } from '../engine/counts.js';
import { gatherOutput } from '../render/gather.js';
import { hostKey, hostList, MAX_HOST_LIST } from './host-list.js';
import type { ReportHost, ReportStep } from './record-view.js';

/** Groups of failed hosts shown per step, and lines of output per group: the first ones only. */
export const MAX_GROUPS = 10;
export const MAX_LINES = 6;
const MAX_LINE = 240;
/** Distinct values shown per output. */
export const MAX_VALUES = 8;
const MAX_VALUE = 200;

export interface HostTotals {
  /** Hosts the step was for; JOB-resolved targets count once JOB named them. */
  total: number;
  ok: number;
  failed: number;
  notRun: number;
}

export function hostTotals(step: ReportStep): HostTotals {
  const hosts = step.hosts;
  let ok: number;
  let failed: number;
  let seen: number;
  if (hosts) {
    ok = hosts.filter((h) => hostSucceeded(h.status)).length;
    failed = hosts.length - ok;
    seen = hosts.length;
  } else if (step.counts) {
    ok = step.counts.succeeded;
    failed = step.counts.failed + step.counts.agentError;
    seen = ok + failed;
  } else {
    ok = failed = seen = 0;
  }
  const total = Math.max(step.request.hosts, seen, step.counts?.total ?? 0);
  return { total, ok, failed, notRun: total - seen };
}

export interface FailedGroup {
  hosts: string;
  count: number;
  status: string;
  lines: string[];
  /** More output than shown: `runbook logs` has it all. */
  cut: boolean;
}

/**
 * The failed hosts of a step, gathered by identical output (their first lines only), most hosts
 * first; `left` counts the groups and hosts not shown.
 */
export function failedGroups(
  step: ReportStep,
  readLog: (rel: string, range?: [number, number]) => string,
): { groups: FailedGroup[]; left: { groups: number; hosts: number } } {
  const failed = (step.hosts ?? []).filter((h) => !hostSucceeded(h.status));
  const gathered = gatherOutput(
    failed.map((h) => ({
      ip: h.ip,
      cloud: h.cloud,
      status: h.status,
      exitCode: h.exitCode,
      log: readLog(h.log, h.logRange),
      ...(h.invalid ? { invalid: h.invalid } : {}),
    })),
    { maxHostsLength: MAX_HOST_LIST },
  );
  const shown = gathered.slice(0, MAX_GROUPS).map((g) => {
    const lines = g.lines
      .slice(0, MAX_LINES)
      .map((l) => (l.length > MAX_LINE ? `${l.slice(0, MAX_LINE)}…` : l));
    return {
      hosts: g.hosts,
      count: g.count,
      status: g.statusText,
      lines,
      cut: g.lines.length > MAX_LINES || g.lines.some((l) => l.length > MAX_LINE),
    };
  });
  const rest = gathered.slice(MAX_GROUPS);
  return { groups: shown, left: { groups: rest.length, hosts: rest.reduce((n, g) => n + g.count, 0) } };
}

export interface OutputValue {
  name: string;
  value: string;
  hosts: string;
  count: number;
}

/** The outputs the step's hosts set, each distinct value with the hosts that set it; `left` counts values not shown. */
export function outputsSet(step: ReportStep): { values: OutputValue[]; left: number } {
  const byName = new Map<string, Map<string, string[]>>();
  for (const h of step.hosts ?? []) {
    for (const [name, value] of Object.entries(outputsOf(h))) {
      const values = byName.get(name) ?? new Map<string, string[]>();
      const keys = values.get(value) ?? [];
      keys.push(hostKey(h));
      values.set(value, keys);
      byName.set(name, values);
    }
  }
  const out: OutputValue[] = [];
  let left = 0;
  for (const name of [...byName.keys()].sort()) {
    const values = [...byName.get(name)!].sort((a, b) => b[1].length - a[1].length);
    for (const [value, keys] of values.slice(0, MAX_VALUES)) {
      out.push({
        name,
        value: value.length > MAX_VALUE ? `${value.slice(0, MAX_VALUE)}…` : value,
        hosts: hostList(keys),
        count: keys.length,
      });
    }
    left += Math.max(0, values.length - MAX_VALUES);
  }
  return { values: out, left };
}

function outputsOf(h: ReportHost): Record<string, string> {
  const o = h.outputs;
  return o !== null && typeof o === 'object' && !Array.isArray(o) ? o : {};
}
