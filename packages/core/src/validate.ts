/** The client's own checks of request fields, before anything is sent. */

import { RequestValidationError } from './errors.js';
import { checkScope } from './scope.js';
import type { FastExecuteScriptRequest, JobRef, OperateJobInstanceRequest } from './types.js';

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
/** A CMDB object id (`bk_obj_id`): `biz`, `set`, `module` or a custom level's id. */
const NODE_TYPE = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

function intField(
  issues: string[],
  name: string,
  value: unknown,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
) {
  if (!isInt(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `${min}–${max}`;
    issues.push(`${name} must be an integer ${range} (got ${JSON.stringify(value)})`);
  }
}

function base64Field(issues: string[], name: string, value: unknown, allowEmpty: boolean): void {
  if (typeof value !== 'string' || !BASE64.test(value) || (!allowEmpty && value === '')) {
    issues.push(`${name} must be base64 (encode it with encodeBase64 / encodeParams)`);
  }
}

/** Problems with a `fast_execute_script` request; empty when it may be sent. */
export function checkFastExecuteScript(req: FastExecuteScriptRequest): string[] {
  const issues: string[] = [];
  const r = req as unknown as Record<string, unknown>;
  if (typeof r !== 'object' || r === null) return ['the request must be an object'];
  issues.push(...checkScope(r));
  if (r.script_id !== undefined) intField(issues, 'script_id', r.script_id, 1);
  if (r.script_content !== undefined) base64Field(issues, 'script_content', r.script_content, false);
  if (r.script_id === undefined && (r.script_content === undefined || r.script_content === '')) {
    issues.push('give script_id or script_content');
  }
  if (r.script_param !== undefined) base64Field(issues, 'script_param', r.script_param, true);
  if (r.script_timeout !== undefined) intField(issues, 'script_timeout', r.script_timeout, 60, 86400);
  if (r.script_type !== undefined) intField(issues, 'script_type', r.script_type, 1, 5);
  else if (r.script_content !== undefined && r.script_id === undefined) {
    issues.push(
      'script_type is required with script_content (1 shell, 2 bat, 3 perl, 4 python, 5 powershell)',
    );
  }
  if (r.is_param_sensitive !== undefined && r.is_param_sensitive !== 0 && r.is_param_sensitive !== 1) {
    issues.push('is_param_sensitive must be 0 or 1');
  }
  if (r.task_name !== undefined && typeof r.task_name !== 'string') issues.push('task_name must be a string');
  if (r.account !== undefined && (typeof r.account !== 'string' || r.account === '')) {
    issues.push('account must be a non-empty string');
  }
  checkTargets(issues, r);
  if (r.bk_callback_url !== undefined && r.bk_callback_url !== '')
    checkCallbackUrl(issues, r.bk_callback_url);
  return issues;
}

const fieldsOf = (item: unknown): Record<string, unknown> =>
  typeof item === 'object' && item !== null ? (item as Record<string, unknown>) : {};

/** Checks each element of a list field; → how many targets it names (0 when absent or not a list). */
function eachOf(
  issues: string[],
  name: string,
  value: unknown,
  shape: string,
  check: (item: unknown, i: number) => void,
): number {
  if (value === undefined) return 0;
  if (!Array.isArray(value)) {
    issues.push(`${name} must be an array of ${shape}`);
    return 0;
  }
  value.forEach((item: unknown, i) => {
    check(item, i);
  });
  return value.length;
}

/** The target fields: each well formed, and at least one target among them. */
function checkTargets(issues: string[], r: Record<string, unknown>): void {
  const targets =
    eachOf(issues, 'ip_list', r.ip_list, '{bk_cloud_id, ip}', (item, i) => {
      const host = fieldsOf(item);
      if (typeof host.ip !== 'string' || !IPV4.test(host.ip)) {
        issues.push(`ip_list[${i}].ip must be an IPv4 address (got ${JSON.stringify(host.ip)})`);
      }
      intField(issues, `ip_list[${i}].bk_cloud_id`, host.bk_cloud_id, 0);
    }) +
    eachOf(issues, 'custom_query_id', r.custom_query_id, 'non-empty strings', (q, i) => {
      if (typeof q !== 'string' || q === '') {
        issues.push(`custom_query_id[${i}] must be a non-empty string (got ${JSON.stringify(q)})`);
      }
    }) +
    eachOf(issues, 'host_id_list', r.host_id_list, 'CMDB host ids', (id, i) =>
      intField(issues, `host_id_list[${i}]`, id, 1),
    ) +
    eachOf(issues, 'topo_node_list', r.topo_node_list, '{id, node_type}', (item, i) => {
      const node = fieldsOf(item);
      intField(issues, `topo_node_list[${i}].id`, node.id, 1);
      if (typeof node.node_type !== 'string' || !NODE_TYPE.test(node.node_type)) {
        issues.push(
          `topo_node_list[${i}].node_type must be a CMDB object id such as "module" or "set" (got ${JSON.stringify(node.node_type)})`,
        );
      }
    });
  if (targets === 0) {
    issues.push('give at least one target in ip_list, custom_query_id, host_id_list or topo_node_list');
  }
}

/**
 * Fields the ESB v2 transport cannot send: v2's `fast_execute_script` addresses hosts only by
 * `ip_list` and `custom_query_id`. Empty when the request may go through ESB.
 */
export function checkV2Targets(req: FastExecuteScriptRequest): string[] {
  const r = req as unknown as Record<string, unknown>;
  if (typeof r !== 'object' || r === null) return [];
  return (['host_id_list', 'topo_node_list'] as const)
    .filter((k) => r[k] !== undefined)
    .map(
      (k) =>
        `${k} needs the API gateway v3 transport (BK_APIGW_URL): ESB v2 addresses hosts only by ip_list and custom_query_id`,
    );
}

function checkCallbackUrl(issues: string[], value: unknown): void {
  let url: URL | undefined;
  try {
    url = typeof value === 'string' ? new URL(value) : undefined;
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    issues.push('bk_callback_url must be an http(s) URL');
  } else if (url.username || url.password) {
    issues.push('bk_callback_url must not carry a user name or password');
  }
}

/** Problems with the job reference of a read or terminate call. */
export function checkJobRef(ref: JobRef): string[] {
  const issues: string[] = [];
  if (typeof ref !== 'object' || ref === null) return ['the request must be an object'];
  issues.push(...checkScope(ref));
  intField(issues, 'job_instance_id', ref.job_instance_id, 1);
  return issues;
}

export function checkOperate(req: OperateJobInstanceRequest): string[] {
  const issues = checkJobRef(req);
  if (req.operation_code !== undefined && req.operation_code !== 1) {
    issues.push('operation_code must be 1 (terminate)');
  }
  return issues;
}

/** Throws `RequestValidationError` (code `CORE_VALIDATION`) listing every issue. */
export function assertValid(call: string, issues: string[]): void {
  if (issues.length === 0) return;
  throw new RequestValidationError(
    `${call}: invalid request, nothing was sent: ${issues.join('; ')}`,
    issues,
    {
      call,
    },
  );
}
