/** The API gateway v3 body of `fast_execute_script`, mapped from the request the runner builds (v2 names). */

import { resolveScope } from '../scope.js';
import type { FastExecuteScriptRequest } from '../types.js';

/**
 * The exact JSON body the v3 transport sends for `request` (credentials travel only in the
 * `X-Bkapi-Authorization` header, never here). Pure: no checks (the client checks before sending).
 *
 * `bk_scope_type` + `bk_scope_id` (no `bk_biz_id`); `task_name`; `script_id` → `script_version_id`
 * (on JOB 3.x the v2 `script_id` is a script version id; v3's string `script_id` names a script and
 * runs its online version); `script_content`; `script_type` → `script_language`; `script_param`;
 * `is_param_sensitive`; `script_timeout` → `timeout`; `account` → `account_alias`; `target_server`
 * with `ip_list`, `host_id_list`, `custom_query_id` → `dynamic_group_list: [{id}]`, `topo_node_list`;
 * `bk_callback_url` → `callback_url`. Absent fields, empty lists and an empty callback URL are left out.
 */
export function toV3FastExecuteBody(request: FastExecuteScriptRequest): Record<string, unknown> {
  const scope = resolveScope(request);
  const body: Record<string, unknown> = {
    bk_scope_type: scope.bk_scope_type,
    bk_scope_id: scope.bk_scope_id,
  };
  const put = (key: string, value: unknown) => {
    if (value !== undefined && value !== '') body[key] = value;
  };
  put('task_name', request.task_name);
  put('script_version_id', request.script_id);
  put('script_content', request.script_content);
  put('script_language', request.script_type);
  put('script_param', request.script_param);
  put('is_param_sensitive', request.is_param_sensitive);
  put('timeout', request.script_timeout);
  put('account_alias', request.account);
  body.target_server = targetServer(request);
  put('callback_url', request.bk_callback_url);
  return body;
}

function targetServer(r: FastExecuteScriptRequest): Record<string, unknown> {
  const server: Record<string, unknown> = {};
  const list = <T, U>(key: string, items: T[] | undefined, map: (item: T) => U) => {
    if (items && items.length > 0) server[key] = items.map(map);
  };
  list('host_id_list', r.host_id_list, (id) => id);
  list('ip_list', r.ip_list, (h) => ({ bk_cloud_id: h.bk_cloud_id, ip: h.ip }));
  list('dynamic_group_list', r.custom_query_id, (id) => ({ id }));
  list('topo_node_list', r.topo_node_list, (n) => ({ id: n.id, node_type: n.node_type }));
  return server;
}
