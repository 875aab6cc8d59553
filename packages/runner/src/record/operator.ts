import { userInfo } from 'node:os';

/**
 * Who runs the runbook, for the record and its report: `BK_USERNAME` (the JOB user the calls are made
 * as), else the local user name. Undefined when neither is known (no such user: a container's uid).
 */
export function operatorOf(
  env: Record<string, string | undefined>,
  localUser: () => string = () => userInfo().username,
): string | undefined {
  const named = env.BK_USERNAME?.trim();
  if (named) return named;
  try {
    return localUser() || undefined;
  } catch {
    return undefined;
  }
}

/** `BK_JOB_WEB_URL` without trailing slashes: the JOB web page links start from it; undefined when unset. */
export function jobWebUrlOf(env: Record<string, string | undefined>): string | undefined {
  const url = env.BK_JOB_WEB_URL?.trim().replace(/\/+$/, '');
  return url ? url : undefined;
}
