import { parseHostRef } from '../config-business.js';
import type { EmulatorConfig, EmulatorHost, HostRefConfig } from '../types.js';
import { addressOfGeneratedId, generatedHostId } from './host-ids.js';

/** A host a job runs on. */
export interface Target {
  cloud: number;
  ip: string;
  /** CMDB host id (`bk_host_id`): configured, or generated from the address. */
  hostId: number;
  /** The configured host, when the business lists its hosts. */
  host?: EmulatorHost;
}

/** A host asked for: by address or by CMDB host id. */
export type HostRef = { cloud: number; ip: string } | { hostId: number };

/** A topology node of v3 `topo_node_list`. */
export interface TopoNode {
  id: number;
  node_type: string;
}

/** What a host reference stands for in one business. */
export type Found =
  | { kind: 'host'; target: Target }
  /** A host of the CMDB that is not in this business (`cloud:ip`). */
  | { kind: 'outside'; address: string }
  /** No such host in the CMDB (`(host_id:N)`). */
  | { kind: 'missing'; label: string };

interface Known {
  hostId: number;
  cloud: number;
  ip: string;
  host: EmulatorHost;
}

export const addressKey = (cloud: number, ip: string) => `${cloud}:${ip}`;

/**
 * The emulator's CMDB: hosts with their ids, dynamic groups and topology, per business. A business
 * that lists no hosts accepts any IPv4 host and any id that names an address (generated ids).
 */
export class Inventory {
  private readonly byId = new Map<number, Known>();
  private readonly byAddress = new Map<string, Known>();
  /** Business id → its hosts by id and by address; absent for a business that lists none. */
  private readonly business = new Map<number, { byId: Map<number, Known>; byAddress: Map<string, Known> }>();

  constructor(private readonly config: EmulatorConfig) {
    for (const [biz, b] of Object.entries(config.businesses ?? {})) {
      if (!b?.hosts) continue;
      const own = { byId: new Map<number, Known>(), byAddress: new Map<string, Known>() };
      for (const host of b.hosts) {
        const cloud = host.cloud ?? 0;
        const k: Known = {
          hostId: host.bk_host_id ?? generatedHostId(cloud, host.ip),
          cloud,
          ip: host.ip,
          host,
        };
        const address = addressKey(cloud, host.ip);
        own.byId.set(k.hostId, k);
        own.byAddress.set(address, k);
        if (!this.byId.has(k.hostId)) this.byId.set(k.hostId, k);
        if (!this.byAddress.has(address)) this.byAddress.set(address, k);
      }
      this.business.set(Number(biz), own);
    }
  }

  /** What `ref` stands for in business `bizId`. */
  find(ref: HostRef, bizId: number): Found {
    const own = this.business.get(bizId);
    if ('hostId' in ref) {
      const mine = own?.byId.get(ref.hostId);
      if (mine) return host(mine, true);
      const known = this.byId.get(ref.hostId);
      if (own && known) return { kind: 'outside', address: addressKey(known.cloud, known.ip) };
      if (own) return { kind: 'missing', label: `(host_id:${ref.hostId})` };
      if (known) return host(known, false);
      const address = addressOfGeneratedId(ref.hostId);
      if (!address) return { kind: 'missing', label: `(host_id:${ref.hostId})` };
      return { kind: 'host', target: { ...address, hostId: ref.hostId } };
    }
    const address = addressKey(ref.cloud, ref.ip);
    if (own) {
      const mine = own.byAddress.get(address);
      return mine ? host(mine, true) : { kind: 'outside', address };
    }
    const known = this.byAddress.get(address);
    return {
      kind: 'host',
      target: { cloud: ref.cloud, ip: ref.ip, hostId: known?.hostId ?? generatedHostId(ref.cloud, ref.ip) },
    };
  }

  /** The hosts of a custom query (dynamic group); undefined when the business has no such group. */
  groupRefs(bizId: number, groupId: string): HostRef[] | undefined {
    const groups = this.config.businesses?.[String(bizId)]?.custom_queries;
    if (!groups || !Object.hasOwn(groups, groupId)) return undefined;
    return refsOf(groups[groupId] ?? []);
  }

  /**
   * The hosts under a topology node: `module` and `set` from the business's topology, `biz` (its
   * own id) every host it lists (or, listing none, every host of its topology). A node the
   * business does not have yields no host, as CMDB answers for it.
   */
  topoRefs(bizId: number, node: TopoNode): HostRef[] {
    const b = this.config.businesses?.[String(bizId)];
    const sets = Object.entries(b?.topology ?? {});
    const id = String(node.id);
    if (node.node_type === 'module')
      return sets.flatMap(([, modules]) => (Object.hasOwn(modules, id) ? refsOf(modules[id] ?? []) : []));
    if (node.node_type === 'set') {
      const found = sets.find(([setId]) => setId === id);
      return found ? Object.values(found[1]).flatMap(refsOf) : [];
    }
    if (node.node_type === 'biz' && node.id === bizId) {
      if (b?.hosts) return b.hosts.map((h) => ({ cloud: h.cloud ?? 0, ip: h.ip }));
      return sets.flatMap(([, modules]) => Object.values(modules).flatMap(refsOf));
    }
    return [];
  }
}

function host(k: Known, configured: boolean): Found {
  const target: Target = { cloud: k.cloud, ip: k.ip, hostId: k.hostId };
  if (configured) target.host = k.host;
  return { kind: 'host', target };
}

function refsOf(list: HostRefConfig[]): HostRef[] {
  const out: HostRef[] = [];
  for (const e of list) {
    if (typeof e === 'number') out.push({ hostId: e });
    else {
      const a = parseHostRef(e);
      if (a) out.push(a);
    }
  }
  return out;
}
