import { isIPv4, parseHostRef } from '../config.js';
import { failure } from '../http/envelope.js';
import type { EmulatorBusiness, EmulatorConfig, EmulatorHost } from '../types.js';
import { type Check, invalid, isAbsent, missingOrInvalid, pass, reject, toInt } from './validate.js';

export interface Target {
  cloud: number;
  ip: string;
  /** The configured host, when the business lists its hosts. */
  host?: EmulatorHost;
}

const key = (cloud: number, ip: string) => `${cloud}:${ip}`;

/**
 * The hosts of a request: `ip_list` and the custom queries' hosts merged, duplicates removed (first
 * occurrence wins, `ip_list` first), then checked against the business's hosts when it lists them.
 */
export function resolveTargets(
  body: Record<string, unknown>,
  bizId: number,
  config: EmulatorConfig,
): Check<Target[]> {
  const ipList = body.ip_list;
  const queries = body.custom_query_id;
  if (!isAbsent(ipList) && !Array.isArray(ipList)) return reject(invalid('ip_list'));
  if (!isAbsent(queries) && !Array.isArray(queries)) return reject(invalid('custom_query_id'));
  const ips = (ipList as unknown[] | undefined) ?? [];
  const qs = (queries as unknown[] | undefined) ?? [];
  if (ips.length === 0 && qs.length === 0)
    return reject(missingOrInvalid('ip_list|custom_query_id|target_server'));

  const refs: Array<{ cloud: number; ip: string }> = [];
  for (const e of ips) {
    if (typeof e !== 'object' || e === null) return reject(invalid('ip_list'));
    const o = e as Record<string, unknown>;
    const cloud = isAbsent(o.bk_cloud_id) ? undefined : toInt(o.bk_cloud_id);
    if (cloud === undefined || cloud < 0 || typeof o.ip !== 'string' || !isIPv4(o.ip.trim()))
      return reject(invalid('ip_list'));
    refs.push({ cloud, ip: o.ip.trim() });
  }
  const business: EmulatorBusiness | undefined = config.businesses?.[String(bizId)];
  for (const q of qs) {
    if (typeof q !== 'string' && typeof q !== 'number') return reject(invalid('custom_query_id'));
    const id = String(q);
    const list = business?.custom_queries?.[id];
    if (!list || !Object.hasOwn(business?.custom_queries ?? {}, id))
      return reject(
        failure(
          1211003,
          `根据动态分组 ID 查找主机失败，动态分组 ID ：${id}，原因：动态分组不存在，请确认指定的动态分组在业务下是否存在`,
        ),
      );
    for (const ref of list) {
      const h = parseHostRef(ref);
      if (h) refs.push(h);
    }
  }

  const seen = new Set<string>();
  const unique: Target[] = [];
  for (const r of refs) {
    const k = key(r.cloud, r.ip);
    if (seen.has(k)) continue;
    seen.add(k);
    unique.push({ cloud: r.cloud, ip: r.ip });
  }
  if (unique.length === 0) return reject(failure(1244001, '主机为空'));

  if (business?.hosts) {
    const known = new Map(business.hosts.map((h) => [key(h.cloud ?? 0, h.ip), h]));
    const bad: string[] = [];
    for (const t of unique) {
      const h = known.get(key(t.cloud, t.ip));
      if (h) t.host = h;
      else bad.push(key(t.cloud, t.ip));
    }
    if (bad.length > 0)
      return reject(
        failure(
          1244002,
          `主机无效，请检查源或目标主机是否存在于配置平台的业务[${bizId}]下；另外，主机需跨业务执行请联系作业平台管理员将其添加到主机白名单。无效的${bad.length}台主机：[${bad.join(', ')}]`,
        ),
      );
  }
  return pass(unique);
}
