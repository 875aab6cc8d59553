import { EmulatorOptionsError } from './errors.js';
import { createRng, type Rng } from './rng.js';
import type { FaultKind, FaultRule, Transport } from './types.js';

const KINDS: FaultKind[] = [
  'latency',
  'http5xx',
  'reset',
  'rate_limit',
  'slow_body',
  'drop_after_create',
  'late_failure',
  'quota',
  'contradict',
  'hostile_hosts',
  'gateway_error',
  'gateway_html',
  'callback_lost',
  'callback_late',
  'callback_duplicate',
];

/** Kinds that act on JOB's callbacks (the pseudo-call `callback`), and only those act there. */
const CALLBACK_KINDS = new Set<FaultKind>(['callback_lost', 'callback_late', 'callback_duplicate']);

/** Kinds that only make sense for some calls; a rule of such a kind never fires for the others. */
const ONLY_FOR: Partial<Record<FaultKind, readonly string[]>> = {
  drop_after_create: ['fast_execute_script'],
  late_failure: ['fast_execute_script'],
  quota: ['fast_execute_script'],
  contradict: ['get_job_instance_status'],
  callback_lost: ['callback'],
  callback_late: ['callback'],
  callback_duplicate: ['callback'],
  hostile_hosts: [
    'get_job_instance_status',
    'get_job_instance_log',
    'batch_get_job_instance_ip_log',
    'get_job_instance_ip_log',
  ],
};

/** Kinds that only exist on one transport: the API gateway's own JSON errors are v3's. */
const ONLY_ON: Partial<Record<FaultKind, Transport>> = { gateway_error: 'v3' };

/** HTTP statuses a rule of these kinds may answer. */
const STATUSES: Partial<Record<FaultKind, (n: number) => boolean>> = {
  http5xx: (n) => n >= 500 && n <= 599,
  gateway_error: (n) => [401, 403, 404, 413, 429, 500, 502, 503, 504].includes(n),
  gateway_html: (n) => n >= 400 && n <= 599,
};

const QUOTA_CODES = [1244032, 1244033, 1244034];

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
    if (o.transport !== undefined && o.transport !== 'v2' && o.transport !== 'v3')
      throw new EmulatorOptionsError(`faults[${i}].transport must be 'v2' or 'v3'`);
    const num = (k: string, ok: (n: number) => boolean) => {
      if (o[k] !== undefined && !(typeof o[k] === 'number' && ok(o[k] as number)))
        throw new EmulatorOptionsError(`faults[${i}].${k} is out of range`);
    };
    num('probability', (n) => n >= 0 && n <= 1);
    num('times', (n) => Number.isInteger(n) && n >= 0);
    num('ms', (n) => n >= 0 && n <= 600_000);
    const statusOk = STATUSES[o.kind as FaultKind] ?? STATUSES.http5xx!;
    num('status', (n) => Number.isInteger(n) && statusOk(n));
    num('code', (n) => QUOTA_CODES.includes(n));
    if (o.started !== undefined && typeof o.started !== 'boolean')
      throw new EmulatorOptionsError(`faults[${i}].started must be true or false`);
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

/** Seeded fault injection; rules can be replaced at run time; injections are counted by kind. */
export class Faults {
  private rules: Array<{ rule: FaultRule; left: number }> = [];
  private readonly rng: Rng;
  private readonly injected = new Map<string, number>();
  private total = 0;
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

  /** Draws the faults for one request to `call` on `transport`. */
  decide(call: string, transport: Transport = 'v2'): FaultDecision {
    const out: FaultDecision = { delayMs: 0 };
    for (const r of this.rules) {
      const { rule } = r;
      if (rule.call !== undefined && rule.call !== '*' && rule.call !== call) continue;
      if (rule.transport !== undefined && rule.transport !== transport) continue;
      if (ONLY_FOR[rule.kind] && !ONLY_FOR[rule.kind]!.includes(call)) continue;
      if (call === 'callback' && !CALLBACK_KINDS.has(rule.kind)) continue;
      if (ONLY_ON[rule.kind] && ONLY_ON[rule.kind] !== transport) continue;
      if (r.left <= 0) continue;
      if (out.rule && rule.kind !== 'latency' && rule.kind !== 'callback_late') continue;
      if (this.rng() >= (rule.probability ?? 1)) continue;
      r.left--;
      if (rule.kind === 'latency' || rule.kind === 'callback_late') {
        out.delayMs += rule.ms ?? 1000;
        if (rule.kind === 'callback_late') {
          this.count('callback_late');
          continue;
        }
        this.count('latency');
      } else out.rule = rule;
    }
    return out;
  }

  /**
   * Reports what became of a drawn rule: counted when it changed the exchange, handed back (its
   * `times` not used up) when it could not apply, e.g. a `late_failure` on a refused request.
   */
  settle(rule: FaultRule, applied: boolean): void {
    if (applied) {
      this.count(rule.kind);
      return;
    }
    const r = this.rules.find((x) => x.rule === rule);
    if (r) r.left++;
  }

  /** Injections so far, by kind (not reset by `set`). */
  counts(): Record<string, number> {
    return Object.fromEntries(this.injected);
  }

  injectedTotal(): number {
    return this.total;
  }

  private count(kind: string): void {
    this.injected.set(kind, (this.injected.get(kind) ?? 0) + 1);
    this.total++;
  }
}
