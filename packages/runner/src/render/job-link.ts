/**
 * Links to JOB's own page for a job, so a person can open what the runner started. The route is the
 * one JOB's web UI uses for a fast execution (快速执行详情): `/{scope type}/{scope id}/execute/
 * quick-launch/{job instance id}` under the web UI's address (bk-job `src/frontend`: the scoped
 * routes of `router/index.js` and `views/executive-history/routes.js`).
 */

import { impliedScopeType } from '@runbook/schema';

export interface JobScope {
  type: 'biz' | 'biz_set';
  id: number | string;
}

/** The page of one job instance in JOB's web UI at `base` (BK_JOB_WEB_URL). */
export function jobWebUrl(base: string, scope: JobScope, jobInstanceId: number): string {
  const root = base.trim().replace(/\/+$/, '');
  return `${root}/${scope.type}/${encodeURIComponent(String(scope.id))}/execute/quick-launch/${jobInstanceId}`;
}

/** The scope JOB implies for a bare business id (a record's `biz`): a business set for 8000000–9999999. */
export function impliedJobScope(biz: number): JobScope {
  return { type: impliedScopeType(biz), id: biz };
}

/**
 * The link maker of a run, from `BK_JOB_WEB_URL`: undefined when it is unset or not an http(s)
 * address (nothing is linked then).
 */
export function jobLinker(
  env: NodeJS.ProcessEnv,
  scope: JobScope,
): ((jobInstanceId: number) => string) | undefined {
  const base = env.BK_JOB_WEB_URL?.trim();
  if (!base || !/^https?:\/\/[^\s/]+/i.test(base)) return undefined;
  return (id) => jobWebUrl(base, scope, id);
}
