import type { Issue } from '@runbook/schema';
import { agreedOutput, type HostOutcome, selectHosts } from '../outputs/agree.js';
import type { ResolveContext } from './context.js';
import type { FromStep } from './hosts.js';
import { limitStep } from './limit.js';
import { resolveStep } from './step.js';
import type { StepsLookup } from './template.js';
import type { PlannedStep } from './types.js';

/** How a step ended, as later steps read it (`steps.NAME.status`). */
export type StepStatus = 'succeeded' | 'failed' | 'partial' | 'skipped';

/** What a step left for the steps after it: its status and each host's result and outputs. */
export interface StepOutcome {
  status: StepStatus;
  hosts: HostOutcome[];
}

/** The outcomes of the steps that ran (or were skipped) so far in this run, by step name. */
export type StepOutcomes = ReadonlyMap<string, StepOutcome>;

/** `steps.NAME.*` over the outcomes so far; `undefined` for a step with no outcome yet. */
export function stepsLookup(outcomes: StepOutcomes): StepsLookup {
  return (ref) => {
    const o = outcomes.get(ref.step);
    if (!o) return undefined;
    switch (ref.prop) {
      case 'status':
        return { ok: true, value: o.status };
      case 'hosts_ok':
        return { ok: true, value: o.hosts.filter((h) => h.ok).length };
      case 'hosts_failed':
        return { ok: true, value: o.hosts.filter((h) => !h.ok).length };
      case 'outputs':
        if (o.status === 'skipped') return { ok: false, why: `step ${ref.step} was skipped` };
        return agreedOutput(ref.step, o.hosts, ref.key);
    }
  };
}

/** `{ from_step }` entries over the outcomes so far: a skipped step has no hosts. */
export function fromStepHosts(outcomes: StepOutcomes): FromStep {
  return (entry) => {
    const o = outcomes.get(entry.from_step);
    return o ? selectHosts(o.hosts, entry.status, entry.output) : undefined;
  };
}

export type LateResult =
  | { kind: 'run'; step: PlannedStep }
  | { kind: 'skip'; reason: string }
  | { kind: 'fail'; issues: Issue[]; message: string };

/**
 * Phase 2: a step just before it runs, with what the steps before it left. A step with nothing late
 * is the planned one. Otherwise it is resolved again by the same code as at plan time, now knowing
 * those steps: skipped when `when:` is false or its `{ from_step }` hosts are none; failed (before any
 * submit) when a value cannot be known, such as an output the hosts disagree on.
 */
export function resolveLate(
  ctx: ResolveContext,
  planned: PlannedStep,
  outcomes: StepOutcomes,
  /** `--limit`'s host keys: late hosts are narrowed to them as the plan's were. */
  limit?: readonly string[],
): LateResult {
  if (planned.skipReason) return { kind: 'skip', reason: planned.skipReason };
  if (!planned.late?.length) return { kind: 'run', step: planned };
  const child: ResolveContext = {
    ...ctx,
    scope: { ...ctx.scope, steps: stepsLookup(outcomes) },
    issues: [],
    missingSecrets: new Set(),
  };
  const step = ctx.loaded.runbook.steps[planned.index]!;
  const resolved = resolveStep(child, step, planned.index, fromStepHosts(outcomes));
  if (!resolved || child.issues.length) {
    const issues = child.issues;
    const message = issues.map((i) => `${i.file}:${i.line}:${i.col}: ${i.message}`).join('\n');
    return { kind: 'fail', issues, message: message || `step ${planned.name} could not be resolved` };
  }
  if (resolved.late?.length) {
    const waiting = resolved.late.map((l) => l.after).join(', ');
    const message = `step ${planned.name} reads ${waiting}, which has no result in this run`;
    return { kind: 'fail', issues: [], message };
  }
  if (resolved.skipReason) return { kind: 'skip', reason: resolved.skipReason };
  const limited = limit ? limitStep(resolved, limit) : resolved;
  if (limited.skipReason) return { kind: 'skip', reason: limited.skipReason };
  // The plan's fingerprint stays: it is what a resume compares, and it was made before any result.
  return { kind: 'run', step: { ...limited, fingerprint: planned.fingerprint, late: planned.late } };
}
