import { foldHosts } from './view-fallback.js';

/** The longest host list the report writes out; beyond it the list is cut and counted. */
export const MAX_HOST_LIST = 600;

/** A host's key as the plan writes it: `CLOUD:IP`. */
export const hostKey = (h: { ip: string; cloud: number }) => `${h.cloud}:${h.ip}`;

/**
 * Hosts folded into ranges (`10.0.1.[1-8,10]`), cut at a range boundary when longer than `max`
 * (`… 50,000 hosts in all`), so that no list makes a report large.
 */
export function hostList(keys: string[], max = MAX_HOST_LIST): string {
  return cutList(foldHosts(keys), keys.length, max);
}

/** A folded list of `count` hosts, cut at a range boundary when longer than `max`. */
export function cutList(folded: string, count: number, max = MAX_HOST_LIST): string {
  if (folded.length <= max) return folded;
  const cut = folded.lastIndexOf(',', max);
  return `${folded.slice(0, cut > 0 ? cut : max)} … ${count.toLocaleString('en-US')} hosts in all`;
}
