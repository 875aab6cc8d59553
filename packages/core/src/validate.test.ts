import { describe, expect, it } from 'vitest';
import type { FastExecuteScriptRequest } from './types.js';
import { checkFastExecuteScript, checkJobRef, checkOperate, checkV2Targets } from './validate.js';

const SEED: FastExecuteScriptRequest = {
  bk_biz_id: 1,
  script_id: 1,
  script_content: 'ZWNobyAkMQ==',
  script_param: 'aGVsbG8=',
  script_timeout: 1000,
  account: 'root',
  is_param_sensitive: 0,
  script_type: 1,
  ip_list: [
    { bk_cloud_id: 0, ip: '10.0.0.1' },
    { bk_cloud_id: 0, ip: '10.0.0.2' },
  ],
  custom_query_id: ['3'],
};

const issuesOf = (patch: Record<string, unknown>) => checkFastExecuteScript({ ...SEED, ...patch } as never);

describe('fast_execute_script checks', () => {
  it("accept the seed's request", () => {
    expect(checkFastExecuteScript(SEED)).toEqual([]);
  });

  it.each([
    [{ bk_biz_id: 0 }, 'bk_biz_id'],
    [{ bk_biz_id: 1.5 }, 'bk_biz_id'],
    [{ script_timeout: 59 }, 'script_timeout'],
    [{ script_timeout: 86401 }, 'script_timeout'],
    [{ script_type: 0 }, 'script_type'],
    [{ script_type: 6 }, 'script_type'],
    [{ is_param_sensitive: 2 }, 'is_param_sensitive'],
    [{ ip_list: [{ bk_cloud_id: 0, ip: '10.0.0.256' }] }, 'ip_list[0].ip'],
    [{ ip_list: [{ bk_cloud_id: 0, ip: '::1' }] }, 'ip_list[0].ip'],
    [{ ip_list: [{ bk_cloud_id: -1, ip: '10.0.0.1' }] }, 'ip_list[0].bk_cloud_id'],
    [{ ip_list: [], custom_query_id: [] }, 'at least one target'],
    [{ custom_query_id: [3] }, 'custom_query_id'],
    [{ script_id: undefined, script_content: '' }, 'script_id or script_content'],
    [{ script_content: 'echo $1' }, 'script_content must be base64'],
    [{ script_param: 'hello world' }, 'script_param must be base64'],
    [{ bk_callback_url: 'ftp://x/y' }, 'bk_callback_url'],
    [{ bk_callback_url: 'https://u:p@cb.example.com/' }, 'user name or password'],
    [{ account: '' }, 'account'],
    [{ script_id: undefined, script_type: undefined }, 'script_type is required'],
  ])('reject %j', (patch, fragment) => {
    const issues = issuesOf(patch);
    expect(issues.join('\n')).toContain(fragment);
  });

  it('accept the edges of each range and a custom query alone', () => {
    expect(issuesOf({ script_timeout: 60 })).toEqual([]);
    expect(issuesOf({ script_timeout: 86400 })).toEqual([]);
    expect(issuesOf({ script_type: 5, is_param_sensitive: 1 })).toEqual([]);
    expect(issuesOf({ ip_list: undefined, custom_query_id: ['3'] })).toEqual([]);
    expect(issuesOf({ bk_callback_url: '' })).toEqual([]);
    expect(issuesOf({ bk_callback_url: 'https://cb.example.com/done?x=1' })).toEqual([]);
    expect(issuesOf({ ip_list: [{ bk_cloud_id: 2, ip: '255.255.255.255' }] })).toEqual([]);
  });
});

describe('targets of the API gateway v3', () => {
  const only = (patch: Record<string, unknown>) =>
    issuesOf({ ip_list: undefined, custom_query_id: undefined, ...patch });

  it('host ids or topology nodes alone are targets', () => {
    expect(only({ host_id_list: [101, 102] })).toEqual([]);
    expect(only({ topo_node_list: [{ node_type: 'set', id: 3 }] })).toEqual([]);
    expect(only({ host_id_list: [] }).join('\n')).toContain('at least one target');
  });

  it.each([
    [{ host_id_list: 101 }, 'host_id_list must be an array'],
    [{ host_id_list: [0] }, 'host_id_list[0]'],
    [{ host_id_list: [1.5] }, 'host_id_list[0]'],
    [{ topo_node_list: [{ node_type: 'module' }] }, 'topo_node_list[0].id'],
    [{ topo_node_list: [{ node_type: '', id: 1 }] }, 'topo_node_list[0].node_type'],
    [{ topo_node_list: [{ node_type: 'a b', id: 1 }] }, 'topo_node_list[0].node_type'],
    [{ topo_node_list: ['module:12'] }, 'topo_node_list[0].id'],
  ])('reject %j', (patch, fragment) => {
    expect(only(patch).join('\n')).toContain(fragment);
  });

  it('ESB v2 cannot send them', () => {
    expect(checkV2Targets(SEED)).toEqual([]);
    expect(checkV2Targets({ ...SEED, host_id_list: [1], topo_node_list: [] })).toEqual([
      expect.stringContaining('host_id_list needs the API gateway v3 transport'),
      expect.stringContaining('topo_node_list needs the API gateway v3 transport'),
    ]);
  });
});

describe('job reference checks', () => {
  it('want positive integers and operation 1', () => {
    expect(checkJobRef({ bk_biz_id: 1, job_instance_id: 1 })).toEqual([]);
    expect(checkJobRef({ bk_biz_id: 0, job_instance_id: -1 })).toHaveLength(2);
    expect(checkOperate({ bk_biz_id: 1, job_instance_id: 1, operation_code: 2 as never })).toHaveLength(1);
  });
});
