import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { RunnerError } from '../errors.js';
import { makeDir } from './local.js';
import type { RunRecord } from './types.js';
import { parseRecord } from './validate.js';

export const RECORD = 'record.json';
const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,80}$/;

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
  if (!RUN_ID.test(id)) {
    throw new RunnerError('RUNNER_BAD_RUN_ID', `"${id}" is not a run id; see runbook runs`, 2);
  }
  return id;
}

export function runDir(root: string, runId: string): string {
  return insideDir(root, checkRunId(runId));
}

/**
 * `rel` resolved inside `dir`, or a `RUNNER_UNSAFE_PATH` error when it would land anywhere else
 * (`..`, an absolute path, NUL). Every path the runner writes or reads in a run folder goes through it.
 */
export function insideDir(dir: string, rel: string): string {
  const base = resolve(dir);
  const full = resolve(base, rel);
  const back = relative(base, full);
  if (rel.includes('\0') || isAbsolute(rel) || back === '' || back.startsWith('..') || isAbsolute(back)) {
    throw new RunnerError(
      'RUNNER_UNSAFE_PATH',
      `refused the path ${JSON.stringify(rel)}: it is not inside ${base}`,
      3,
      {
        hint: 'a run record or a JOB answer named a file outside its run folder; nothing was read or written there',
      },
    );
  }
  return full;
}

/** Creates the run's folder (0700), and its parents. */
export function createRunDir(root: string, runId: string): string {
  const dir = runDir(root, runId);
  makeDir(dir);
  chmodSync(dir, 0o700);
  return dir;
}

/** Writes a file with mode 0600 through a temporary file and a rename, so a reader never sees half. */
export function writeAtomic(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    writeFileSync(tmp, text, { mode: 0o600 });
    renameSync(tmp, path);
  } catch (err) {
    // A full disk leaves a partial temporary file: give its space back.
    rmSync(tmp, { force: true });
    throw err;
  }
}

/** The record of a run, checked against its format; `RUNNER_BAD_RECORD` (exit 2) says what is wrong. */
export function readRecord(root: string, runId: string): RunRecord {
  const path = join(runDir(root, runId), RECORD);
  if (!existsSync(path)) {
    throw new RunnerError('RUNNER_NO_RUN', `no run "${runId}" in ${root}; see runbook runs`, 2);
  }
  const read = readRunFolder(root, runId);
  if ('problem' in read) {
    throw new RunnerError(
      'RUNNER_BAD_RECORD',
      `the record of run "${runId}" cannot be used: ${read.problem}`,
      2,
      {
        hint: `${path} was damaged or edited; start a new run, and check JOB for the jobs this run started`,
      },
    );
  }
  return read.record;
}

/** A run folder's record, or why it cannot be used. */
function readRunFolder(root: string, runId: string): { record: RunRecord } | { problem: string } {
  let text: string;
  try {
    text = readFileSync(join(root, runId, RECORD), 'utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    return {
      problem: e.code === 'ENOENT' ? `no ${RECORD}` : `${RECORD} cannot be read (${e.code ?? e.message})`,
    };
  }
  const parsed = parseRecord(text);
  if ('record' in parsed && parsed.record.runId !== runId) {
    return { problem: `runId: says ${JSON.stringify(parsed.record.runId)}, but the folder is ${runId}` };
  }
  return parsed;
}

/** A run folder as `runbook runs` lists it: its record, or why it cannot be used. */
export type RunListing = { runId: string; record: RunRecord } | { runId: string; problem: string };

/** Every run folder under `root`, oldest first; a broken record is listed with its problem, never dropped. */
export function listRecords(root: string): RunListing[] {
  if (!existsSync(root)) return [];
  const out: RunListing[] = [];
  for (const entry of readdirSync(root, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    // Run ids never start with a dot: `.locks` and the like are not runs.
    if (!entry.isDirectory() || !RUN_ID.test(entry.name)) continue;
    out.push({ runId: entry.name, ...readRunFolder(root, entry.name) });
  }
  return out;
}

/** A file name piece made of what the runner itself checked: letters, digits, `.`, `_`, `-`, `:` only. */
const SAFE_PIECE = /^[A-Za-z0-9_:.-]{1,100}$/;

function safePiece(what: string, piece: string): string {
  if (!SAFE_PIECE.test(piece) || /^\.+$/.test(piece)) {
    throw new RunnerError(
      'RUNNER_UNSAFE_PATH',
      `refused to name a log file after ${what} ${JSON.stringify(piece)}`,
      3,
    );
  }
  return piece;
}

/**
 * File name of a host's log inside the run folder: `logs/<step>/<cloud>-<ip>.log`. The ip and cloud id
 * come from JOB's answer (checked by core); anything that could make a path is refused here again.
 */
export function logPath(step: string, cloud: number, ip: string): string {
  const cloudText = Number.isInteger(cloud) && cloud >= 0 ? String(cloud) : `cloud ${cloud}`;
  return join('logs', safePiece('step', step), `${safePiece('host', `${cloudText}-${ip}`)}.log`);
}

/** How many bytes of a shared log file are gathered before one write. */
const LOG_CHUNK = 1 << 20;

/** A step of more hosts than this keeps their logs in one file, each host's a byte range of it. */
export const SHARED_LOG_HOSTS = 1000;

/**
 * Saves the logs of a finished step's hosts: one file per host (`logPath`, `invalidLogPath`), or,
 * past `SHARED_LOG_HOSTS`, one file for all (`logs/<step>/all-hosts.log`) with each host's byte
 * range. Returns where each host's log is, in the hosts' order.
 */
export function saveHostLogs(
  dir: string,
  step: string,
  hosts: ReadonlyArray<{ ip: string; cloud: number; invalid?: string; log: string }>,
  /** The first number of unusably named hosts' logs, and how many shared files the step has already. */
  place: { invalidBase?: number; sharedIndex?: number } = {},
): Array<{ log: string; logRange?: [number, number] }> {
  if (hosts.length <= SHARED_LOG_HOSTS) {
    const base = place.invalidBase ?? 0;
    const out = hosts.map((h, i) => ({
      // A host JOB named unusably is never named by what JOB sent: its log gets a number.
      log: h.invalid ? invalidLogPath(step, base + i) : logPath(step, h.cloud, h.ip),
    }));
    writeLogs(
      dir,
      hosts.map((h, i) => ({ path: out[i]!.log, text: h.log })),
    );
    return out;
  }
  const n = place.sharedIndex ?? 0;
  const path = join('logs', safePiece('step', step), n === 0 ? 'all-hosts.log' : `all-hosts-${n}.log`);
  const full = insideDir(dir, path);
  mkdirSync(dirname(full), { recursive: true, mode: 0o700 });
  // The logs go out through one buffer of about a megabyte: no buffer per host, and never the
  // whole file (tens of MB for 50,000 hosts) in memory at once.
  const buf = Buffer.allocUnsafe(LOG_CHUNK);
  const fd = openSync(full, 'w', 0o600);
  let at = 0;
  let used = 0;
  const flush = () => {
    for (let done = 0; done < used; ) done += writeSync(fd, buf, done, used - done);
    used = 0;
  };
  try {
    const out = hosts.map((h) => {
      const length = Buffer.byteLength(h.log, 'utf8');
      const r = { log: path, logRange: [at, length] as [number, number] };
      at += length;
      if (used + length > buf.length) flush();
      if (length > buf.length) {
        const big = Buffer.from(h.log, 'utf8');
        for (let done = 0; done < big.length; ) done += writeSync(fd, big, done, big.length - done);
      } else used += buf.write(h.log, used, 'utf8');
      return r;
    });
    flush();
    return out;
  } finally {
    closeSync(fd);
  }
}

/**
 * Renames a host's own log file to `….attempt-N.log` (N: the attempt it came from), so that a rerun
 * of the host writes its new log beside it; returns the new path. A file already gone is no error:
 * the record then names a missing log, as it would have.
 */
export function keepEarlierLog(dir: string, rel: string, attempt: number): string {
  const kept = rel.replace(/(\.attempt-\d+)?\.log$/, `.attempt-${attempt}.log`);
  try {
    renameSync(insideDir(dir, rel), insideDir(dir, kept));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  return kept;
}

/** File name of the log of a host whose identity JOB sent unusably: by its position, never its name. */
export function invalidLogPath(step: string, index: number): string {
  return join('logs', safePiece('step', step), `invalid-${index}.log`);
}

/**
 * Writes the logs of one finished step: one file (0600) per host, in one folder made once. Plain
 * writes, not temp + rename: a log is written once, and a resume that finds the step unfinished
 * fetches and writes it again. Every path is checked to stay inside the run folder first.
 */
export function writeLogs(dir: string, files: Array<{ path: string; text: string }>): void {
  // One check per folder, then only the file's own name: a step of 50,000 hosts writes 50,000 files.
  const folders = new Map<string, string>();
  for (const f of files) {
    const cut = f.path.lastIndexOf(sep);
    const folder = cut < 0 ? '' : f.path.slice(0, cut);
    const name = f.path.slice(cut + 1);
    let parent = folders.get(folder);
    if (
      parent === undefined ||
      name === '' ||
      /^\.+$/.test(name) ||
      name.includes('/') ||
      name.includes('\0')
    ) {
      const full = insideDir(dir, f.path);
      parent = dirname(full);
      if (!folders.has(folder)) mkdirSync(parent, { recursive: true, mode: 0o700 });
      folders.set(folder, parent);
      writeFileSync(full, f.text, { mode: 0o600 });
      continue;
    }
    writeFileSync(`${parent}${sep}${name}`, f.text, { mode: 0o600 });
  }
}
