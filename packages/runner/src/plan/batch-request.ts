import type { IpTarget } from '@runbook/core';
import type { PlannedRequest, PlannedStep } from './types.js';

/** Host key of a host named by id: `id:N`; any other key is `CLOUD:IP`. */
const ID_PREFIX = 'id:';

/** Splits host keys into the `ip_list` and `host_id_list` they stand for. */
export function targetsOfKeys(keys: string[]): { ipList: IpTarget[]; hostIds: number[] } {
  const ipList: IpTarget[] = [];
  const hostIds: number[] = [];
  for (const key of keys) {
    if (key.startsWith(ID_PREFIX)) {
      hostIds.push(Number(key.slice(ID_PREFIX.length)));
      continue;
    }
    const colon = key.indexOf(':');
    ipList.push({ bk_cloud_id: Number(key.slice(0, colon)), ip: key.slice(colon + 1) });
  }
  return { ipList, hostIds };
}

/**
 * The step's request with its host targets replaced by exactly these keys (`ip_list` and
 * `host_id_list`; the client puts them in the v3 form on the API gateway). A step whose targets JOB
 * resolves (custom queries, topology nodes) is never split: its request is returned as planned.
 */
export function requestForHosts(step: PlannedStep, keys: string[]): PlannedRequest {
  if (step.customQueries.length > 0 || step.topoNodes.length > 0) return step.request;
  const { ip_list: _ip, host_id_list: _ids, ...rest } = step.request;
  const { ipList, hostIds } = targetsOfKeys(keys);
  return {
    ...rest,
    ...(ipList.length ? { ip_list: ipList } : {}),
    ...(hostIds.length ? { host_id_list: hostIds } : {}),
  };
}
