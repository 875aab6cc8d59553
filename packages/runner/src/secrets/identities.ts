import type { Plan } from '../plan/types.js';

/**
 * The run's identity texts: public in the runbook or chosen by the operator, printed for a person
 * to read, search JOB for, or paste. A secret is never masked inside one of them (see `createMask`).
 * `extra` adds what only the command knows: the runbook path as typed, the resume command.
 * Task names are not identities: a `task_name` may hold any var or environment value.
 */
export function planIdentities(plan: Plan, extra: Iterable<string | undefined> = []): string[] {
  const out = new Set<string>([plan.runId, plan.name, plan.runbookPath, plan.git.sha ?? '']);
  for (const s of plan.steps) {
    out.add(s.name);
    for (const h of s.hosts) {
      out.add(h);
      out.add(h.slice(h.indexOf(':') + 1));
    }
  }
  for (const e of extra) if (e) out.add(e);
  out.delete('');
  return [...out];
}
