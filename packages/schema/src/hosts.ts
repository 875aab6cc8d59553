import { closest } from './suggest.js';

/** A group name: starts with a letter or `_`, so it can never be mistaken for an IP. */
export const GROUP_NAME = /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/;

/** The largest bk_cloud_id accepted (JOB stores it as a signed 32-bit integer). */
export const MAX_CLOUD_ID = 2147483647;

const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const IPV4 = new RegExp(`^${OCTET}(?:\\.${OCTET}){3}$`);

/** Dotted-quad IPv4, each octet 0–255 without leading zeros. */
export function isIPv4(text: string): boolean {
  return IPV4.test(text);
}

/** True for a bk_cloud_id: an integer from 0 to 2147483647. */
export function isCloudId(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= MAX_CLOUD_ID;
}

/** The largest CMDB id (`bk_host_id`, a topology node's `bk_inst_id`) the format accepts: 15 digits. */
export const MAX_CMDB_ID = 999_999_999_999_999;

/** True for a CMDB host or topology node id: an integer from 1 to `MAX_CMDB_ID`. */
export function isCmdbId(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_CMDB_ID;
}

export type ParsedHostEntry =
  | { cloud: number; ip: string }
  | { hostId: number }
  | { group: string }
  | { error: string };

/**
 * Reads one `hosts` entry: `"1.2.3.4"` (cloud from `defaultCloud`), `"CLOUD:1.2.3.4"`,
 * `{cloud, ip}` (cloud optional), `{host_id}` (a CMDB host id) or a group name. Expressions must be
 * resolved before calling this.
 */
export function parseHostEntry(entry: unknown, defaultCloud = 0): ParsedHostEntry {
  if (typeof entry === 'string') {
    const text = entry.trim();
    const colon = text.indexOf(':');
    if (colon >= 0) {
      const cloudText = text.slice(0, colon);
      const ip = text.slice(colon + 1);
      if (!/^\d+$/.test(cloudText) || !isCloudId(Number(cloudText))) {
        return {
          error: `invalid cloud id "${cloudText}" in host "${text}"; expected an integer 0–${MAX_CLOUD_ID}`,
        };
      }
      if (!isIPv4(ip)) return { error: `invalid IPv4 address "${ip}" in host "${text}"` };
      return { cloud: Number(cloudText), ip };
    }
    if (isIPv4(text)) return { cloud: defaultCloud, ip: text };
    if (/^[\d.]+$/.test(text)) return { error: `invalid IPv4 address "${text}"` };
    if (GROUP_NAME.test(text)) return { group: text };
    return { error: `"${text}" is neither an IPv4 address, CLOUD:IP, nor a group name` };
  }
  if (entry !== null && typeof entry === 'object' && !Array.isArray(entry)) {
    const { cloud, ip, host_id } = entry as { cloud?: unknown; ip?: unknown; host_id?: unknown };
    if (host_id !== undefined) {
      if (ip !== undefined || cloud !== undefined)
        return { error: 'a host mapping gives host_id or {cloud, ip}, not both' };
      if (!isCmdbId(host_id))
        return { error: `invalid host_id ${JSON.stringify(host_id)}; expected an integer 1–${MAX_CMDB_ID}` };
      return { hostId: host_id };
    }
    const c = cloud === undefined ? defaultCloud : cloud;
    if (!isCloudId(c))
      return { error: `invalid cloud id ${JSON.stringify(c)}; expected an integer 0–${MAX_CLOUD_ID}` };
    if (typeof ip !== 'string' || !isIPv4(ip)) return { error: `invalid IPv4 address ${JSON.stringify(ip)}` };
    return { cloud: c, ip };
  }
  return {
    error: `a host entry must be a string, {cloud, ip} or {host_id}, not ${JSON.stringify(entry)}`,
  };
}

/** CMDB's topology node types (`bk_obj_id`) a runbook may target. */
export const TOPO_NODE_TYPES = ['biz', 'set', 'module'] as const;
export type TopoNodeType = (typeof TOPO_NODE_TYPES)[number];

export type ParsedTopoNode = { node_type: TopoNodeType; id: number } | { error: string };

const nodeTypeHint = (type: string): string => {
  const near = closest(type, TOPO_NODE_TYPES);
  return near ? `; did you mean "${near}"?` : `; the node types are ${TOPO_NODE_TYPES.join(', ')}`;
};

/**
 * Reads one `topo` entry: `"module:12"` (NODE_TYPE:ID) or `{node_type, id}`. Expressions must be
 * resolved before calling this.
 */
export function parseTopoNode(entry: unknown): ParsedTopoNode {
  let type: unknown;
  let id: unknown;
  let text: string | undefined;
  if (typeof entry === 'string') {
    text = entry.trim();
    const colon = text.indexOf(':');
    if (colon < 0) return { error: `topology node "${text}" is not NODE_TYPE:ID, such as module:12` };
    type = text.slice(0, colon);
    const idText = text.slice(colon + 1);
    id = /^\d{1,15}$/.test(idText) ? Number(idText) : idText;
  } else if (entry !== null && typeof entry === 'object' && !Array.isArray(entry)) {
    ({ node_type: type, id } = entry as { node_type?: unknown; id?: unknown });
  } else {
    return { error: `a topology node must be NODE_TYPE:ID or {node_type, id}, not ${JSON.stringify(entry)}` };
  }
  const where = text === undefined ? '' : ` in "${text}"`;
  if (typeof type !== 'string' || !(TOPO_NODE_TYPES as readonly string[]).includes(type)) {
    const shown = typeof type === 'string' ? `"${type}"` : JSON.stringify(type);
    return {
      error: `unknown topology node type ${shown}${where}${typeof type === 'string' ? nodeTypeHint(type) : `; the node types are ${TOPO_NODE_TYPES.join(', ')}`}`,
    };
  }
  if (!isCmdbId(id)) {
    return {
      error: `invalid topology node id ${JSON.stringify(id)}${where}; expected an integer 1–${MAX_CMDB_ID}`,
    };
  }
  return { node_type: type as TopoNodeType, id };
}
