import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import { RunnerError } from '../errors.js';
import { RECORD_VERSION, type RunRecord } from './types.js';

const RECORD = 'record.json';

/** The folder holding every run: `--state-dir`, else `.runbook/runs` under the working directory. */
export function runsDir(stateDir?: string, cwd = process.cwd()): string {
  return stateDir ? resolve(cwd, stateDir) : resolve(cwd, '.runbook', 'runs');
}

/** A run id that sorts by time and reads well: `20261127-175200-3fa9c1`. */
export function newRunId(now = new Date()): string {
  const t = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${t}-${randomBytes(3).toString('hex')}`;
}

/** Only ids the runner makes, so a run id can never name a path outside the runs folder. */
export function checkRunId(id: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,80}$/.test(id)) {
    throw new RunnerError('RUNNER_BAD_RUN_ID', `"${id}" is not a run id; see runbook runs`, 2);
  }
  return id;
}

export function runDir(root: string, runId: string): string {
  return join(root, checkRunId(runId));
}

/** Creates the run's folder (0700), and its parents. */
export function createRunDir(root: string, runId: string): string {
  const dir = runDir(root, runId);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  return dir;
}

/** Writes a file with mode 0600 through a temporary file and a rename, so a reader never sees half. */
export function writeAtomic(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(tmp, text, { mode: 0o600 });
  renameSync(tmp, path);
}

export function writeRecord(dir: string, record: RunRecord): void {
  writeAtomic(join(dir, RECORD), `${JSON.stringify(record, null, 2)}\n`);
}

export function readRecord(root: string, runId: string): RunRecord {
  const path = join(runDir(root, runId), RECORD);
  if (!existsSync(path)) {
    throw new RunnerError('RUNNER_NO_RUN', `no run "${runId}" in ${root}; see runbook runs`, 2);
  }
  let record: RunRecord;
  try {
    record = JSON.parse(readFileSync(path, 'utf8')) as RunRecord;
  } catch (err) {
    throw new RunnerError('RUNNER_BAD_RECORD', `the record of run "${runId}" cannot be read: ${path}`, 2, {
      cause: err,
    });
  }
  if (record?.version !== RECORD_VERSION || !Array.isArray(record.steps)) {
    throw new RunnerError(
      'RUNNER_BAD_RECORD',
      `the record of run "${runId}" has format ${JSON.stringify(record?.version)}; this runbook reads format ${RECORD_VERSION}`,
      2,
    );
  }
  return record;
}

/** Every readable record under `root`, oldest first. */
export function listRecords(root: string): RunRecord[] {
  if (!existsSync(root)) return [];
  const out: RunRecord[] = [];
  for (const name of readdirSync(root).sort()) {
    try {
      out.push(JSON.parse(readFileSync(join(root, name, RECORD), 'utf8')) as RunRecord);
    } catch {
      // not a run folder, or a record being written for the first time
    }
  }
  return out;
}

/** File name of a host's log inside the run folder: `logs/<step>/<cloud>-<ip>.log`. */
export function logPath(step: string, cloud: number, ip: string): string {
  return join('logs', step, `${cloud}-${ip}.log`);
}

/**
 * Writes the logs of one finished step: one file (0600) per host, in one folder made once. Plain
 * writes, not temp + rename: a log is written once, and a resume that finds the step unfinished
 * fetches and writes it again.
 */
export function writeLogs(dir: string, files: Array<{ path: string; text: string }>): void {
  const made = new Set<string>();
  for (const f of files) {
    const full = join(dir, f.path);
    const parent = join(full, '..');
    if (!made.has(parent)) {
      mkdirSync(parent, { recursive: true, mode: 0o700 });
      made.add(parent);
    }
    writeFileSync(full, f.text, { mode: 0o600 });
  }
}
