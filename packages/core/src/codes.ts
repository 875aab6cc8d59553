/**
 * ESB and JOB failure codes → the client's stable `CORE_*` codes, each with a hint a person can act
 * on. JOB's codes and messages: bk-job `src/backend/commons/common/.../constant/ErrorCode.java` and
 * `common-i18n/.../i18n/exception/message*.properties`.
 */

import type { EsbEnvelope, PermissionInfo } from './types.js';

export interface CodeContext {
  call: string;
  bizId?: number;
  scope?: string;
  jobInstanceId?: number;
}

export interface Mapped {
  code: string;
  hint?: string;
}

/** Running-job quotas: checked before JOB saves anything, so nothing started and a later submit is safe. */
export const QUOTA_CODES: ReadonlySet<number> = new Set([1244032, 1244033, 1244034]);

/**
 * Codes JOB may send for a `fast_execute_script` after it saved (and maybe started) the job: any
 * exception past the save answers 1240002 (the ESB exception advice); 1252001 (DB) and 1255001 (MQ)
 * name failures of what the save and the start go through. Never a refusal.
 */
export const LATE_FAILURE_CODES: ReadonlySet<number> = new Set([1240002, 1252001, 1255001]);

const QUOTA_OF: Record<number, string> = {
  1244032: 'this business (set)',
  1244033: 'this app (bk_app_code)',
  1244034: 'the whole JOB system',
};

const bad = (hint: string): Mapped => ({ code: 'CORE_BAD_REQUEST', hint });

/** Codes whose meaning does not depend on the call or the message. */
const FIXED: Record<number, Mapped> = {
  1306401: { code: 'CORE_AUTH', hint: 'an operator is required: set BK_USERNAME or BK_TOKEN' },
  1306429: {
    code: 'CORE_RATE_LIMITED',
    hint: 'ESB rate limit: run fewer things at once or poll less often, or ask the ESB admin to raise the limit',
  },
  1306201: {
    code: 'CORE_UPSTREAM',
    hint: 'ESB could not reach JOB; try again later or tell the BlueKing admins',
  },
  1306203: {
    code: 'CORE_UPSTREAM',
    hint: 'ESB could not reach JOB; try again later or tell the BlueKing admins',
  },
  1240002: {
    code: 'CORE_JOB_INTERNAL',
    hint: 'JOB failed inside (内部服务异常): try again later, or give the BlueKing admins the request_id',
  },
  1252001: { code: 'CORE_JOB_INTERNAL', hint: "JOB's database is not available: tell the BlueKing admins" },
  1255001: {
    code: 'CORE_JOB_INTERNAL',
    hint: "JOB's message queue is not available: tell the BlueKing admins",
  },
  1244015: { code: 'CORE_ALREADY_TERMINATING', hint: 'the job is already being terminated' },
  1244003: bad('the execution account does not exist in JOB for this business'),
  1243001: bad('no such script_id in this business'),
  1244001: bad('JOB found no hosts for the targets given'),
  1241003: bad('JOB does not support this operation now (e.g. terminating a job that is not running)'),
  1241010: bad('JOB named the parameter and why it refused it in its message: correct that field'),
  1241012: bad('JOB said why it refused a parameter in its message: correct that field'),
  1244014: {
    code: 'CORE_SCRIPT_DISABLED',
    hint: 'the stored script (script_id) is disabled (已禁用) in JOB: use a version that is online, or send the script text instead',
  },
  1244018: {
    code: 'CORE_SCRIPT_NOT_EXECUTABLE',
    hint: "the script version named by script_id is in a state that cannot run (JOB's message names it): put it online (上线) in JOB → 脚本管理, or use another version",
  },
  1244019: {
    code: 'CORE_DANGEROUS_SCRIPT',
    hint: "the script matches one of JOB's dangerous-command rules (高危语句规则, set by JOB's admins): change the script, or ask the admins about the rule",
  },
  1244022: {
    code: 'CORE_TOO_MANY_TARGETS',
    hint: "the step has more target hosts than JOB allows in one script step (50,000 by default; JOB's message gives its limit): split the step",
  },
  1244025: {
    code: 'CORE_JOB_ABANDONED',
    hint: "JOB dropped the job before saving it (任务被丢弃: an eviction policy set by JOB's admins); nothing started: ask the BlueKing admins",
  },
  1243047: {
    code: 'CORE_SCRIPT_NOT_FOUND',
    hint: 'no script version with this script_id in this business: on JOB 3.x script_id is the id of a script version (JOB → 脚本管理)',
  },
  1211003: {
    code: 'CORE_CUSTOM_QUERY',
    hint: "JOB could not read the hosts of a custom query (a CMDB dynamic group, 动态分组): check the custom_query_id exists in this business in CMDB (配置平台); JOB's message gives the id and the reason",
  },
};

/**
 * The hosts JOB's message lists (the last `[…]` of it, as JOB 3.x writes: `无效的2台主机：[0:10.0.0.9,
 * 0:10.0.0.8]`), so that a hint shown alone still names them; undefined when it lists none.
 */
export function refusedHosts(message: string): string[] | undefined {
  const m = /\[([^[\]]*)\][^[\]]*$/.exec(message);
  const hosts = m?.[1]
    ?.split(/[,，]\s*/)
    .map((h) => h.trim())
    .filter((h) => h !== '');
  return hosts && hosts.length > 0 ? hosts : undefined;
}

function badHosts(code: number, message: string, scope: string): Mapped {
  const hosts = refusedHosts(message);
  const named = hosts
    ? `JOB refused ${hosts.length === 1 ? 'this host' : `these ${hosts.length} hosts`}: ${hosts.join(', ')}; `
    : '';
  return bad(
    code === 1244030
      ? `${named}CMDB (配置平台) does not have ${hosts?.length === 1 ? 'it' : 'them'}: check the addresses and host ids of the step`
      : `${named}${hosts?.length === 1 ? 'it is' : 'they are'} not in ${scope} in CMDB (配置平台): remove ${hosts?.length === 1 ? 'it' : 'them'} from the step, or ask JOB's admins to whitelist ${hosts?.length === 1 ? 'it' : 'them'} for runs across businesses (主机白名单)`,
  );
}

function permissionHint(permission: PermissionInfo | undefined): string {
  const actions = (permission?.actions ?? []).map((a) => (a.name ? `${a.id} (${a.name})` : a.id));
  const system = permission?.system_name ?? permission?.system_id ?? 'JOB';
  return actions.length > 0
    ? `the user lacks these permissions of ${system} in BlueKing IAM (权限中心): ${actions.join(', ')}; apply for them and retry`
    : 'the user lacks a permission in BlueKing IAM (权限中心); open JOB in a browser as that user to see which';
}

function authFailure(message: string): Mapped {
  if (/secret|app code|bk_app_code/i.test(message)) {
    return {
      code: 'CORE_AUTH',
      hint: 'ESB did not accept the app code and secret: check BK_APP_CODE and BK_APP_SECRET (开发者中心 → 基本信息)',
    };
  }
  if (/user authentication|bk_token|bk_username/i.test(message)) {
    return {
      code: 'CORE_AUTH',
      hint: 'ESB did not accept the user: set BK_USERNAME (the app must be on the login-exempt whitelist) or a fresh BK_TOKEN',
    };
  }
  return { code: 'CORE_ESB' };
}

/** The `CORE_*` code and hint of a `result: false` envelope. */
export function mapCode(ctx: CodeContext, env: EsbEnvelope<unknown>): Mapped {
  const code = Number(env.code);
  const message = String(env.message ?? '');
  const scope = ctx.scope ?? `business ${ctx.bizId ?? '?'}`;
  if (QUOTA_CODES.has(code)) {
    return {
      code: 'CORE_QUOTA',
      hint: `JOB is running as many jobs as it allows for ${QUOTA_OF[code]}; nothing was started: submit again once running jobs have ended`,
    };
  }
  const fixed = FIXED[code];
  if (fixed) return fixed;
  if (code === 1244002 || code === 1244030) return badHosts(code, message, scope);
  switch (code) {
    case 1306000:
      return authFailure(message);
    case 1306403:
      return {
        code: 'CORE_PERMISSION',
        hint: `the app may not call ${ctx.call}: grant it the JOB component's API permission in ESB (开发者中心 → 云 API 权限)`,
      };
    case 9900403:
      return { code: 'CORE_PERMISSION', hint: permissionHint(env.permission) };
    case 1306404:
      return ctx.call === 'operate_job_instance'
        ? {
            code: 'CORE_NOT_SUPPORTED',
            hint: 'this server cannot terminate jobs (its ESB has no operate_job_instance, as on JOB 2.x): stop the job in the JOB web UI',
          }
        : { code: 'CORE_NOT_SUPPORTED', hint: `ESB has no ${ctx.call} component: check the base URL` };
    case 1244006:
      return {
        code: 'CORE_JOB_NOT_FOUND',
        hint: `no job instance ${ctx.jobInstanceId ?? '?'} in ${scope}: check both ids (a job belongs to the business it was started in)`,
      };
    case 1241008:
    case 1243049:
      return bad(`${scope} does not exist or the user cannot see it`);
    case 1240003:
    case 1241001:
    case 1306406:
    case 1241004:
    case 1241005:
    case 1241007:
      return /scope|资源范围/i.test(message)
        ? bad(
            `JOB did not accept the scope (bk_scope_type/bk_scope_id of ${scope}): check that it exists and its type (ids 8000000–9999999 are business sets)`,
          )
        : bad('the server rejected a request field named in its message (JOB 3.x also requires account)');
    default:
      return { code: 'CORE_ESB' };
  }
}
