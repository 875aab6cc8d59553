import { isIPv4 } from '../config.js';
import type { HostRef, Inventory, Target } from '../inventory/inventory.js';
import { resolveHosts, unknownGroup } from './resolve-hosts.js';
import { type Check, invalid, isAbsent, missingOrInvalid, reject, toInt } from './validate.js';

export type { Target } from '../inventory/inventory.js';

/**
 * The hosts of an ESB v2 request: `ip_list` and the custom queries' hosts merged, duplicates
 * removed (first occurrence wins, `ip_list` first), then checked against the business's hosts
 * when it lists them.
 */
export function resolveTargets(
  body: Record<string, unknown>,
  bizId: number,
  inventory: Inventory,
): Check<Target[]> {
  const ipList = body.ip_list;
  const queries = body.custom_query_id;
  if (!isAbsent(ipList) && !Array.isArray(ipList)) return reject(invalid('ip_list'));
  if (!isAbsent(queries) && !Array.isArray(queries)) return reject(invalid('custom_query_id'));
  const ips = (ipList as unknown[] | undefined) ?? [];
  const qs = (queries as unknown[] | undefined) ?? [];
  if (ips.length === 0 && qs.length === 0)
    return reject(missingOrInvalid('ip_list|custom_query_id|target_server'));

  const refs: HostRef[] = [];
  for (const e of ips) {
    const ref = ipEntry(e);
    if (!ref) return reject(invalid('ip_list'));
    refs.push(ref);
  }
  for (const q of qs) {
    if (typeof q !== 'string' && typeof q !== 'number') return reject(invalid('custom_query_id'));
    const group = inventory.groupRefs(bizId, String(q));
    if (!group) return reject(unknownGroup(String(q)));
    refs.push(...group);
  }
  return resolveHosts(refs, bizId, inventory);
}

/** One `{bk_cloud_id, ip}` entry (the ip trimmed, as JOB does); undefined when malformed. */
export function ipEntry(e: unknown): { cloud: number; ip: string } | undefined {
  if (typeof e !== 'object' || e === null) return undefined;
  const o = e as Record<string, unknown>;
  const cloud = isAbsent(o.bk_cloud_id) ? undefined : toInt(o.bk_cloud_id);
  if (cloud === undefined || cloud < 0 || typeof o.ip !== 'string' || !isIPv4(o.ip.trim())) return undefined;
  return { cloud, ip: o.ip.trim() };
}
