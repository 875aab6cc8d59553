import type { IpTarget } from '@runbook/core';
import {
  type FromStepEntry,
  type Group,
  type HostEntry,
  parseHostEntry,
  parseTopoNode,
  type TopoEntry,
} from '@runbook/schema';

export interface TargetProblem {
  /** JSON pointer of the offending value. */
  pointer: string;
  message: string;
}

/** Renders expressions in a host string or custom query id; returns the problems instead of throwing. */
export type Render = (text: string) => { ok: true; value: string } | { ok: false; messages: string[] };

/**
 * The host keys (`CLOUD:IP`, `id:N`) a `{ from_step }` entry stands for, once that step ran;
 * `undefined` while it has not (the hosts are known after it).
 */
export type FromStep = (entry: FromStepEntry) => string[] | undefined;

/** `from_step check (succeeded, stale=yes)`: how a person reads a `{ from_step }` entry. */
export function fromStepText(e: FromStepEntry): string {
  const parts = [
    ...(e.status && e.status !== 'any' ? [e.status] : []),
    ...Object.entries(e.output ?? {}).map(([k, v]) => `${k}=${v}`),
  ];
  return `from_step ${e.from_step}${parts.length ? ` (${parts.join(', ')})` : ''}`;
}

/** A CMDB topology node as `topo_node_list` carries it. */
export interface TopoNode {
  id: number;
  node_type: string;
}

export interface Targets {
  ipList: IpTarget[];
  /** CMDB host ids (`host_id_list`): API gateway v3 only. */
  hostIds: number[];
  /** CMDB topology nodes (`topo_node_list`): API gateway v3 only. */
  topoNodes: TopoNode[];
  customQueries: string[];
  /**
   * The step's first entry that brings a host of each kind and a topology node (its own entry, or
   * the group name that brought it), for messages about the step.
   */
  first: { ip?: string; hostId?: string; topo?: string };
  /** Steps whose `{ from_step }` hosts are not known yet (they have not run). */
  late?: string[];
  /** `{ from_step }` entries that matched no host, as a person reads them. */
  emptyFrom?: string[];
}

type StepTargets = { hosts?: HostEntry[]; custom_query?: Array<string | number>; topo?: TopoEntry[] };

/**
 * Expands a step's `hosts` (IPs, `CLOUD:IP`, `{cloud, ip}`, `{host_id}`, group names), `custom_query`
 * and `topo` into the deduplicated `ip_list`, `host_id_list`, `custom_query_id` and `topo_node_list`
 * that are sent, in first-seen order.
 */
export function expandTargets(
  step: StepTargets,
  pointer: string,
  groups: Record<string, Group>,
  defaultCloud: number,
  render: Render,
  fromStep: FromStep = () => undefined,
): { targets: Targets; problems: TargetProblem[] } {
  const problems: TargetProblem[] = [];
  const seen = new Set<string>();
  const t: Targets = { ipList: [], hostIds: [], topoNodes: [], customQueries: [], first: {} };
  /** The entry's text with expressions filled in, or undefined (problems reported). */
  const rendered = (text: string, at: string): string | undefined => {
    const r = render(text);
    if (r.ok) return r.value;
    for (const message of r.messages) problems.push({ pointer: at, message });
    return undefined;
  };
  /** `origin`: the step's own entry this one came through (a group's name), else the entry itself. */
  const addFrom = (entry: FromStepEntry, at: string) => {
    const keys = fromStep(entry);
    if (keys === undefined) {
      t.late = [...new Set([...(t.late ?? []), entry.from_step])];
      return;
    }
    if (keys.length === 0) t.emptyFrom = [...(t.emptyFrom ?? []), fromStepText(entry)];
    for (const key of keys) {
      const id = /^id:(\d+)$/.exec(key);
      addHost(id ? { host_id: Number(id[1]) } : key, at);
    }
  };
  const addHost = (entry: HostEntry, at: string, origin?: string) => {
    if (typeof entry === 'object' && 'from_step' in entry) {
      if (origin === undefined) addFrom(entry, at);
      else problems.push({ pointer: at, message: 'a group cannot hold a { from_step } entry' });
      return;
    }
    const inGroup = origin !== undefined;
    const value = typeof entry === 'string' ? rendered(entry, at) : entry;
    if (value === undefined) return;
    const parsed = parseHostEntry(value, defaultCloud);
    if ('error' in parsed) {
      problems.push({ pointer: at, message: parsed.error });
    } else if ('group' in parsed) {
      const group = Object.hasOwn(groups, parsed.group) ? groups[parsed.group] : undefined;
      if (inGroup || !group) {
        problems.push({
          pointer: at,
          message: inGroup
            ? `a group cannot contain another group ("${parsed.group}")`
            : `unknown group "${parsed.group}"`,
        });
        return;
      }
      const base = `/groups/${parsed.group}`;
      for (const [i, h] of (group.hosts ?? []).entries()) addHost(h, `${base}/hosts/${i}`, at);
      for (const [i, q] of (group.custom_query ?? []).entries()) addQuery(q, `${base}/custom_query/${i}`);
      for (const [i, n] of (group.topo ?? []).entries()) addTopo(n, `${base}/topo/${i}`, at);
    } else if ('hostId' in parsed) {
      t.first.hostId ??= origin ?? at;
      if (!seen.has(`id:${parsed.hostId}`)) {
        seen.add(`id:${parsed.hostId}`);
        t.hostIds.push(parsed.hostId);
      }
    } else {
      t.first.ip ??= origin ?? at;
      const key = `${parsed.cloud}:${parsed.ip}`;
      if (!seen.has(key)) {
        seen.add(key);
        t.ipList.push({ bk_cloud_id: parsed.cloud, ip: parsed.ip });
      }
    }
  };
  const addQuery = (q: string | number, at: string) => {
    const id = rendered(String(q), at)?.trim();
    if (id === undefined) return;
    if (id === '') problems.push({ pointer: at, message: 'a custom query id cannot be empty' });
    else if (!t.customQueries.includes(id)) t.customQueries.push(id);
  };
  const addTopo = (entry: TopoEntry, at: string, origin?: string) => {
    const value = typeof entry === 'string' ? rendered(entry, at) : entry;
    if (value === undefined) return;
    const parsed = parseTopoNode(value);
    if ('error' in parsed) {
      problems.push({ pointer: at, message: parsed.error });
      return;
    }
    t.first.topo ??= origin ?? at;
    const key = `topo:${parsed.node_type}:${parsed.id}`;
    if (!seen.has(key)) {
      seen.add(key);
      t.topoNodes.push({ id: parsed.id, node_type: parsed.node_type });
    }
  };
  for (const [i, h] of (step.hosts ?? []).entries()) addHost(h, `${pointer}/hosts/${i}`);
  for (const [i, q] of (step.custom_query ?? []).entries()) addQuery(q, `${pointer}/custom_query/${i}`);
  for (const [i, n] of (step.topo ?? []).entries()) addTopo(n, `${pointer}/topo/${i}`);
  const none = t.ipList.length + t.hostIds.length + t.topoNodes.length + t.customQueries.length === 0;
  if (problems.length === 0 && none && !t.late && !t.emptyFrom) {
    problems.push({
      pointer,
      message: 'the step has no target: give it hosts, a custom query or a topology node',
    });
  }
  return { targets: t, problems };
}

/** `module:12`: how a person reads a topology node. */
export const topoText = (n: TopoNode): string => `${n.node_type}:${n.id}`;
