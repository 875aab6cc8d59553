import { EmulatorOptionsError } from './errors.js';
import { createRng, type Rng } from './rng.js';
import type { FaultKind, FaultRule } from './types.js';

const KINDS: FaultKind[] = ['latency', 'http5xx', 'reset', 'rate_limit', 'slow_body', 'drop_after_create'];

/** Checks fault rules (from options or the admin endpoint); throws `EmulatorOptionsError`. */
export function checkFaultRules(v: unknown): FaultRule[] {
  if (!Array.isArray(v)) throw new EmulatorOptionsError('faults must be a JSON array of rules');
  return v.map((r, i) => {
    if (typeof r !== 'object' || r === null) throw new EmulatorOptionsError(`faults[${i}] must be an object`);
    const o = r as Record<string, unknown>;
    if (!KINDS.includes(o.kind as FaultKind))
      throw new EmulatorOptionsError(`faults[${i}].kind must be one of ${KINDS.join(', ')}`);
    if (o.call !== undefined && typeof o.call !== 'string')
      throw new EmulatorOptionsError(`faults[${i}].call must be a call name or '*'`);
    const num = (k: string, ok: (n: number) => boolean) => {
      if (o[k] !== undefined && !(typeof o[k] === 'number' && ok(o[k] as number)))
        throw new EmulatorOptionsError(`faults[${i}].${k} is out of range`);
    };
    num('probability', (n) => n >= 0 && n <= 1);
    num('times', (n) => Number.isInteger(n) && n >= 0);
    num('ms', (n) => n >= 0 && n <= 600_000);
    num('status', (n) => Number.isInteger(n) && n >= 500 && n <= 599);
    return o as unknown as FaultRule;
  });
}

/** What to do to one request. */
export interface FaultDecision {
  /** Delay before handling (sum of firing latency rules). */
  delayMs: number;
  /** The first firing rule of another kind, if any. */
  rule?: FaultRule;
}

/** Seeded fault injection; rules can be replaced at run time. */
export class Faults {
  private rules: Array<{ rule: FaultRule; left: number }> = [];
  private readonly rng: Rng;
  constructor(seed: number, rules: FaultRule[] = []) {
    this.rng = createRng(seed ^ 0x5bd1e995);
    this.set(rules);
  }

  set(rules: FaultRule[]): void {
    this.rules = checkFaultRules(rules).map((rule) => ({
      rule,
      left: rule.times ?? Number.POSITIVE_INFINITY,
    }));
  }

  /** Draws the faults for one request to `call`. */
  decide(call: string): FaultDecision {
    const out: FaultDecision = { delayMs: 0 };
    for (const r of this.rules) {
      const { rule } = r;
      if (rule.call !== undefined && rule.call !== '*' && rule.call !== call) continue;
      if (rule.kind === 'drop_after_create' && call !== 'fast_execute_script') continue;
      if (r.left <= 0) continue;
      if (out.rule && rule.kind !== 'latency') continue;
      if (this.rng() >= (rule.probability ?? 1)) continue;
      r.left--;
      if (rule.kind === 'latency') out.delayMs += rule.ms ?? 1000;
      else out.rule = rule;
    }
    return out;
  }
}
