/**
 * Host lists folded into ranges, as `clush -b` and `dshbak -c` show them: `10.0.1.[1-8,10]`,
 * `10.0.[1-3].[1-254]` when several subnets hold the same hosts, `2:10.0.1.[1-3]` outside the default
 * cloud area (0), `id:[1-4]` for CMDB host ids. Only plain IPv4 addresses fold: IPv6 addresses, and
 * anything that is not a well-formed address (`10.0.1.01`, `10.0.1.256`, a name JOB sent as is), are
 * shown as they are, once each, never merged with a look-alike.
 */

/** A host to show: its cloud area and address, or a text shown as it is (a host JOB named unusably). */
export type HostEntry = { cloud: number; ip: string } | { raw: string };

export interface FoldOptions {
  /**
   * The most characters to return: whole groups are kept while they fit, then `+N more hosts`
   * says what was left out. Unlimited when absent.
   */
  maxLength?: number;
}

const OCTET = '(0|[1-9][0-9]?|1[0-9]{2}|2[0-4][0-9]|25[0-5])';
const IPV4 = new RegExp(`^${OCTET}\\.${OCTET}\\.${OCTET}\\.${OCTET}$`);
const CLOUD_KEY = /^(0|[1-9][0-9]{0,15}):(.+)$/s;
const ID_KEY = /^id:(0|[1-9][0-9]{0,15})$/;
const IPV6 = /^[0-9A-Fa-f:.]+$/;

/** `CLOUD:IP` and `id:N` keys (as plans and records write hosts) folded into one line. */
export function foldHosts(keys: readonly string[], options: FoldOptions = {}): string {
  const ids: number[] = [];
  const entries: HostEntry[] = [];
  for (const key of keys) {
    const id = ID_KEY.exec(key);
    if (id) {
      ids.push(Number(id[1]));
      continue;
    }
    const m = CLOUD_KEY.exec(key);
    const cloud = m ? Number(m[1]) : Number.NaN;
    entries.push(m && Number.isSafeInteger(cloud) ? { cloud, ip: m[2]! } : { raw: key });
  }
  return joinFolded(foldParts(entries, ids), options);
}

/** Hosts as results name them (cloud area and IP), folded into one line. */
export function foldHostEntries(entries: readonly HostEntry[], options: FoldOptions = {}): string {
  return joinFolded(foldParts(entries, []), options);
}

interface Part {
  text: string;
  hosts: number;
}

function foldParts(entries: readonly HostEntry[], ids: readonly number[]): Part[] {
  // One host (every group of a step whose hosts all print something different) folds into itself:
  // `cloud:` only outside cloud 0, whatever its form. No maps made for it.
  if (entries.length === 1 && ids.length === 0) {
    const e = entries[0]!;
    return [{ text: 'raw' in e ? e.raw : e.cloud === 0 ? e.ip : `${e.cloud}:${e.ip}`, hosts: 1 }];
  }
  // cloud → "a.b.c" → set of d
  const v4 = new Map<number, Map<string, Set<number>>>();
  const v6 = new Map<string, { cloud: number; ip: string }>();
  const raw = new Set<string>();
  for (const e of entries) {
    if ('raw' in e) {
      raw.add(e.raw);
      continue;
    }
    const m = IPV4.exec(e.ip);
    if (m) {
      const byCloud = getOr(v4, e.cloud, () => new Map<string, Set<number>>());
      getOr(byCloud, `${m[1]}.${m[2]}.${m[3]}`, () => new Set<number>()).add(Number(m[4]));
      continue;
    }
    const label = e.cloud === 0 ? e.ip : `${e.cloud}:${e.ip}`;
    if (e.ip.includes(':') && IPV6.test(e.ip)) v6.set(label, { cloud: e.cloud, ip: e.ip });
    else raw.add(label);
  }

  const parts: Part[] = [];
  for (const cloud of [...v4.keys()].sort(byNumber)) {
    const prefix = cloud === 0 ? '' : `${cloud}:`;
    // Fold from the right: hosts of a subnet into its last octet, then subnets holding the same
    // hosts into the third octet (10.0.[1-3].[1-254]), then into the second; never the first.
    let items: Item[] = [];
    for (const [abc, ds] of v4.get(cloud)!) {
      const octets = abc.split('.').map(Number);
      const sorted = [...ds].sort(byNumber);
      items.push({
        prefix: octets,
        suffix: bracket(sorted),
        hosts: ds.size,
        first: ((octets[0]! * 256 + octets[1]!) * 256 + octets[2]!) * 256 + sorted[0]!,
      });
    }
    items = foldLevel(foldLevel(items));
    items.sort((x, y) => x.first - y.first);
    for (const it of items)
      parts.push({ text: `${prefix}${it.prefix.join('.')}.${it.suffix}`, hosts: it.hosts });
  }
  if (ids.length > 0) {
    const unique = [...new Set(ids)].sort(byNumber);
    parts.push({ text: `id:${bracket(unique)}`, hosts: unique.length });
  }
  const sixes = [...v6.values()].sort(
    (x, y) => x.cloud - y.cloud || (x.ip < y.ip ? -1 : x.ip > y.ip ? 1 : 0),
  );
  for (const h of sixes) parts.push({ text: h.cloud === 0 ? h.ip : `${h.cloud}:${h.ip}`, hosts: 1 });
  for (const r of raw) parts.push({ text: r, hosts: 1 });
  return parts;
}

const byNumber = (a: number, b: number) => a - b;

/** Hosts `prefix` × `suffix` (the octets not folded yet, and the folded rest); `first` sorts them. */
interface Item {
  prefix: number[];
  suffix: string;
  hosts: number;
  first: number;
}

/** Folds the last octet of the prefixes: items under one parent with the same rest become one. */
function foldLevel(items: readonly Item[]): Item[] {
  const groups = new Map<
    string,
    { parent: number[]; suffix: string; xs: number[]; hosts: number; first: number }
  >();
  for (const it of items) {
    const parent = it.prefix.slice(0, -1);
    const g = getOr(groups, `${parent.join('.')}|${it.suffix}`, () => ({
      parent,
      suffix: it.suffix,
      xs: [] as number[],
      hosts: 0,
      first: it.first,
    }));
    g.xs.push(it.prefix[it.prefix.length - 1]!);
    g.hosts += it.hosts;
    g.first = Math.min(g.first, it.first);
  }
  return [...groups.values()].map((g) => ({
    prefix: g.parent,
    suffix: `${bracket(g.xs.sort(byNumber))}.${g.suffix}`,
    hosts: g.hosts,
    first: g.first,
  }));
}

function getOr<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let v = map.get(key);
  if (v === undefined) {
    v = make();
    map.set(key, v);
  }
  return v;
}

/** `5`, or `[1-8,10]` for a sorted list of distinct numbers. */
function bracket(sorted: readonly number[]): string {
  if (sorted.length === 1) return String(sorted[0]);
  const out: string[] = [];
  let start = sorted[0]!;
  let prev = start;
  for (let i = 1; i <= sorted.length; i++) {
    const n = sorted[i];
    if (n === prev + 1) {
      prev = n;
      continue;
    }
    out.push(start === prev ? String(start) : `${start}-${prev}`);
    if (n !== undefined) start = prev = n;
  }
  return `[${out.join(',')}]`;
}

function joinFolded(parts: readonly Part[], options: FoldOptions): string {
  const max = options.maxLength;
  const all = parts.map((p) => p.text).join(', ');
  if (max === undefined || all.length <= max) return all;
  const total = parts.reduce((n, p) => n + p.hosts, 0);
  let text = '';
  let shown = 0;
  for (const p of parts) {
    const next = text === '' ? p.text : `${text}, ${p.text}`;
    const tail = ` +${total - shown - p.hosts} more hosts`;
    if (next.length + tail.length > max) break;
    text = next;
    shown += p.hosts;
  }
  const rest = `+${(total - shown).toLocaleString('en-US')} more host${total - shown === 1 ? '' : 's'}`;
  return text === '' ? rest : `${text} ${rest}`;
}
