import { userMay } from '../http/auth.js';
import type { EmulatorConfig } from '../types.js';
import type { Target } from './targets.js';

/** The `permission` block of a 9900403 answer: the actions the user lacks, with their resources. */
export function permissionBlock(
  config: EmulatorConfig,
  username: string,
  targets: Target[],
  account: string,
): Record<string, unknown> {
  const actions: Array<Record<string, unknown>> = [
    {
      id: 'quick_execute_script',
      name: '快速执行脚本',
      related_resource_types: [
        {
          system_id: 'bk_cmdb',
          system_name: '配置平台',
          type: 'host',
          type_name: '主机',
          instances: targets
            .slice(0, 100)
            .map((t) => [{ id: t.ip, type: 'host', type_name: '主机', name: t.ip }]),
        },
      ],
    },
  ];
  if (!userMay(config, username, 'use_account')) {
    actions.push({
      id: 'use_account',
      name: '使用账号',
      related_resource_types: [
        {
          system_id: 'bk_job',
          system_name: '作业平台',
          type: 'account',
          type_name: '账号',
          instances: [[{ id: account, type: 'account', type_name: '账号', name: account }]],
        },
      ],
    });
  }
  return { system_id: 'bk_job', system_name: '作业平台', actions };
}
