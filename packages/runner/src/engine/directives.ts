import { didYouMean, shortWord } from '../cli/suggest.js';
import { RunnerError } from '../errors.js';
import type { Plan } from '../plan/types.js';
import type { RunRecord } from '../record/types.js';
import type { StepDirective } from './execute.js';

function unknownStep(plan: Plan, flag: string, name: string): RunnerError {
  const names = plan.steps.map((s) => s.name);
  const near = didYouMean(name, names, (n) => `${flag} ${n}`);
  return new RunnerError(
    'RUNNER_UNKNOWN_STEP',
    `${flag} ${shortWord(name)}: no such step${near ? `${near} The` : '; the'} steps are ${names.join(', ')}`,
    2,
  );
}

/** Directives for `--only NAME…` and `--from-step NAME`: every other step is skipped, saying why. */
export function selectSteps(
  plan: Plan,
  only: string[] | undefined,
  fromStep: string | undefined,
): Record<string, StepDirective> {
  const names = new Set(plan.steps.map((s) => s.name));
  for (const n of only ?? []) if (!names.has(n)) throw unknownStep(plan, '--only', n);
  if (fromStep !== undefined && !names.has(fromStep)) throw unknownStep(plan, '--from-step', fromStep);
  const out: Record<string, StepDirective> = {};
  const fromIndex = fromStep === undefined ? 0 : plan.steps.findIndex((s) => s.name === fromStep);
  for (const [i, s] of plan.steps.entries()) {
    if (i < fromIndex) out[s.name] = { action: 'skip', reason: `before --from-step ${fromStep}` };
    else if (only && only.length > 0 && !only.includes(s.name))
      out[s.name] = { action: 'skip', reason: 'not selected by --only' };
  }
  return out;
}

/** What changed between the run's record and the plan made now; empty when nothing did. */
export function planChanges(record: RunRecord, plan: Plan): string[] {
  const changes: string[] = [];
  const before = record.runbook.files;
  for (const [f, h] of Object.entries(plan.files)) {
    if (before[f] === undefined) changes.push(`${f} is new to the runbook`);
    else if (before[f] !== h) changes.push(`${f} changed`);
  }
  for (const f of Object.keys(before))
    if (plan.files[f] === undefined) changes.push(`${f} is no longer used`);
  for (const [k, v] of Object.entries(plan.vars)) {
    if (!Object.hasOwn(record.vars, k)) changes.push(`var ${k} is new`);
    else if (record.vars[k] !== v)
      changes.push(`var ${k} was ${JSON.stringify(record.vars[k])}, now ${JSON.stringify(v)}`);
  }
  const recorded = new Map(record.steps.map((s) => [s.name, s]));
  for (const s of plan.steps) {
    const r = recorded.get(s.name);
    if (!r) {
      changes.push(`step ${s.name} is new`);
      continue;
    }
    const fields = Object.keys(s.fingerprint).filter((k) => r.fingerprint[k] !== s.fingerprint[k]);
    if (fields.length) changes.push(`step ${s.name}: ${fields.join(', ')} changed`);
  }
  for (const r of record.steps)
    if (!plan.steps.some((s) => s.name === r.name)) changes.push(`step ${r.name} was removed`);
  const order = (xs: Array<{ name: string }>) => xs.map((x) => x.name).join(',');
  if (changes.length === 0 && order(record.steps) !== order(plan.steps))
    changes.push('the order of the steps changed');
  return changes;
}

/**
 * Directives that continue a recorded run: succeeded steps are skipped, a job that was still running
 * is followed again (never resubmitted), and a submit whose answer was lost is asked about.
 * `sameServer` is false when the jobs of the record cannot be reached (the embedded emulator is gone).
 */
export function resumeDirectives(record: RunRecord, sameServer: boolean): Record<string, StepDirective> {
  const out: Record<string, StepDirective> = {};
  for (const s of record.steps) {
    if (s.state === 'succeeded') {
      out[s.name] = { action: 'skip', reason: `succeeded in run ${record.runId}` };
    } else if ((s.state === 'running' || s.state === 'detached') && s.jobInstanceId !== undefined) {
      out[s.name] = sameServer
        ? {
            action: 'reattach',
            jobInstanceId: s.jobInstanceId,
            ...(s.jobInstanceName ? { jobInstanceName: s.jobInstanceName } : {}),
          }
        : {
            action: 'ask',
            reason: `Step ${s.name} was running as job ${s.jobInstanceId} in the embedded emulator of the earlier run, which stopped with it; its outcome is unknown.`,
          };
    } else if (s.state === 'submitting' || s.state === 'may-have-started') {
      out[s.name] = {
        action: 'ask',
        reason: `Step ${s.name} was being submitted when the earlier run stopped, and JOB's answer never came: a job "${s.request.taskName}" may have started. Check JOB first.`,
      };
    }
  }
  return out;
}
