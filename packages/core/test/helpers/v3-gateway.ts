/**
 * Answers of the BlueKing API gateway v3 and of JOB behind it, shaped as bk-job's v3 documents show
 * them (`fast_execute_script`, `get_job_instance_status`, `batch_get_job_instance_ip_log`,
 * `operate_job_instance`) and as the gateway's own error answers look, for the scripted server.
 */

import type { Action, Recorded } from './scripted-server.js';

/** The v3 call a request is for (`/api/v3/<call>?query` → `<call>`). */
export const v3Call = (path: string): string => path.split('?')[0]?.split('/api/v3/')[1] ?? '';

/** The request's query, for a GET. */
export const queryOf = (req: Recorded): Record<string, string> =>
  Object.fromEntries(new URL(req.path, 'http://x').searchParams);

/** JOB's success envelope through the gateway: no `message`, a `job_request_id`. */
export const v3Ok = (data: unknown) => ({ result: true, code: 0, data, job_request_id: 'jr-0001' });

export const v3Fail = (code: number, message: string) => ({
  result: false,
  code,
  message,
  data: null,
  job_request_id: `jr-${code}`,
});

/** The gateway's own refusal: its status and `{code, code_name, message, result: false, data: null}`. */
export const gatewayError = (status: number, code: number, codeName: string, message: string): Action => ({
  status,
  text: JSON.stringify({ code, data: null, code_name: codeName, message, result: false }),
  headers: { 'content-type': 'application/json' },
});

/** The gateway's (or its nginx's) HTML error page. */
export const htmlPage = (status: number, title: string): Action => ({
  status,
  text: `<html>\r\n<head><title>${status} ${title}</title></head>\r\n<body>\r\n<center><h1>${status} ${title}</h1></center>\r\n<hr><center>openresty</center>\r\n</body>\r\n</html>\r\n`,
});

export interface V3HostSpec {
  bk_host_id?: number;
  ip: string;
  bk_cloud_id?: number;
  status?: number;
  exit_code?: number | null;
  tag?: string;
  log?: string;
}

export const T0 = 1_605_064_271_000;

/** A status answer (`return_ip_result=true`) of job 100, step 75, with these hosts. */
export function v3Status(hosts: V3HostSpec[], jobStatus = 3, finished = true) {
  const times = { create_time: T0, start_time: T0, end_time: T0 + 1_500, total_time: 1_500 };
  return v3Ok({
    finished,
    job_instance: {
      job_instance_id: 100,
      bk_scope_type: 'biz',
      bk_scope_id: '1',
      name: 'rotate',
      status: jobStatus,
      ...times,
    },
    step_instance_list: [
      {
        step_instance_id: 75,
        name: 'rotate',
        status: jobStatus,
        type: 1,
        execute_count: 0,
        ...times,
        step_ip_result_list: hosts.map((h) => ({
          ...(h.bk_host_id === undefined ? {} : { bk_host_id: h.bk_host_id }),
          ip: h.ip,
          bk_cloud_id: h.bk_cloud_id ?? 0,
          status: h.status ?? 9,
          tag: h.tag ?? '',
          exit_code: h.exit_code === undefined ? 0 : h.exit_code,
          error_code: 0,
          start_time: T0,
          end_time: T0 + 1_000,
          total_time: 1_000,
        })),
      },
    ],
  });
}

/** `batch_get_job_instance_ip_log` answering for the hosts the request names (by id, else by ip). */
export function v3Logs(req: Recorded, hosts: V3HostSpec[]) {
  const ids = req.body.host_id_list as number[] | undefined;
  const ips = req.body.ip_list as Array<{ bk_cloud_id: number; ip: string }> | undefined;
  const asked = ids
    ? hosts.filter((h) => h.bk_host_id !== undefined && ids.includes(h.bk_host_id))
    : hosts.filter((h) => ips?.some((t) => t.ip === h.ip && t.bk_cloud_id === (h.bk_cloud_id ?? 0)));
  return v3Ok({
    log_type: 1,
    job_instance_id: req.body.job_instance_id,
    step_instance_id: req.body.step_instance_id,
    script_task_logs: asked.map((h) => ({
      bk_host_id: h.bk_host_id ?? 0,
      ip: h.ip,
      bk_cloud_id: h.bk_cloud_id ?? 0,
      log_content: h.log ?? `[2018-03-15 14:39:30][PID:56875] job_start\n${h.ip} done\n`,
    })),
  });
}

/** A JOB behind the gateway for one job: submit → job 100, status and logs of `hosts`, terminate. */
export function v3Job(hosts: V3HostSpec[], jobStatus = 3): (req: Recorded) => Action {
  return (req) => {
    switch (v3Call(req.path)) {
      case 'fast_execute_script':
        return { json: v3Ok({ job_instance_name: 'rotate', job_instance_id: 100, step_instance_id: 75 }) };
      case 'get_job_instance_status':
        return { json: v3Status(hosts, jobStatus) };
      case 'batch_get_job_instance_ip_log':
        return { json: v3Logs(req, hosts) };
      case 'operate_job_instance':
        return { json: v3Ok({ job_instance_id: 100 }) };
      default:
        return gatewayError(
          404,
          1640401,
          'API_NOT_FOUND',
          `API not found [method="POST" path="${req.path}"]`,
        );
    }
  };
}
