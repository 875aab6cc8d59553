import type { CallHandler } from './context.js';
import { fastExecuteScript } from './fast-execute-script.js';
import { getJobInstanceLog } from './get-job-instance-log.js';
import { getJobInstanceStatus } from './get-job-instance-status.js';
import { operateJobInstance } from './operate-job-instance.js';

/** The JOB v2 calls the emulator serves, by ESB component name. */
export const CALLS: Record<string, CallHandler> = {
  fast_execute_script: fastExecuteScript,
  get_job_instance_status: getJobInstanceStatus,
  get_job_instance_log: getJobInstanceLog,
  operate_job_instance: operateJobInstance,
};

/** Calls ESB also serves with GET and a query string. */
export const GET_CALLS = new Set(['get_job_instance_status', 'get_job_instance_log']);
