import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** `SOAK=1` (set by `pnpm test:soak`) runs the full campaigns; otherwise the quick CI size. */
export const SOAK = process.env.SOAK === '1';

/** The campaign seed: `RELIABILITY_SEED` or a fixed default, so a plain `pnpm test` is repeatable. */
export const SEED = Number(process.env.RELIABILITY_SEED ?? 20261127) >>> 0;

/** `RELIABILITY_CASE=N` reruns only case N of each campaign (with the same seed). */
export const ONLY_CASE =
  process.env.RELIABILITY_CASE === undefined ? undefined : Number(process.env.RELIABILITY_CASE);

/** The number of cases: `quick` in CI, `full` under `SOAK=1`. */
export const size = (quick: number, full: number): number => (SOAK ? full : quick);

/** The case indexes to run (all of them, or just `RELIABILITY_CASE`). */
export function cases(n: number): number[] {
  if (ONLY_CASE !== undefined) return ONLY_CASE < n ? [ONLY_CASE] : [];
  return Array.from({ length: n }, (_, i) => i);
}

/** A small seeded generator (mulberry32): the same seed gives the same sequence. */
export interface Rng {
  (): number;
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
}

export function createRng(seed: number): Rng {
  let a = seed >>> 0;
  const next = (() => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }) as Rng;
  next.int = (min, max) => min + Math.floor(next() * (max - min + 1));
  next.pick = (items) => items[Math.floor(next() * items.length)]!;
  next.chance = (p) => next() < p;
  return next;
}

/** The seed of case `i` of a campaign, derived from the campaign seed. */
export const caseSeed = (campaign: string, i: number): number => {
  let h = SEED ^ 0x9e3779b9;
  for (const ch of `${campaign}:${i}`) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return h >>> 0;
};

export interface Counts {
  runs: number;
  /** Faults injected: by the emulator's own count where a campaign has one (`faultsInjected`). */
  faults: number;
  /** Faults the client saw (an attempt that errored, answered non-200 or was rate-limited). */
  faultsSeen?: number;
  inputs: number;
  signals: number;
  violations: number;
  secrets: number;
}

/** Counts of one campaign file; `report` prints them and hands them to `pnpm test:soak`. */
export function tally(): Counts {
  return { runs: 0, faults: 0, inputs: 0, signals: 0, violations: 0, secrets: 0 };
}

/** Prints a campaign's counts, and writes them where `pnpm test:soak` collects them. */
export function report(campaign: string, counts: Counts): void {
  const line = `[reliability] ${campaign} (seed ${SEED}${SOAK ? ', soak' : ''}): ${Object.entries(counts)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')}`;
  process.stdout.write(`${line}\n`);
  const dir = process.env.RELIABILITY_COUNTS_DIR;
  if (dir) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${campaign}.json`), JSON.stringify({ campaign, seed: SEED, ...counts }));
  }
}

/** Collects invariant violations of a campaign; each names the seed and case to reproduce it. */
export class Violations {
  readonly list: string[] = [];
  constructor(private readonly campaign: string) {}
  add(i: number, what: string): void {
    this.list.push(
      `${this.campaign} case ${i}: ${what}\n  reproduce: RELIABILITY_SEED=${SEED} RELIABILITY_CASE=${i}${SOAK ? ' SOAK=1' : ''} npx vitest run test/reliability`,
    );
  }
  /** The message a failing assertion shows: the seed and every violation (the first 20). */
  summary(): string {
    return `seed ${SEED}: ${this.list.length} invariant violation(s)\n${this.list.slice(0, 20).join('\n')}`;
  }
}

/** Lines of a stack trace (`    at fn (file:1:2)`) or an uncaught error's banner. */
export const STACK =
  /^\s+at .+[:(]\d+|^(?:TypeError|RangeError|ReferenceError|SyntaxError|Error): |Uncaught|node:internal/m;

/** Races a promise against a bound; rejects with `what` when it takes longer. */
export async function bounded<T>(what: string, ms: number, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
