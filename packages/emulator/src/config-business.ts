import { generatedHostId } from './inventory/host-ids.js';
import type { EmulatorConfig } from './types.js';

type Obj = Record<string, unknown>;
type Bad = (where: string, what: string) => never;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStrArr = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const isId = (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 1;
/** Set, module and query ids: what CMDB uses (digits), or any id without spaces for queries. */
const NODE_ID = /^[1-9]\d{0,15}$/;

export function isIPv4(s: string): boolean {
  return IPV4.test(s);
}

/** `"0:10.0.0.1"` or `"10.0.0.1"` → `{ cloud, ip }`; undefined when malformed. */
export function parseHostRef(ref: string): { cloud: number; ip: string } | undefined {
  const m = /^(?:(\d+):)?(\S+)$/.exec(ref.trim());
  if (!m || !isIPv4(m[2]!)) return undefined;
  return { cloud: m[1] === undefined ? 0 : Number(m[1]), ip: m[2]! };
}

/** A host entry of a custom query or a module: a host id or `"cloud:ip"` / `"ip"`. */
function checkHostRefs(list: unknown, at: string, bad: Bad): void {
  if (!Array.isArray(list)) bad(at, 'must be a list of host ids or "cloud:ip" / "ip" entries');
  for (const e of list as unknown[]) {
    if (typeof e === 'number' && isId(e)) continue;
    if (typeof e === 'string' && parseHostRef(e)) continue;
    bad(at, `has an entry that is not "cloud:ip", "ip" or a host id: ${JSON.stringify(e)}`);
  }
}

function checkHost(h: unknown, w: string, bad: Bad): void {
  if (!isObj(h)) bad(w, 'must be a mapping with ip');
  const host = h as Obj;
  if (typeof host.ip !== 'string' || !isIPv4(host.ip)) bad(`${w}.ip`, 'must be an IPv4 address');
  if (host.cloud !== undefined && !(Number.isInteger(host.cloud) && (host.cloud as number) >= 0))
    bad(`${w}.cloud`, 'must be an integer >= 0');
  if (host.bk_host_id !== undefined && !isId(host.bk_host_id))
    bad(`${w}.bk_host_id`, 'must be an integer >= 1');
  if (host.agent !== undefined && !['ok', 'offline', 'not_installed'].includes(host.agent as string))
    bad(`${w}.agent`, 'must be ok, offline or not_installed');
  if (host.accounts !== undefined && !isStrArr(host.accounts)) bad(`${w}.accounts`, 'must be a list');
  const s = host.status;
  if (s !== undefined && !(Number.isInteger(s) && (s as number) >= 0 && ![5, 7].includes(s as number)))
    bad(`${w}.status`, 'must be a final host status number (e.g. 301, 303; not 5 or 7)');
}

function checkTopology(v: unknown, at: string, bad: Bad): void {
  if (!isObj(v)) bad(at, 'must map set ids to { module id: hosts }');
  for (const [set, modules] of Object.entries(v as Obj)) {
    if (!NODE_ID.test(set)) bad(`${at}.${set}`, 'must be keyed by a positive integer set id');
    if (!isObj(modules)) bad(`${at}.${set}`, 'must map module ids to host lists');
    for (const [mod, hosts] of Object.entries(modules as Obj)) {
      if (!NODE_ID.test(mod)) bad(`${at}.${set}.${mod}`, 'must be keyed by a positive integer module id');
      checkHostRefs(hosts, `${at}.${set}.${mod}`, bad);
    }
  }
}

/** Checks one entry of `businesses`. */
export function checkBusiness(v: unknown, at: string, bad: Bad): void {
  if (!isObj(v)) bad(at, 'must be a mapping');
  const b = v as Obj;
  if (b.type !== undefined && b.type !== 'biz' && b.type !== 'biz_set')
    bad(`${at}.type`, 'must be biz or biz_set');
  if (b.hosts !== undefined) {
    if (!Array.isArray(b.hosts)) bad(`${at}.hosts`, 'must be a list');
    (b.hosts as unknown[]).forEach((h, i) => {
      checkHost(h, `${at}.hosts[${i}]`, bad);
    });
  }
  if (b.custom_queries !== undefined) {
    if (!isObj(b.custom_queries)) bad(`${at}.custom_queries`, 'must map query ids to host lists');
    for (const [q, list] of Object.entries(b.custom_queries as Obj))
      checkHostRefs(list, `${at}.custom_queries.${q}`, bad);
  }
  if (b.topology !== undefined) checkTopology(b.topology, `${at}.topology`, bad);
  if (b.accounts !== undefined && !isStrArr(b.accounts)) bad(`${at}.accounts`, 'must be a list');
  if (b.account_ids !== undefined) {
    if (!isObj(b.account_ids)) bad(`${at}.account_ids`, 'must map account ids to aliases');
    for (const [id, alias] of Object.entries(b.account_ids as Obj))
      if (!NODE_ID.test(id) || typeof alias !== 'string')
        bad(`${at}.account_ids.${id}`, 'must map a positive integer id to an alias');
  }
}

/** Host ids are unique in the whole configuration, configured and generated ones together. */
export function checkHostIds(config: EmulatorConfig, bad: Bad): void {
  const owner = new Map<number, string>();
  for (const [biz, b] of Object.entries(config.businesses ?? {})) {
    (b?.hosts ?? []).forEach((h, i) => {
      const id = h.bk_host_id ?? generatedHostId(h.cloud ?? 0, h.ip);
      const me = `${h.cloud ?? 0}:${h.ip}`;
      const other = owner.get(id);
      if (other !== undefined && other !== me)
        bad(`businesses.${biz}.hosts[${i}].bk_host_id`, `${id} is already the id of host ${other}`);
      owner.set(id, me);
    });
  }
}
