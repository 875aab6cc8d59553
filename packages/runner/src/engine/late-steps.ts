import { parseOutputs } from '../outputs/parse.js';
import type { ResolveContext } from '../plan/context.js';
import { type LateResult, resolveLate, type StepOutcome, type StepStatus } from '../plan/late.js';
import type { PlannedStep } from '../plan/types.js';
import type { RunRecord } from '../record/types.js';
import { hostSucceeded } from './counts.js';
import type { HostResult } from './events.js';

/** Each host's result with the outputs its log sets (none: no `outputs` key). */
export function withOutputs(hosts: HostResult[]): HostResult[] {
  return hosts.map((h) => {
    if (!h.log.includes('::output') && !h.log.includes('<SOPS_VAR>')) return h;
    const { outputs } = parseOutputs(h.log);
    return Object.keys(outputs).length ? { ...h, outputs } : h;
  });
}

/** How a step that ran ended, for the steps after it. */
export function outcomeOf(
  hosts: ReadonlyArray<Pick<HostResult, 'ip' | 'cloud' | 'status' | 'outputs'>>,
  ok: boolean,
): StepOutcome {
  const outcomes = hosts.map((h) => ({
    key: `${h.cloud}:${h.ip}`,
    ok: hostSucceeded(h.status),
    outputs: h.outputs ?? {},
  }));
  const some = outcomes.some((h) => h.ok);
  const status: StepStatus = ok ? 'succeeded' : some ? 'partial' : 'failed';
  return { status, hosts: outcomes };
}

/**
 * The outcomes a resumed run starts from: the recorded results of the steps it does not run again
 * (succeeded, failed, partial or skipped), with their recorded outputs.
 */
export function outcomesFromRecord(record: RunRecord): Map<string, StepOutcome> {
  const out = new Map<string, StepOutcome>();
  for (const s of record.steps) {
    const state = s.state as string;
    if (state === 'skipped') out.set(s.name, { status: 'skipped', hosts: [] });
    else if (state === 'succeeded' || state === 'failed' || state === 'partial') {
      const hosts = (s.hosts ?? []).filter((h) => !h.invalid);
      out.set(s.name, outcomeOf(hosts, state === 'succeeded'));
    }
  }
  return out;
}

/** The steps whose results some step of the plan reads (what `LateSteps` must keep). */
export function stepsRead(steps: ReadonlyArray<{ late?: ReadonlyArray<{ after: string }> }>): Set<string> {
  const read = new Set<string>();
  for (const s of steps) for (const l of s.late ?? []) read.add(l.after);
  return read;
}

/**
 * The run's memory of what its steps left: each step's late values are resolved from it just before
 * the step runs (plan/late.ts), and each finished or skipped step adds to it.
 */
export class LateSteps {
  readonly outcomes: Map<string, StepOutcome>;
  constructor(
    private readonly context: ResolveContext,
    initial: ReadonlyMap<string, StepOutcome> = new Map(),
    /** `--limit`'s host keys, when given. */
    private readonly limit?: readonly string[],
    /**
     * Masks secret values in what hosts print: an output holding a secret's value is read as `***`
     * by later steps (as a resume reads it from the record), never copied into a script JOB stores.
     */
    private readonly mask: (text: string) => string = (t) => t,
    /**
     * The steps whose results some step reads (the plan's `late` entries); undefined: every step.
     * What the other steps leave is not kept: a step of 50,000 hosts nobody reads costs nothing here.
     */
    private readonly read?: ReadonlySet<string>,
  ) {
    this.outcomes = new Map(initial);
  }

  /** The step this run is deciding or running now: what it leaves replaces any recorded result. */
  private current: string | undefined;
  private readonly ranNow = new Set<string>();

  /** The step as it runs now: resolved, skipped (why) or failed before any submit (why). */
  before(step: PlannedStep): LateResult {
    this.current = step.name;
    return resolveLate(this.context, step, this.outcomes, this.limit);
  }

  /**
   * Keeps what each step left, from the run's events: a finished step's hosts and outputs, a
   * skipped step, a step that failed before any host ran.
   */
  observe(e: { type: string; step?: string; hosts?: unknown; ok?: boolean }): void {
    if (e.step === undefined) return;
    if (e.type === 'step.finished' && Array.isArray(e.hosts)) {
      this.ranNow.add(e.step);
      // What no step reads is not kept.
      if (this.read && !this.read.has(e.step)) {
        this.outcomes.delete(e.step);
        return;
      }
      const masked = (e.hosts as HostResult[]).map((h) =>
        h.outputs
          ? {
              ...h,
              outputs: Object.fromEntries(Object.entries(h.outputs).map(([k, v]) => [k, this.mask(v)])),
            }
          : h,
      );
      this.outcomes.set(e.step, outcomeOf(masked, e.ok === true));
    } else if (this.ranNow.has(e.step)) return;
    else if (e.step !== this.current && this.outcomes.has(e.step))
      return; // a recorded result stays
    else if (e.type === 'step.skipped') this.outcomes.set(e.step, { status: 'skipped', hosts: [] });
    else if (e.type === 'step.error') this.outcomes.set(e.step, { status: 'failed', hosts: [] });
  }
}
