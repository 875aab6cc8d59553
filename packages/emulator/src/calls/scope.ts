import { failure } from '../http/envelope.js';
import type { Job } from '../state/jobs.js';
import type { ScopeType } from '../types.js';
import type { CallContext, RequestMeta } from './context.js';
import {
  bareBadRequest,
  type Check,
  checkBizId,
  checkJobInstanceId,
  isAbsent,
  jobNotFound,
  pass,
  reject,
  toInt,
  validationFailure,
} from './validate.js';

/** The business (or business set) a call acts in. */
export interface Scope {
  type: ScopeType;
  id: number;
}

/** JOB 3.x keeps 8000000–9999999 for business sets: `bk_biz_id` in that range is a set. */
export const BIZ_SET_MIN = 8_000_000;
export const BIZ_SET_MAX = 9_999_999;
export const isBizSetId = (id: number) => id >= BIZ_SET_MIN && id <= BIZ_SET_MAX;

/** JOB 3.x's messages for a bad scope (1240003, the bean validation message alone). */
const BAD_SCOPE_TYPE = '非法的资源范围类型';
const BAD_SCOPE_ID = '非法的资源范围 ID';
const BAD_BIZ_ID = '非法的业务 ID';
const SCOPE_NOT_FOUND = failure(1243049, '业务/业务集不存在或已被归档');

/** Field values JSON binding would refuse (JOB 3.x answers these with a bare 1240003). */
const unbindable = (v: unknown) => !isAbsent(v) && typeof v !== 'string' && typeof v !== 'number';

/**
 * The scope of a call. JOB 2.x: `bk_biz_id` as before. JOB 3.x: `bk_scope_type` + `bk_scope_id`,
 * or `bk_biz_id` alone while `bkBizIdCompatible` is on (ids 8000000–9999999 are business sets);
 * when scope fields are given they win over `bk_biz_id`.
 */
export function resolveScope(body: Record<string, unknown>, ctx: CallContext): Check<Scope> {
  if (ctx.gen === 2) {
    const biz = checkBizId(body, ctx.config);
    return biz.ok ? pass({ type: 'biz', id: biz.value }) : biz;
  }
  const { bk_biz_id: biz, bk_scope_type: type, bk_scope_id: id } = body;
  if ((!isAbsent(biz) && toInt(biz) === undefined) || unbindable(type) || unbindable(id))
    return reject(bareBadRequest());
  const typeOk = type === 'biz' || type === 'biz_set';
  const idText = isAbsent(id) ? '' : String(id).trim();
  const scopeGiven = !isAbsent(type) || !isAbsent(id);
  if (isAbsent(biz) || scopeGiven || !ctx.bizIdCompatible) {
    if (isAbsent(biz) && !typeOk) return reject(validationFailure(BAD_SCOPE_TYPE));
    if (!isAbsent(type) && !typeOk) return reject(validationFailure(BAD_SCOPE_TYPE));
    if (!idText) return reject(validationFailure(BAD_SCOPE_ID));
    if (!typeOk) return reject(validationFailure(BAD_SCOPE_TYPE));
    return lookup(type as ScopeType, idText, ctx);
  }
  const n = toInt(biz)!;
  if (n < 1) return reject(validationFailure(BAD_BIZ_ID));
  return lookup(isBizSetId(n) ? 'biz_set' : 'biz', String(n), ctx);
}

/**
 * The scope must exist: a configured business or set of that type. A configured id is a set when
 * its `type` says so, else when it lies in the set range (JOB decides by the scope type, not the id).
 */
function lookup(type: ScopeType, idText: string, ctx: CallContext): Check<Scope> {
  if (!/^[1-9]\d{0,14}$/.test(idText)) return reject(SCOPE_NOT_FOUND);
  const id = Number(idText);
  const businesses = ctx.config.businesses;
  if (businesses) {
    if (!Object.hasOwn(businesses, idText)) return reject(SCOPE_NOT_FOUND);
    const configured = businesses[idText]?.type ?? (isBizSetId(id) ? 'biz_set' : 'biz');
    if (type !== configured) return reject(SCOPE_NOT_FOUND);
  }
  return pass({ type, id });
}

/** The job a read call (or terminate) names: scope and id checked, then looked up (1244006 when unknown). */
export function findJob(body: Record<string, unknown>, ctx: CallContext, meta: RequestMeta): Check<Job> {
  const scope = resolveScope(body, ctx);
  if (!scope.ok) return scope;
  const id = checkJobInstanceId(body, ctx, meta);
  if (!id.ok) return id;
  const job = ctx.store.get(id.value, scope.value);
  return job ? pass(job) : reject(jobNotFound());
}
