import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { HOST, type HostRun, JOB, type Job, runsAs } from '../state/jobs.js';
import { localTime } from '../time.js';
import type { JobGeneration } from '../types.js';
import { interpreterFor, onPath, PERL_AUTOFLUSH, SHELL_HELPERS } from './interpreters.js';
import { killGroup, Reaper } from './reaper.js';

export interface LocalOptions {
  gen: JobGeneration;
  parallelism: number;
  logLimitBytes: number;
  timeoutScale: number;
  /** After SIGTERM on terminate, how long before SIGKILL. */
  terminateGraceMs: number;
  /** Tells the job store a host changed. */
  touch(job: Job): void;
}

interface JobRun {
  terminated: boolean;
  children: Set<ChildProcess>;
  done: Promise<void>;
  /** The job's folder: its script (written once, read by every host) and one folder per host. */
  dir?: string;
  untrackDir?: () => void;
}

/** Caps a host's output: decodes UTF-8 across chunk borders and stops at the byte limit. */
class LogSink {
  private bytes = 0;
  private truncated = false;
  private readonly decoder = new StringDecoder('utf8');
  constructor(
    private readonly host: HostRun,
    private readonly limit: number,
  ) {}
  write(chunk: Buffer): void {
    if (this.truncated) return;
    const room = this.limit - this.bytes;
    if (chunk.length > room) {
      this.host.log += this.decoder.write(chunk.subarray(0, room)) + this.decoder.end();
      this.host.log += `\n[emulator] output truncated at ${this.limit} bytes\n`;
      this.truncated = true;
      this.bytes = this.limit;
      return;
    }
    this.bytes += chunk.length;
    this.host.log += this.decoder.write(chunk);
  }
  end(): void {
    if (!this.truncated) this.host.log += this.decoder.end();
  }
}

/** Runs each host's script as a real local process, `parallelism` hosts of a job at a time. */
export class LocalExecutor {
  private readonly runs = new Map<number, JobRun>();
  /** Kills this instance's script groups if the process exits without `close()`. */
  private readonly reaper = new Reaper();
  constructor(private readonly opts: LocalOptions) {}

  start(job: Job): void {
    const run: JobRun = { terminated: false, children: new Set(), done: Promise.resolve() };
    this.runs.set(job.id, run);
    let next = 0;
    const worker = async () => {
      while (next < job.hosts.length) {
        const host = job.hosts[next++]!;
        await this.runHost(job, host, run).catch((err: Error) => {
          this.finishHost(job, host, HOST.dispatchFailed, null, -1, `[emulator] ${err.message}\n`);
        });
      }
    };
    const n = Math.max(1, Math.min(this.opts.parallelism, job.hosts.length));
    // The hosts start after the submit is answered, as on JOB: starting a process blocks this thread.
    const started = new Promise<void>((resolve) => setImmediate(resolve));
    run.done = Promise.all(Array.from({ length: n }, () => started.then(worker))).then(async () => {
      this.runs.delete(job.id);
      if (run.dir) await rm(run.dir, { recursive: true, force: true });
      run.untrackDir?.();
    });
  }

  terminate(job: Job): void {
    const run = this.runs.get(job.id);
    job.status = JOB.terminating;
    this.opts.touch(job);
    if (!run) return;
    run.terminated = true;
    for (const c of run.children) {
      killGroup(c, 'SIGTERM');
      const t = setTimeout(() => killGroup(c), this.opts.terminateGraceMs);
      c.once('close', () => clearTimeout(t));
    }
  }

  /** Kills every process, waits for the runs to settle, removes the process `exit` listener. */
  async close(): Promise<void> {
    for (const run of this.runs.values()) {
      run.terminated = true;
      for (const c of run.children) killGroup(c);
    }
    await Promise.allSettled([...this.runs.values()].map((r) => r.done));
    this.reaper.dispose();
  }

  private finishHost(
    job: Job,
    h: HostRun,
    status: number,
    exit: number | null,
    err: number,
    note = '',
  ): void {
    const now = Date.now();
    h.startMs ??= now;
    h.endMs = now;
    h.status = status;
    h.exitCode = exit;
    h.errorCode = err;
    h.log += note;
    this.opts.touch(job);
  }

  private async runHost(job: Job, h: HostRun, run: JobRun): Promise<void> {
    if (run.terminated) return this.finishHost(job, h, HOST.terminated, null, 126);
    if (h.forcedStatus !== undefined)
      return this.finishHost(
        job,
        h,
        h.forcedStatus,
        null,
        -1,
        `[emulator] host status ${h.forcedStatus}: not run\n`,
      );
    if (h.agent === 'offline')
      return this.finishHost(job, h, HOST.agentError, null, -1, '[emulator] agent offline: not run\n');
    if (h.agent === 'not_installed') {
      const status = runsAs(job, this.opts.gen) === 3 ? HOST.agentNotInstalled : HOST.agentError;
      return this.finishHost(job, h, status, null, -1, '[emulator] agent not installed: not run\n');
    }
    if (!h.hasAccount)
      return this.finishHost(job, h, HOST.accountMissing, null, -1, `[emulator] no account ${job.account}\n`);
    const interp = interpreterFor(job.script.type);
    if ('reason' in interp)
      return this.finishHost(job, h, HOST.dispatchFailed, null, -1, `[emulator] ${interp.reason}\n`);

    const jobDir = this.jobDir(job, run, interp.ext);
    // Each host its own working folder (HOME, TMPDIR, its tag), as each host of JOB is its own machine.
    const dir = join(jobDir, `host-${job.hosts.indexOf(h)}`);
    mkdirSync(dir, { mode: 0o700 });
    try {
      const file = join(jobDir, `script${interp.ext}`);
      const tagFile = join(dir, '.job_tag');
      if (run.terminated) return this.finishHost(job, h, HOST.terminated, null, 126);
      const env: NodeJS.ProcessEnv = {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: dir,
        TMPDIR: dir,
        USER: job.account,
        LOGNAME: job.account,
        LANG: 'C.UTF-8',
        LC_ALL: 'C.UTF-8',
        PYTHONIOENCODING: 'utf-8',
        RUNBOOK_EMU_TAG_FILE: tagFile,
        RUNBOOK_EMU_HOST_IP: h.ip,
        RUNBOOK_EMU_HOST_ID: String(h.hostId),
        RUNBOOK_EMU_JOB_ID: String(job.id),
      };
      if (job.script.type === 1) env.BASH_ENV = join(jobDir, '.job_helpers.sh');
      // stderr goes onto stdout at the descriptor, so the two keep their order: the interpreter does
      // it at its start (mergesStderr), or a /bin/sh in front of it does. What an interpreter writes
      // to stderr before that (it cannot read the script) is kept too.
      const argv = [...interp.args(file, jobDir), ...job.args];
      const child = interp.mergesStderr
        ? spawn(interp.command, argv, { cwd: dir, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
        : spawn('/bin/sh', ['-c', 'exec "$@" 2>&1', 'sh', interp.command, ...argv], {
            cwd: dir,
            env,
            detached: true,
            stdio: ['ignore', 'pipe', 'ignore'],
          });
      run.children.add(child);
      const untrackChild = this.reaper.trackChild(child);
      h.status = HOST.running;
      h.startMs = Date.now();
      if (runsAs(job, this.opts.gen) === 2)
        h.log += `[${localTime(h.startMs)}][PID:${child.pid ?? 0}] job_start\n`;
      this.opts.touch(job);
      const sink = new LogSink(h, this.opts.logLimitBytes);
      child.stdout?.on('data', (b: Buffer) => sink.write(b));
      child.stderr?.on('data', (b: Buffer) => sink.write(b));
      let timedOut = false;
      const ms = Math.max(1, Math.round(job.timeoutSeconds * 1000 * this.opts.timeoutScale));
      const timer = setTimeout(() => {
        timedOut = true;
        killGroup(child);
      }, ms);
      const result = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
        child.once('error', (err: NodeJS.ErrnoException) => {
          // Not found: said once below, as the wrapper's exit code 127 was.
          if (err.code !== 'ENOENT') sink.write(Buffer.from(`[emulator] ${err.message}\n`));
          resolve({ code: 127, signal: null });
        });
        child.once('exit', () => killGroup(child));
        child.once('close', (code, signal) => resolve({ code, signal }));
      });
      clearTimeout(timer);
      run.children.delete(child);
      untrackChild();
      sink.end();
      h.tag = readTag(tagFile);
      if (run.terminated) return this.finishHost(job, h, HOST.terminated, result.code, 126);
      if (timedOut) {
        const note = `[emulator] script timed out after ${job.timeoutSeconds}s: process group killed\n`;
        return this.finishHost(job, h, HOST.timeout, result.code, -1, note);
      }
      if (result.code === 127 && !onPath(interp.command))
        return this.finishHost(
          job,
          h,
          HOST.dispatchFailed,
          127,
          -1,
          `[emulator] ${interp.command} not found\n`,
        );
      const exit = result.code ?? 128 + signalNumber(result.signal);
      this.finishHost(job, h, exit === 0 ? HOST.success : HOST.nonZero, exit, 0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  /**
   * The job's folder with its script and the interpreter's helpers, made by the first host that
   * runs: one write per job instead of three per host, before any host can start.
   */
  private jobDir(job: Job, run: JobRun, ext: string): string {
    if (run.dir) return run.dir;
    const dir = mkdtempSync(join(tmpdir(), `runbook-emu-${job.id}-`));
    run.dir = dir;
    run.untrackDir = this.reaper.trackDir(dir);
    writeFileSync(join(dir, `script${ext}`), job.script.content, { mode: 0o700 });
    if (job.script.type === 1) writeFileSync(join(dir, '.job_helpers.sh'), SHELL_HELPERS);
    if (job.script.type === 3) writeFileSync(join(dir, 'RunbookAutoflush.pm'), PERL_AUTOFLUSH);
    return dir;
  }
}

/** What the script left with job_success / job_fail: a few bytes, read at once. */
function readTag(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function signalNumber(signal: NodeJS.Signals | null): number {
  return signal ? (constants.signals[signal] ?? 1) : 1;
}
