import { createHash } from 'node:crypto';
import { encodeBase64, type IpTarget, type ScriptType } from '@runbook/core';
import type { LoadedRunbook } from '@runbook/schema';
import type { Plan, PlannedStep } from './types.js';

const SCRIPT_TYPES: Record<string, ScriptType> = { shell: 1, bat: 2, perl: 3, python: 4, powershell: 5 };

/** Turns a validated runbook into a plan. */
export function resolvePlan(loaded: LoadedRunbook): Plan {
  const rb = loaded.runbook;
  const biz = Number(rb.biz);
  const steps: PlannedStep[] = rb.steps.map((step) => {
    const script = step.script ?? '';
    const seen = new Set<string>();
    const ipList: IpTarget[] = [];
    for (const entry of step.hosts ?? []) {
      const target =
        typeof entry === 'string'
          ? entry.includes(':')
            ? { bk_cloud_id: Number(entry.split(':')[0]), ip: entry.split(':')[1]! }
            : { bk_cloud_id: rb.defaults?.cloud ?? 0, ip: entry }
          : { bk_cloud_id: entry.cloud ?? rb.defaults?.cloud ?? 0, ip: entry.ip };
      const key = `${target.bk_cloud_id}:${target.ip}`;
      if (!seen.has(key)) {
        seen.add(key);
        ipList.push(target);
      }
    }
    const account = step.account ?? rb.defaults?.account ?? '';
    const type = step.type ?? rb.defaults?.type ?? 'shell';
    return {
      name: step.name,
      request: {
        bk_biz_id: biz,
        task_name: step.task_name ?? `${rb.name}/${step.name}`,
        script_content: encodeBase64(script),
        ...(step.params !== undefined ? { script_param: encodeBase64(step.params) } : {}),
        script_timeout: Number(step.timeout ?? rb.defaults?.timeout ?? 1000),
        account,
        is_param_sensitive: step.sensitive ? 1 : 0,
        script_type: SCRIPT_TYPES[type] ?? 1,
        ip_list: ipList,
      },
      script,
      scriptSha256: createHash('sha256').update(script, 'utf8').digest('hex'),
      hostCount: ipList.length,
      onFailure: step.on_failure ?? rb.defaults?.on_failure ?? 'abort',
      ...(step.confirm !== undefined ? { confirm: step.confirm } : {}),
    };
  });
  return { runbookPath: loaded.path, name: rb.name, biz, steps };
}
