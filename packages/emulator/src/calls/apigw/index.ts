import type { CallHandler } from '../context.js';
import { submitChecked } from '../fast-execute-script.js';
import { operateV3 } from '../operate-job-instance.js';
import { batchGetJobInstanceIpLog, getJobInstanceIpLog } from './logs-apigw.js';
import { getJobInstanceStatusApigw } from './status-apigw.js';
import { checkSubmitApigw } from './submit-apigw.js';

/** v3 `fast_execute_script`: `checkSubmitApigw`, then the flow both transports share. */
const fastExecuteScriptApigw: CallHandler = (body, who, ctx, meta) => {
  const checked = checkSubmitApigw(body, ctx);
  if (!checked.ok) return checked.result;
  const { submit, startTask } = checked.value;
  return submitChecked(body, submit, who, ctx, meta, { transport: 'v3', startTask });
};

export interface ApigwRoute {
  /** The one method the gateway publishes the resource with. */
  method: 'GET' | 'POST';
  handler: CallHandler;
}

/**
 * The API gateway v3 resources the emulator serves (JOB's `support-files/bk-api-gateway/v3/resources.yaml`),
 * by name under `/api/v3/`. GET calls read the query string, POST calls a JSON body.
 */
export const APIGW_ROUTES: Record<string, ApigwRoute> = {
  fast_execute_script: { method: 'POST', handler: fastExecuteScriptApigw },
  get_job_instance_status: { method: 'GET', handler: getJobInstanceStatusApigw },
  get_job_instance_ip_log: { method: 'GET', handler: getJobInstanceIpLog },
  batch_get_job_instance_ip_log: { method: 'POST', handler: batchGetJobInstanceIpLog },
  operate_job_instance: { method: 'POST', handler: (body, _who, ctx) => operateV3(body, ctx) },
};
