import { impliedScopeType, type Runbook, type ScopeType } from '@runbook/schema';

/** The JOB resource scope every call of a run is about. */
export interface PlanScope {
  type: ScopeType;
  id: number;
}

/** Renders an expression-bearing value at a pointer; undefined when it could not be (a problem was reported). */
type RenderAt = (text: string, pointer: string) => { value: string } | undefined;

/**
 * The scope of a runbook: `scope: {type, id}` as written, or `biz: N`, which JOB reads as a business
 * set when N is in 8000000–9999999 and as a business otherwise. Undefined when the id does not resolve
 * to a positive integer (reported through `problem`).
 */
export function resolveScope(
  rb: Pick<Runbook, 'biz' | 'scope'>,
  render: RenderAt,
  problem: (pointer: string, message: string) => void,
): PlanScope | undefined {
  const pointer = rb.scope ? '/scope/id' : '/biz';
  const key = rb.scope ? 'scope.id' : 'biz';
  const text = render(String(rb.scope ? rb.scope.id : rb.biz), pointer);
  if (!text) return undefined;
  const id = Number(text.value);
  if (!(Number.isSafeInteger(id) && id >= 1 && /^\s*\d+\s*$/.test(text.value))) {
    problem(pointer, `${key} must be a positive integer, got "${text.value}"`);
    return undefined;
  }
  return { type: rb.scope ? rb.scope.type : impliedScopeType(id), id };
}

/** The scope fields of every request: `bk_biz_id` for JOB 2.x, `bk_scope_type` + `bk_scope_id` for JOB 3.x. */
export function scopeFields(scope: PlanScope): {
  bk_biz_id: number;
  bk_scope_type: ScopeType;
  bk_scope_id: string;
} {
  return { bk_biz_id: scope.id, bk_scope_type: scope.type, bk_scope_id: String(scope.id) };
}

/**
 * A fingerprint of the scope that stays what it was before scopes existed when the scope is the one
 * `bk_biz_id` alone implies, so that runs recorded then still resume.
 */
export function scopeFingerprint(scope: PlanScope): string {
  return scope.type === impliedScopeType(scope.id) ? String(scope.id) : `${scope.type}:${scope.id}`;
}
