import { scanTemplate } from '@runbook/schema';

/**
 * Names of the vars that texts refer to (`${{ vars.NAME }}`), sorted, each once. Fed with everything
 * a step reads (its own fields, its script file, the defaults and groups it may draw on), so it may
 * name a var the step does not end up using, never the other way round.
 */
export function varsUsedBy(texts: Array<string | undefined>): string[] {
  const names = new Set<string>();
  for (const text of texts) {
    if (!text) continue;
    for (const part of scanTemplate(text))
      if (part.kind === 'ref' && part.namespace === 'vars') names.add(part.name);
  }
  return [...names].sort();
}
