import { describe, expect, it } from 'vitest';
import { requestForHosts, targetsOfKeys } from './batch-request.js';
import type { PlannedStep } from './types.js';

const step = (over: Partial<PlannedStep>): PlannedStep =>
  ({
    name: 's',
    hosts: ['0:10.0.0.1', '2:10.0.0.2'],
    hostIds: [],
    customQueries: [],
    topoNodes: [],
    request: {
      bk_biz_id: 1,
      bk_scope_type: 'biz',
      bk_scope_id: '1',
      task_name: 't',
      script_content: 'ZWNobw==',
      script_timeout: 60,
      account: 'root',
      ip_list: [
        { bk_cloud_id: 0, ip: '10.0.0.1' },
        { bk_cloud_id: 2, ip: '10.0.0.2' },
      ],
    },
    ...over,
  }) as PlannedStep;

describe('requestForHosts', () => {
  it('sends exactly the batch: IP hosts as ip_list, host ids as host_id_list, every other field kept', () => {
    const r = requestForHosts(step({}), ['2:10.0.0.2']);
    expect(r.ip_list).toEqual([{ bk_cloud_id: 2, ip: '10.0.0.2' }]);
    expect(r).not.toHaveProperty('host_id_list');
    expect(r).toMatchObject({ task_name: 't', account: 'root', script_timeout: 60, bk_scope_id: '1' });
    const ids = requestForHosts(
      step({
        hosts: [],
        hostIds: [7, 8],
        request: { ...step({}).request, ip_list: undefined, host_id_list: [7, 8] },
      }),
      ['id:8'],
    );
    expect(ids.host_id_list).toEqual([8]);
    expect(ids).not.toHaveProperty('ip_list');
  });

  it('never splits a step whose hosts JOB resolves (custom queries, topology nodes)', () => {
    const s = step({ customQueries: ['q1'], request: { ...step({}).request, custom_query_id: ['q1'] } });
    expect(requestForHosts(s, [])).toBe(s.request);
  });

  it('reads keys of any cloud, and ids, in the order given', () => {
    expect(targetsOfKeys(['0:10.0.0.9', 'id:3', '2147483647:255.255.255.255', 'id:1'])).toEqual({
      ipList: [
        { bk_cloud_id: 0, ip: '10.0.0.9' },
        { bk_cloud_id: 2147483647, ip: '255.255.255.255' },
      ],
      hostIds: [3, 1],
    });
    expect(targetsOfKeys([])).toEqual({ ipList: [], hostIds: [] });
  });
});
