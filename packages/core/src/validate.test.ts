import { describe, expect, it } from 'vitest';
import type { FastExecuteScriptRequest } from './types.js';
import { checkFastExecuteScript, checkJobRef, checkOperate } from './validate.js';

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

describe('job reference checks', () => {
  it('want positive integers and operation 1', () => {
    expect(checkJobRef({ bk_biz_id: 1, job_instance_id: 1 })).toEqual([]);
    expect(checkJobRef({ bk_biz_id: 0, job_instance_id: -1 })).toHaveLength(2);
    expect(checkOperate({ bk_biz_id: 1, job_instance_id: 1, operation_code: 2 as never })).toHaveLength(1);
  });
});
