import { type Expr, parseExpression, refsOf, scanTemplate } from '@runbook/schema';

function addVars(expr: Expr, names: Set<string>): void {
  for (const node of refsOf(expr)) if (node.ref.ns === 'vars') names.add(node.ref.name);
}

/**
 * Names of the vars that texts read, sorted, each once: `${{ vars.NAME }}` and any expression
 * written in `${{ }}`; `expressions` are bare expressions (a step's `when:`). Fed with everything a
 * step reads (its own fields, its script file, the defaults and groups it may draw on), so it may
 * name a var the step does not end up using, never the other way round.
 */
export function varsUsedBy(texts: Array<string | undefined>, expressions: unknown[] = []): string[] {
  const names = new Set<string>();
  for (const text of texts) {
    if (!text) continue;
    for (const part of scanTemplate(text)) {
      if (part.kind === 'ref' && part.namespace === 'vars') names.add(part.name);
      else if (part.kind === 'expr') addVars(part.expr, names);
    }
  }
  for (const e of expressions) {
    if (typeof e !== 'string') continue;
    const parsed = parseExpression(e.replace(/^\s*\$\{\{([\s\S]*)\}\}\s*$/, '$1'));
    if (parsed.ok) addVars(parsed.expr, names);
  }
  return [...names].sort();
}
