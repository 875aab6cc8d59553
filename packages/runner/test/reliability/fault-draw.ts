/**
 * What one case of the fault campaign is made of, drawn from its seed: which JOB the emulator plays
 * (2.x, or 3.x with the scope fields required), the runbook (its scope written as `biz:` or
 * `scope:`), and the fault rules the emulator applies to every call.
 */

import type { FaultKind, FaultRule } from '@runbook/emulator';
import type { QuotaWait } from '../../src/engine/quota.js';
import type { Transport } from '../../src/transport.js';
import { createRng, type Rng } from './campaign.js';

export const APP = 'rel-app';
export const APP_SECRET = 'rel-app-secret-CANARY-5d1';

/** The JOB an emulator of the campaign answers like. */
export type JobMode = 'job2' | 'job3-scope-required';
export const JOB_MODES: readonly JobMode[] = ['job2', 'job3-scope-required'];

/**
 * Businesses 1–3, the business sets 8000000 and 9991001 (in JOB's set range) and the CMDB business
 * set 5 (outside it: a set because its type says so).
 */
const BUSINESSES = `businesses:
  "1": {}
  "2": {}
  "3": {}
  "5": { type: biz_set }
  "8000000": {}
  "9991001": {}
`;

/** The emulator configuration of each mode (simulated hosts, some failing). */
export function emulatorConfig(mode: JobMode): string {
  const job = mode === 'job3-scope-required' ? 'job: { generation: 3, bizIdCompatible: false }\n' : '';
  return `${job}apps:
  ${APP}: ${APP_SECRET}
${BUSINESSES}exec: simulate
simulate:
  durationMs: [2, 30]
  failRate: 0.08
  logLines: 2
`;
}

/** Four cases in ten run against the JOB 3.x emulator that requires the scope fields. */
export const drawMode = (rng: Rng): JobMode => (rng.chance(0.4) ? 'job3-scope-required' : 'job2');

/**
 * About a third of the cases run over the API gateway v3 (`transport: 'v3'`, the emulator's URL as the
 * stage URL). Drawn from a generator of its own, so the case's other draws stay what they were.
 */
export const drawTransport = (rng: Rng): Transport => (rng.chance(1 / 3) ? 'v3' : 'v2');

/** The runbook's scope line: mostly `biz: N`, sometimes a business set, sometimes `scope:`. */
export function drawScope(rng: Rng): string {
  const r = rng();
  if (r < 0.55) return `biz: ${rng.int(1, 3)}`;
  if (r < 0.65) return 'biz: 9991001';
  if (r < 0.8) return `scope: { type: biz, id: ${rng.int(1, 3)} }`;
  return `scope: { type: biz_set, id: ${rng.pick([5, 8000000, 9991001])} }`;
}

/**
 * A multi-step runbook of 2–4 steps on 1–5 hosts each; the name makes its jobs findable in the
 * emulator. About a third of the steps roll (`rolling:`, drawn by `rollingOf` from a generator of
 * their own, so the other draws keep their values).
 */
export function faultRunbook(name: string, rng: Rng, rolling: Rng = createRng(0)): string {
  const steps = rng.int(2, 4);
  let text = `version: 1\nname: ${name}\n${drawScope(rng)}\ndefaults:\n  account: root\n  timeout: 60\n  on_failure: ${rng.pick(['abort', 'continue'])}\nsteps:\n`;
  for (let s = 1; s <= steps; s++) {
    const hosts = Array.from({ length: rng.int(1, 5) }, (_, h) => `"10.${s}.${rng.int(0, 9)}.${h + 1}"`);
    text += `  - name: s${s}\n    hosts: [${hosts.join(', ')}]\n    params: "--n ${s}"\n${rollingOf(rolling)}    script: |\n      echo step ${s} "$@"\n`;
  }
  return text;
}

/**
 * A step's `rolling:` block, or '' (two steps in three): batches by count, percent, `+N` and `*N`,
 * a failure budget by count or percent, sometimes `on_failure: ignore`.
 */
export function rollingOf(rng: Rng): string {
  if (!rng.chance(1 / 3)) return '';
  const batch = rng.pick(['1', '2', '1 2', '50%', '1 +1', '1 *2', '1 34%']);
  const maxFail = rng.pick(['0', '1', '2', '"50%"']);
  const ignore = rng.chance(0.15) ? '    on_failure: ignore\n' : '';
  return `    rolling: { batch: "${batch}", max_fail: ${maxFail} }\n${ignore}`;
}

/** The quota wait of in-process runs: short, so a quota that stays full ends a run in milliseconds. */
export const QUOTA_WAIT: Required<QuotaWait> = { limitMs: 60, firstMs: 2, maxMs: 16 };

/** The log call of each transport: v2's `get_job_instance_log`, v3's batch of at most 500 hosts. */
const LOG_CALL: Record<Transport, string> = {
  v2: 'get_job_instance_log',
  v3: 'batch_get_job_instance_ip_log',
};
const calls = (t: Transport) => ['fast_execute_script', 'get_job_instance_status', LOG_CALL[t], '*'];
const SUBMIT_ONLY = new Set<FaultKind>(['drop_after_create', 'late_failure', 'quota']);
/** Weighted: the transport faults as often as before, JOB 3.x's answers and a hostile server besides. */
const KINDS: FaultKind[] = [
  'latency',
  'latency',
  'http5xx',
  'http5xx',
  'reset',
  'reset',
  'rate_limit',
  'slow_body',
  'drop_after_create',
  'late_failure',
  'quota',
  'quota',
  'contradict',
  'hostile_hosts',
];
/** The gateway's own answers, drawn on v3 only: its JSON errors and a proxy's HTML page. */
const GATEWAY_KINDS: FaultKind[] = ['gateway_error', 'gateway_html'];

/** The call a rule of `kind` is for (the kinds that make sense for some calls only get one of those). */
function callOf(kind: FaultKind, rng: Rng, transport: Transport): string {
  if (SUBMIT_ONLY.has(kind)) return 'fast_execute_script';
  if (kind === 'contradict') return 'get_job_instance_status';
  if (kind === 'hostile_hosts') return rng.pick(['get_job_instance_status', LOG_CALL[transport], '*']);
  return rng.pick(calls(transport));
}

/** 0–5 seeded fault rules over every call of the transport (on v2 the same draws as before v3). */
export function faultRules(rng: Rng, transport: Transport = 'v2'): FaultRule[] {
  const rules: FaultRule[] = [];
  const kinds = transport === 'v3' ? [...KINDS, ...GATEWAY_KINDS] : KINDS;
  const n = rng.chance(0.1) ? 0 : rng.int(1, 5);
  for (let k = 0; k < n; k++) {
    const kind = rng.pick(kinds);
    const rule: FaultRule = { call: callOf(kind, rng, transport), kind, probability: rng.int(5, 40) / 100 };
    if (kind === 'latency') rule.ms = rng.int(1, 15);
    // Mostly short pauses; sometimes longer than the client's body timeout (a timeout after sending).
    if (kind === 'slow_body') rule.ms = rng.chance(0.15) ? 400 : rng.int(1, 20);
    if (kind === 'http5xx') rule.status = rng.pick([500, 502, 503, 504]);
    if (kind === 'gateway_error') rule.status = rng.pick([429, 500, 502, 503, 504]);
    if (kind === 'gateway_html') rule.status = rng.pick([502, 503, 504]);
    // Saved and not started (JOB's exception before the start), or saved and started.
    if (kind === 'late_failure') rule.started = rng.chance(0.5);
    if (kind === 'quota') {
      rule.code = rng.pick([1244032, 1244033, 1244034] as const);
      // Sometimes full for longer than the run may wait.
      if (rng.chance(0.15)) rule.probability = 1;
    }
    if (rng.chance(0.3)) rule.times = rng.int(1, 3);
    rules.push(rule);
  }
  return rules;
}

/** Injections by kind between two readings of the emulator's counters. */
export function faultDelta(
  before: Record<string, number>,
  after: Record<string, number>,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, n] of Object.entries(after)) if (n - (before[k] ?? 0) > 0) out[k] = n - (before[k] ?? 0);
  return out;
}

export const sum = (counts: Record<string, number>): number =>
  Object.values(counts).reduce((a, b) => a + b, 0);
