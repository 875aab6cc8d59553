import { describe, expect, it } from 'vitest';
import type { FastExecuteScriptRequest } from '../types.js';
import { toV3FastExecuteBody } from './v3-body.js';

describe('toV3FastExecuteBody', () => {
  it('maps every field of the request to its v3 name, scope by bk_scope_type + bk_scope_id only', () => {
    const req: FastExecuteScriptRequest = {
      bk_biz_id: 2,
      task_name: 'rotate',
      script_id: 7,
      script_content: 'ZWNobyAkMQ==',
      script_param: 'aGVsbG8=',
      script_timeout: 600,
      account: 'root',
      is_param_sensitive: 1,
      script_type: 4,
      ip_list: [{ bk_cloud_id: 0, ip: '10.0.0.1' }],
      host_id_list: [101],
      custom_query_id: ['q1', 'q2'],
      topo_node_list: [{ node_type: 'module', id: 12 }],
      bk_callback_url: 'https://cb.example.com/x',
    };
    expect(toV3FastExecuteBody(req)).toEqual({
      bk_scope_type: 'biz',
      bk_scope_id: '2',
      task_name: 'rotate',
      script_version_id: 7,
      script_content: 'ZWNobyAkMQ==',
      script_language: 4,
      script_param: 'aGVsbG8=',
      is_param_sensitive: 1,
      timeout: 600,
      account_alias: 'root',
      target_server: {
        host_id_list: [101],
        ip_list: [{ bk_cloud_id: 0, ip: '10.0.0.1' }],
        dynamic_group_list: [{ id: 'q1' }, { id: 'q2' }],
        topo_node_list: [{ id: 12, node_type: 'module' }],
      },
      callback_url: 'https://cb.example.com/x',
    });
  });

  it('leaves out absent fields, empty lists, an empty callback URL and anything it does not know (credentials)', () => {
    const req = {
      bk_scope_type: 'biz_set',
      bk_scope_id: '9000001',
      script_content: 'ZWNobw==',
      script_type: 1,
      ip_list: [],
      host_id_list: [5],
      bk_callback_url: '',
      bk_app_secret: 'never-sent',
      bk_token: 'never-sent',
    } as unknown as FastExecuteScriptRequest;
    const body = toV3FastExecuteBody(req);
    expect(body).toEqual({
      bk_scope_type: 'biz_set',
      bk_scope_id: '9000001',
      script_content: 'ZWNobw==',
      script_language: 1,
      target_server: { host_id_list: [5] },
    });
    expect(JSON.stringify(body)).not.toContain('never-sent');
  });
});
