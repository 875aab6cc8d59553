import type { IpTarget } from '@runbook/core';
import { type Group, type HostEntry, parseHostEntry } from '@runbook/schema';

export interface TargetProblem {
  /** JSON pointer of the offending value. */
  pointer: string;
  message: string;
}

/** Renders expressions in a host string or custom query id; returns the problems instead of throwing. */
export type Render = (text: string) => { ok: true; value: string } | { ok: false; messages: string[] };

export interface Targets {
  ipList: IpTarget[];
  customQueries: string[];
}

/**
 * Expands a step's `hosts` (IPs, `CLOUD:IP`, `{cloud, ip}`, group names) and `custom_query` into the
 * deduplicated `ip_list` and `custom_query_id` that are sent, in first-seen order.
 */
export function expandTargets(
  step: { hosts?: HostEntry[]; custom_query?: Array<string | number> },
  pointer: string,
  groups: Record<string, Group>,
  defaultCloud: number,
  render: Render,
): { targets: Targets; problems: TargetProblem[] } {
  const problems: TargetProblem[] = [];
  const seen = new Set<string>();
  const ipList: IpTarget[] = [];
  const queries: string[] = [];
  const addHost = (entry: HostEntry, at: string, inGroup: boolean) => {
    let value: HostEntry = entry;
    if (typeof entry === 'string') {
      const r = render(entry);
      if (!r.ok) {
        for (const message of r.messages) problems.push({ pointer: at, message });
        return;
      }
      value = r.value;
    }
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
      group.hosts?.forEach((h, i) => {
        addHost(h, `/groups/${parsed.group}/hosts/${i}`, true);
      });
      group.custom_query?.forEach((q, i) => {
        addQuery(q, `/groups/${parsed.group}/custom_query/${i}`);
      });
    } else {
      const key = `${parsed.cloud}:${parsed.ip}`;
      if (!seen.has(key)) {
        seen.add(key);
        ipList.push({ bk_cloud_id: parsed.cloud, ip: parsed.ip });
      }
    }
  };
  const addQuery = (q: string | number, at: string) => {
    const r = render(String(q));
    if (!r.ok) {
      for (const message of r.messages) problems.push({ pointer: at, message });
      return;
    }
    const id = r.value.trim();
    if (id === '') problems.push({ pointer: at, message: 'a custom query id cannot be empty' });
    else if (!queries.includes(id)) queries.push(id);
  };
  step.hosts?.forEach((h, i) => {
    addHost(h, `${pointer}/hosts/${i}`, false);
  });
  step.custom_query?.forEach((q, i) => {
    addQuery(q, `${pointer}/custom_query/${i}`);
  });
  if (problems.length === 0 && ipList.length === 0 && queries.length === 0) {
    problems.push({ pointer, message: 'the step has no target: give it hosts or a custom query' });
  }
  return { targets: { ipList, customQueries: queries }, problems };
}
