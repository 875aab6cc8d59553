import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import type { Issue, LoadedRunbook } from '@runbook/schema';
import { createContext, type ResolveContext, type ResolveOptions } from './context.js';
import { resolveStep } from './step.js';
import type { Plan, PlannedStep } from './types.js';

export type { ResolveOptions } from './context.js';
export { DEFAULT_TIMEOUT_SEC } from './step.js';

export type ResolveResult =
  | {
      ok: true;
      plan: Plan;
      secretValues: string[];
      warnings: string[];
      /** What the run resolves against: `resolveLate` reads it before a step with late values runs. */
      context: ResolveContext;
    }
  | { ok: false; issues: Issue[] };

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/**
 * Turns a validated runbook into a plan: the exact requests, and what a person needs to read them.
 * Phase 1 of two: what is known before any step runs. Values that read earlier steps' results are
 * marked `late` and resolved by `resolveLate` (late.ts) just before their step runs; `plan` and
 * `apply` both go through `resolveStep` for either phase.
 */
export function resolvePlan(loaded: LoadedRunbook, options: ResolveOptions): ResolveResult {
  const rb = loaded.runbook;
  const ctx = createContext(loaded, options);
  const { issues } = ctx;
  const files: Record<string, string> = { [basename(loaded.path)]: sha256(loaded.text) };
  for (const [f, text] of ctx.scriptFiles) files[f] = sha256(text);
  const steps: PlannedStep[] = [];
  rb.steps.forEach((step, index) => {
    const planned = resolveStep(ctx, step, index);
    if (planned) steps.push(planned);
  });

  // In file order, as validate reports them.
  issues.sort((a, b) => a.line - b.line || a.col - b.col);
  if (issues.length > 0) return { ok: false, issues };
  const warnings: string[] = [];
  for (const name of ctx.missingSecrets) {
    const decl = rb.secrets?.[name];
    warnings.push(
      `secret ${name} is not set (${typeof decl === 'string' ? decl : decl?.env}); apply would stop before sending anything`,
    );
  }
  const contentHash = sha256(
    Object.entries(files)
      .map(([f, h]) => `${f}\0${h}`)
      .join('\n'),
  );
  const plan: Plan = {
    runbookPath: loaded.path,
    name: rb.name,
    ...(rb.description ? { description: rb.description } : {}),
    biz: ctx.jobScope!.id,
    scope: ctx.jobScope!,
    transport: ctx.transport,
    runId: options.runId,
    git: ctx.git,
    contentHash,
    files,
    vars: ctx.scope.vars,
    secretNames: Object.keys(ctx.scope.secrets),
    steps,
  };
  const secretValues = Object.entries(ctx.scope.secrets)
    .filter(([name, v]) => v !== undefined && !ctx.unset.has(name))
    .map(([, v]) => v as string);
  return { ok: true, plan, secretValues, warnings, context: ctx };
}
