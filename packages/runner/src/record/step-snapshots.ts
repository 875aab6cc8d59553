import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PlannedStep } from '../plan/types.js';
import type { Mask } from '../secrets/mask.js';
import { insideDir, writeAtomic } from './store.js';

/**
 * One version of a step as it was sent: enough to show a person what a changed runbook changes
 * (`--resume`). Kept in the run folder as `steps/<id>.json`, named by its content, so every version a
 * run went through stays. Scripts never hold secrets (the plan refuses them there); params are the
 * masked display copy; everything is masked once more before it is written.
 */
export interface StepSnapshot {
  name: string;
  /** The script text as sent; absent for a stored script. */
  script?: string;
  scriptSha256?: string;
  scriptId?: number;
  type?: string;
  params?: string;
  account: string;
  timeoutSec: number;
  hosts: string[];
  hostIds: number[];
  customQueries: string[];
  topoNodes: string[];
}

const FOLDER = 'steps';
const ID = /^[0-9a-f]{16}$/;

export function snapshotOf(step: PlannedStep, mask: Mask): StepSnapshot {
  return {
    name: step.name,
    ...(step.script !== undefined ? { script: mask(step.script) } : {}),
    ...(step.scriptSha256 ? { scriptSha256: step.scriptSha256 } : {}),
    ...(step.source.kind === 'stored' ? { scriptId: step.source.scriptId } : {}),
    ...(step.scriptType ? { type: step.scriptType } : {}),
    ...(step.paramsDisplay !== undefined ? { params: mask(step.paramsDisplay) } : {}),
    account: mask(step.account),
    timeoutSec: step.timeoutSec,
    hosts: step.hosts,
    hostIds: step.hostIds,
    customQueries: step.customQueries,
    topoNodes: step.topoNodes,
  };
}

function idOf(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 16);
}

/** The snapshot file of every step, by step name: its id (a hash of its text) and its text. */
export function prepareSnapshots(
  steps: PlannedStep[],
  mask: Mask,
): Map<string, { id: string; text: string }> {
  const out = new Map<string, { id: string; text: string }>();
  for (const step of steps) {
    const text = `${JSON.stringify(snapshotOf(step, mask), null, 2)}\n`;
    out.set(step.name, { id: idOf(text), text });
  }
  return out;
}

/**
 * Writes the snapshots into the run folder (0600, atomically, every path checked to stay inside it).
 * A file already there holds the same text: it is left as it is.
 */
export function writeSnapshots(dir: string, prepared: Map<string, { id: string; text: string }>): void {
  const folder = insideDir(dir, FOLDER);
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  for (const { id, text } of prepared.values()) {
    const path = insideDir(dir, join(FOLDER, `${id}.json`));
    if (!existsSync(path)) writeAtomic(path, text);
  }
}

/** A snapshot the run folder holds, or undefined (an older record, a missing or damaged file). */
export function readSnapshot(dir: string, id: string | undefined): StepSnapshot | undefined {
  if (id === undefined || !ID.test(id)) return undefined;
  try {
    const value = JSON.parse(readFileSync(insideDir(dir, join(FOLDER, `${id}.json`)), 'utf8'));
    if (typeof value !== 'object' || value === null || typeof value.account !== 'string') return undefined;
    if (!Array.isArray(value.hosts)) return undefined;
    return value as StepSnapshot;
  } catch {
    return undefined;
  }
}
