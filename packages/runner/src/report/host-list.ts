import { foldHosts } from '../render/host-ranges.js';

/** The longest host list the report writes out; beyond it whole ranges are left out and counted. */
export const MAX_HOST_LIST = 600;

/** A host's key as the plan writes it: `CLOUD:IP`. */
export const hostKey = (h: { ip: string; cloud: number }) => `${h.cloud}:${h.ip}`;

/** Hosts folded into ranges (`10.0.1.[1-8,10]`), bounded so that no list makes a report large. */
export function hostList(keys: string[]): string {
  return foldHosts(keys, { maxLength: MAX_HOST_LIST });
}
