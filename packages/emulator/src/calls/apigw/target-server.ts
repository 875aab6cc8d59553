import { isIPv4 } from '../../config.js';
import type { HostRef, Inventory, Target, TopoNode } from '../../inventory/inventory.js';
import { resolveHosts, unknownGroup } from '../resolve-hosts.js';
import { bareBadRequest, type Check, isAbsent, pass, reject, toInt, validationFailure } from '../validate.js';

/** v3 `target_server`, bound and validated. */
export interface TargetServer {
  hostIds: number[];
  ips: Array<{ cloud: number; ip: string }>;
  groups: string[];
  topo: TopoNode[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] | undefined => (isAbsent(v) ? [] : Array.isArray(v) ? v : undefined);
const text = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : undefined);

/**
 * Reads `target_server` as JOB binds and validates it: a value of the wrong kind (not an object,
 * a list that is not a list, a host id that is not a number) is a bare 1240003; an entry that
 * fails bean validation is 1240003 with the constraint's message (`管控区域 ID 非法`, `IP 非法`,
 * `动态分组 ID 不可为空`, `拓扑节点 ID 不可为空`, `拓扑节点类型不可为空`). Absent: null.
 */
export function bindTargetServer(v: unknown): Check<TargetServer | null> {
  if (isAbsent(v)) return pass(null);
  if (!isObj(v)) return reject(bareBadRequest());
  const hostIds = list(v.host_id_list);
  const ips = list(v.ip_list);
  const groups = list(v.dynamic_group_list);
  const topo = list(v.topo_node_list);
  if (!hostIds || !ips || !groups || !topo) return reject(bareBadRequest());
  const out: TargetServer = { hostIds: [], ips: [], groups: [], topo: [] };
  for (const h of hostIds) {
    const id = toInt(h);
    if (id === undefined) return reject(bareBadRequest());
    out.hostIds.push(id);
  }
  for (const e of ips) {
    if (!isObj(e) || (!isAbsent(e.bk_cloud_id) && toInt(e.bk_cloud_id) === undefined))
      return reject(bareBadRequest());
    const cloud = toInt(e.bk_cloud_id);
    if (cloud === undefined || cloud < 0) return reject(validationFailure('管控区域 ID 非法'));
    const ip = text(e.ip)?.trim();
    if (!ip || !isIPv4(ip)) return reject(validationFailure('IP 非法'));
    out.ips.push({ cloud, ip });
  }
  for (const g of groups) {
    if (!isObj(g)) return reject(bareBadRequest());
    const id = text(g.id);
    if (id === undefined) return reject(validationFailure('动态分组 ID 不可为空'));
    out.groups.push(id);
  }
  for (const n of topo) {
    if (!isObj(n) || (!isAbsent(n.id) && toInt(n.id) === undefined)) return reject(bareBadRequest());
    if (isAbsent(n.id)) return reject(validationFailure('拓扑节点 ID 不可为空'));
    const type = text(n.node_type);
    if (type === undefined) return reject(validationFailure('拓扑节点类型不可为空'));
    out.topo.push({ id: toInt(n.id)!, node_type: type });
  }
  return pass(out);
}

export const isEmptyServer = (t: TargetServer) =>
  t.hostIds.length + t.ips.length + t.groups.length + t.topo.length === 0;

/**
 * The hosts of a v3 request, in JOB's order: the static hosts (`host_id_list`, or `ip_list` when
 * there are no host ids: JOB then ignores `ip_list`), the dynamic groups, the topology nodes;
 * duplicates removed by host id; then `resolveHosts`' checks.
 */
export function resolveTargetServer(t: TargetServer, bizId: number, inventory: Inventory): Check<Target[]> {
  const refs: HostRef[] =
    t.hostIds.length > 0 ? t.hostIds.map((hostId) => ({ hostId })) : t.ips.map((a) => ({ ...a }));
  for (const id of t.groups) {
    const group = inventory.groupRefs(bizId, id);
    if (!group) return reject(unknownGroup(id));
    refs.push(...group);
  }
  for (const node of t.topo) refs.push(...inventory.topoRefs(bizId, node));
  return resolveHosts(refs, bizId, inventory);
}
