import { failure } from '../http/envelope.js';
import type { HostRef, Inventory, Target } from '../inventory/inventory.js';
import { type Check, pass, reject } from './validate.js';

/** JOB's answer for a dynamic group (custom query) the business does not have. */
export function unknownGroup(id: string) {
  return failure(
    1211003,
    `根据动态分组 ID 查找主机失败，动态分组 ID ：${id}，原因：动态分组不存在，请确认指定的动态分组在业务下是否存在`,
  );
}

/**
 * The hosts of a request, in the order asked, duplicates (same host id) removed, checked as JOB
 * does: none at all 1244001; hosts the CMDB does not have 1244030; hosts of another business
 * 1244002 (listing `cloud:ip` of each).
 */
export function resolveHosts(refs: HostRef[], bizId: number, inventory: Inventory): Check<Target[]> {
  if (refs.length === 0) return reject(failure(1244001, '主机为空'));
  const unique = new Map<number, Target>();
  const missing = new Set<string>();
  const outside = new Set<string>();
  for (const ref of refs) {
    const found = inventory.find(ref, bizId);
    if (found.kind === 'missing') missing.add(found.label);
    else if (found.kind === 'outside') outside.add(found.address);
    else if (!unique.has(found.target.hostId)) unique.set(found.target.hostId, found.target);
  }
  if (missing.size > 0)
    return reject(
      failure(
        1244030,
        `作业引用的执行对象不存在。不存在的执行对象个数:${missing.size},执行对象列表[${[...missing].join(',')}]`,
      ),
    );
  if (outside.size > 0)
    return reject(
      failure(
        1244002,
        `主机无效，请检查源或目标主机是否存在于配置平台的业务[${bizId}]下；另外，主机需跨业务执行请联系作业平台管理员将其添加到主机白名单。无效的${outside.size}台主机：[${[...outside].join(', ')}]`,
      ),
    );
  return pass([...unique.values()]);
}
