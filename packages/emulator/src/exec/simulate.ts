import { createRng, mixSeed } from '../rng.js';
import { HOST, type HostRun, JOB, type Job, runsAs } from '../state/jobs.js';
import { localTime } from '../time.js';
import type { JobGeneration, SimulateConfig } from '../types.js';

export interface SimulateOptions {
  gen: JobGeneration;
  seed: number;
  config: SimulateConfig;
  timeoutScale: number;
  touch(job: Job, now?: number): void;
}

/** Delay between accepting a job and its hosts starting, as a JOB dispatch takes. */
const DISPATCH_MS = 10;
/** How long terminating (status 10) lasts before the job shows 11, unless configured. */
const TERMINATE_MS = 30;
/** `plan.exit` of a host without an exit code (it never ran, or was killed). */
const NO_EXIT = -2147483648;

interface Plan {
  start: Float64Array;
  end: Float64Array;
  final: Uint16Array;
  exit: Int32Array;
  nextChange: number;
  frozen: boolean;
  index: Map<HostRun, number>;
}

/**
 * Runs jobs without processes: each host's start, duration and outcome are drawn once from a
 * generator seeded by (seed, job id), and host states are computed from the clock when read.
 */
export class SimulateExecutor {
  private readonly timers = new Set<NodeJS.Timeout>();
  constructor(private readonly opts: SimulateOptions) {}

  start(job: Job): void {
    const { config, gen } = this.opts;
    const rng = createRng(mixSeed(this.opts.seed, job.id));
    const n = job.hosts.length;
    const plan: Plan = {
      start: new Float64Array(n),
      end: new Float64Array(n),
      final: new Uint16Array(n),
      exit: new Int32Array(n),
      nextChange: 0,
      frozen: false,
      index: new Map(),
    };
    const [lo, hi] = Array.isArray(config.durationMs)
      ? config.durationMs
      : [config.durationMs ?? 200, config.durationMs ?? 1500];
    const timeoutMs = job.timeoutSeconds * 1000 * this.opts.timeoutScale;
    const t0 = job.createMs + DISPATCH_MS;
    let last = t0;
    for (let i = 0; i < n; i++) {
      const h = job.hosts[i]!;
      plan.index.set(h, i);
      const s = t0 + Math.floor(rng() * 20);
      let d = lo + Math.floor(rng() * (hi - lo + 1));
      let final: number = rng() < (config.failRate ?? 0) ? HOST.nonZero : HOST.success;
      if (rng() < (config.agentErrorRate ?? 0)) final = HOST.agentError;
      if (h.agent === 'offline') final = HOST.agentError;
      if (h.agent === 'not_installed')
        final = runsAs(job, gen) === 3 ? HOST.agentNotInstalled : HOST.agentError;
      if (!h.hasAccount) final = HOST.accountMissing;
      if (h.forcedStatus !== undefined) final = h.forcedStatus;
      if (final !== HOST.success && final !== HOST.nonZero) d = 0;
      else if (d > timeoutMs) {
        d = timeoutMs;
        final = HOST.timeout;
      }
      plan.start[i] = s;
      plan.end[i] = s + d;
      plan.final[i] = final;
      plan.exit[i] =
        final === HOST.nonZero ? 1 + Math.floor(rng() * 3) : final === HOST.success ? 0 : NO_EXIT;
      if (s + d > last) last = s + d;
    }
    job.refresh = (now) => this.refresh(job, plan, now);
    job.logOf = (h) => this.logOf(job, plan, h);
    this.after(last - Date.now(), () => job.refresh?.(Date.now()));
  }

  terminate(job: Job): void {
    job.refresh?.(Date.now());
    job.status = JOB.terminating;
    this.opts.touch(job);
    this.after(this.opts.config.terminatingMs ?? TERMINATE_MS, () => {
      const now = Date.now();
      job.refresh?.(now);
      for (const h of job.hosts) {
        if (h.status !== HOST.waiting && h.status !== HOST.running) continue;
        h.status = HOST.terminated;
        h.errorCode = 126;
        h.startMs ??= now;
        h.endMs = now;
      }
      this.frozen.add(job.id);
      this.opts.touch(job, now);
    });
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private readonly frozen = new Set<number>();

  private after(ms: number, fn: () => void): void {
    const t = setTimeout(
      () => {
        this.timers.delete(t);
        fn();
      },
      Math.max(0, ms + 1),
    );
    this.timers.add(t);
  }

  private refresh(job: Job, plan: Plan, now: number): void {
    if (this.frozen.has(job.id) || now < plan.nextChange) return;
    let changed = false;
    let next = Number.POSITIVE_INFINITY;
    for (let i = 0; i < job.hosts.length; i++) {
      const h = job.hosts[i]!;
      const s = plan.start[i]!;
      const e = plan.end[i]!;
      let status: number = HOST.waiting;
      if (now >= e) status = plan.final[i]!;
      else if (now >= s) status = HOST.running;
      if (status === HOST.waiting) next = Math.min(next, s);
      else if (status === HOST.running) next = Math.min(next, e);
      if (status === h.status) continue;
      changed = true;
      h.status = status;
      if (status !== HOST.waiting) h.startMs = s;
      if (status !== HOST.running) {
        h.endMs = e;
        h.exitCode = plan.exit[i] === NO_EXIT ? null : plan.exit[i]!;
        h.errorCode = status === HOST.success || status === HOST.nonZero ? 0 : -1;
      }
    }
    plan.nextChange = next;
    if (changed) this.opts.touch(job, now);
  }

  private logOf(job: Job, plan: Plan, h: HostRun): string {
    if (h.startMs === null) return '';
    const i = plan.index.get(h) ?? 0;
    const lines = this.opts.config.logLines ?? 3;
    const t = localTime(h.startMs);
    let out = runsAs(job, this.opts.gen) === 2 ? `[${t}][PID:${10000 + (i % 50000)}] job_start\n` : '';
    const shown = h.status === HOST.running ? Math.floor(lines / 2) : lines;
    if (
      h.status === HOST.agentError ||
      h.status === HOST.agentNotInstalled ||
      h.status === HOST.accountMissing ||
      h.forcedStatus !== undefined
    )
      return out;
    for (let k = 1; k <= shown; k++) out += `simulated output ${k}/${lines} of ${job.name} on ${h.ip}\n`;
    if (h.status === HOST.nonZero) out += `simulated failure: exit code ${h.exitCode}\n`;
    if (h.status === HOST.timeout) out += 'simulated timeout\n';
    return out;
  }
}
