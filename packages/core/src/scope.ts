/**
 * JOB's resource scope. JOB 3.x takes `bk_biz_id` alone only while its `bkBizIdCompatible` switch is
 * on; with it off every call needs `bk_scope_type` + `bk_scope_id`. The client sends both forms on
 * every call (JOB 2.x ignores the scope fields), deriving whichever the caller left out.
 */

import type { ScopeType } from './types.js';

/** Business ids in this range are business sets (JOB's convention from before business sets existed). */
export const BIZ_SET_MIN = 8_000_000;
export const BIZ_SET_MAX = 9_999_999;

export interface ScopeInput {
  bk_biz_id?: number;
  bk_scope_type?: ScopeType;
  bk_scope_id?: string;
}

export interface Scope {
  bk_biz_id: number;
  bk_scope_type: ScopeType;
  bk_scope_id: string;
}

const SCOPE_ID = /^[1-9]\d{0,14}$/;

/** The scope type JOB gives a bare business id: `biz_set` for 8000000–9999999, else `biz`. */
export function scopeTypeOf(bizId: number): ScopeType {
  return bizId >= BIZ_SET_MIN && bizId <= BIZ_SET_MAX ? 'biz_set' : 'biz';
}

/** Problems with the scope fields of a request; empty when a full scope can be derived. */
export function checkScope(input: ScopeInput): string[] {
  const issues: string[] = [];
  const r = input as Record<string, unknown>;
  const hasBiz = r.bk_biz_id !== undefined;
  const hasId = r.bk_scope_id !== undefined;
  if (hasBiz && !(Number.isInteger(r.bk_biz_id) && (r.bk_biz_id as number) >= 1)) {
    issues.push(`bk_biz_id must be an integer ≥ 1 (got ${JSON.stringify(r.bk_biz_id)})`);
  }
  if (r.bk_scope_type !== undefined && r.bk_scope_type !== 'biz' && r.bk_scope_type !== 'biz_set') {
    issues.push(`bk_scope_type must be "biz" or "biz_set" (got ${JSON.stringify(r.bk_scope_type)})`);
  }
  const idText = typeof r.bk_scope_id === 'number' ? String(r.bk_scope_id) : r.bk_scope_id;
  if (hasId && (typeof idText !== 'string' || !SCOPE_ID.test(idText))) {
    issues.push(
      `bk_scope_id must be the id of a business or business set, as text (got ${JSON.stringify(r.bk_scope_id)})`,
    );
  }
  if (!hasBiz && !hasId) issues.push('give bk_biz_id or bk_scope_id (with bk_scope_type)');
  if (hasBiz && hasId && String(r.bk_biz_id) !== idText) {
    issues.push(
      `bk_biz_id ${JSON.stringify(r.bk_biz_id)} and bk_scope_id ${JSON.stringify(r.bk_scope_id)} name different scopes`,
    );
  }
  return issues;
}

/** The full scope of a checked request: what was given (a numeric `bk_scope_id` as text), the rest derived. */
export function resolveScope(input: ScopeInput): Scope {
  const bizId = input.bk_biz_id ?? Number(input.bk_scope_id);
  return {
    bk_biz_id: bizId,
    bk_scope_type: input.bk_scope_type ?? scopeTypeOf(bizId),
    bk_scope_id: String(input.bk_scope_id ?? bizId),
  };
}

/** How a scope reads in messages: `business 2`, `business set 9000001`. */
export function scopeText(scope: Pick<Scope, 'bk_scope_type' | 'bk_scope_id'>): string {
  return `${scope.bk_scope_type === 'biz_set' ? 'business set' : 'business'} ${scope.bk_scope_id}`;
}
