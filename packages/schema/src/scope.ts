/**
 * Which JOB resource scope a runbook runs in: a business (`biz`) or a business set (`biz_set`). JOB 3.x
 * takes `bk_scope_type` + `bk_scope_id`; `bk_biz_id` alone is read as a business set when it lies in
 * 8000000–9999999, the range JOB reserved for business sets before they moved to CMDB.
 */
export type ScopeType = 'biz' | 'biz_set';

export const SCOPE_TYPES: readonly ScopeType[] = ['biz', 'biz_set'];

/** The ids that `bk_biz_id` alone names as business sets. */
export const BIZ_SET_ID_MIN = 8_000_000;
export const BIZ_SET_ID_MAX = 9_999_999;

/** The scope JOB reads from `bk_biz_id` alone: a business set in 8000000–9999999, else a business. */
export function impliedScopeType(bizId: number): ScopeType {
  return bizId >= BIZ_SET_ID_MIN && bizId <= BIZ_SET_ID_MAX ? 'biz_set' : 'biz';
}
