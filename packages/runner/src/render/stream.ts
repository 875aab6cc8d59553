import type { EventSink, HostCounts, HostResult } from '../engine/events.js';
import { transportName } from '../transport.js';
import { type Paint, paint } from './color.js';
import { escapeEvent } from './controls.js';
import { gatheredOutputs, indentLines } from './gather.js';
import { foldHosts } from './host-ranges.js';
import { limitText } from './limit-text.js';
import { outputLines } from './outputs.js';
import { hostStatusWords, jobStatusWords } from './status-words.js';

export interface StreamOptions {
  color?: boolean;
  /**
   * Hosts with identical output are printed once, under their hosts folded into ranges (default);
   * false (`--no-gather`) prints every host and its whole log, JOB's `job_start` line included.
   */
  gather?: boolean;
  /** The address of JOB's page for a step's job (BK_JOB_WEB_URL set), printed when it is submitted. */
  jobLink?: (step: string, jobInstanceId: number) => string | undefined;
  /**
   * Writes bytes: a step's host lines are then encoded once into a buffer of about a megabyte, not
   * joined into texts first (without it they go to `write` as text). Returns true when the bytes
   * are written out already, so the buffer may be filled again; false when the stream still holds them.
   */
  writeBytes?: (bytes: Uint8Array) => boolean;
  /**
   * With `writeBytes`: calls `resume` once the bytes the stream still holds are written out (its
   * 'drain'), or at once when they never will be (the stream is gone). A step's host lines then wait
   * for the reader of a pipe, made a buffer at a time as it takes them, instead of all of them
   * (tens of megabytes for 50,000 hosts) waiting in the stream's memory; lines of later events
   * follow them, in order.
   */
  whenDrained?: (resume: () => void) => void;
}

/** The stream renderer, and a promise of the moment every line it was given is written out. */
export type StreamRenderer = EventSink & { drained(): Promise<void> };

/** About how many characters of host lines go out in one write. */
const WRITE_CHUNK = 1 << 20;

const countsText = (c: HostCounts) =>
  `${c.succeeded}/${c.total} ok, ${c.failed} failed, ${c.running} running, ${c.waiting} waiting${c.agentError ? `, ${c.agentError} agent error` : ''}`;

/**
 * Pieces of text gathered into writes of about `WRITE_CHUNK` characters: encoded straight into a
 * buffer when bytes can be written, else joined into one text per write. `push` returns false when
 * the stream still holds the bytes just written (the writer should wait for it to drain).
 */
function chunked(
  write: (text: string) => void,
  writeBytes: ((bytes: Uint8Array) => boolean) | undefined,
): { push(piece: string): boolean; end(): boolean } {
  if (writeBytes) {
    let buf: Buffer | undefined;
    let used = 0;
    const end = () => {
      // A buffer the stream still holds is left to it; the next piece gets a new one.
      let out = true;
      if (buf && used > 0 && !writeBytes(buf.subarray(0, used))) {
        buf = undefined;
        out = false;
      }
      used = 0;
      return out;
    };
    return {
      push(piece) {
        let out = true;
        // A UTF-16 code unit is at most 3 bytes of UTF-8.
        if (buf && used + piece.length * 3 > buf.length) out = end();
        if (piece.length * 3 > WRITE_CHUNK) out = writeBytes(Buffer.from(piece, 'utf8')) && out;
        else {
          buf ??= Buffer.allocUnsafe(WRITE_CHUNK);
          used += buf.write(piece, used, 'utf8');
        }
        return out;
      },
      end,
    };
  }
  let lines: string[] = [];
  let size = 0;
  const end = () => {
    if (lines.length > 0) write(lines.join(''));
    lines = [];
    size = 0;
    return true;
  };
  return {
    push(piece) {
      lines.push(piece);
      size += piece.length;
      if (size >= WRITE_CHUNK) end();
      return true;
    },
    end,
  };
}

/**
 * Output in order: texts, and host lines made piece by piece. Without `whenDrained` everything is
 * written at once; with it, host lines stop whenever the stream holds bytes and go on at its drain,
 * and texts of later events wait behind them.
 */
function orderedOutput(
  write: (text: string) => void,
  writeBytes: ((bytes: Uint8Array) => boolean) | undefined,
  whenDrained: ((resume: () => void) => void) | undefined,
) {
  /** Texts, and host lines with the writer they fill (its buffer kept while the stream drains). */
  const backlog: Array<string | { pieces: Iterator<string>; writer: ReturnType<typeof chunked> }> = [];
  let waiting = false;
  let idle: Array<() => void> = [];
  const pump = () => {
    while (backlog.length > 0 && !waiting) {
      const item = backlog[0]!;
      if (typeof item === 'string') {
        backlog.shift();
        write(item);
        continue;
      }
      let held = false;
      for (let next = item.pieces.next(); ; next = item.pieces.next()) {
        if (next.done) {
          backlog.shift();
          held = !item.writer.end();
          break;
        }
        if (!item.writer.push(next.value)) {
          held = true;
          break;
        }
      }
      if (held && whenDrained) {
        waiting = true;
        whenDrained(() => {
          waiting = false;
          pump();
        });
      }
    }
    if (backlog.length === 0 && !waiting) {
      const resolve = idle;
      idle = [];
      for (const r of resolve) r();
    }
  };
  return {
    text(text: string) {
      if (backlog.length === 0 && !waiting) write(text);
      else backlog.push(text);
    },
    pieces(pieces: Iterator<string>) {
      backlog.push({ pieces, writer: chunked(write, writeBytes) });
      if (!waiting) pump();
    },
    drained(): Promise<void> {
      if (backlog.length === 0 && !waiting) return Promise.resolve();
      return new Promise((resolve) => idle.push(resolve));
    },
  };
}

/**
 * Plain timestamped lines: the default without a terminal, and in CI. Control characters in any
 * text (host logs, JOB's errors) are shown escaped, never sent to the terminal.
 */
export function createStreamRenderer(
  write: (text: string) => void,
  options: StreamOptions = {},
): StreamRenderer {
  const p: Paint = paint(options.color ?? false);
  const stamp = () => new Date().toISOString().slice(11, 19);
  const output = orderedOutput(write, options.writeBytes, options.writeBytes && options.whenDrained);
  const out = (text: string) => output.text(`${p.dim(stamp())} ${text}\n`);
  const lastProgress = new Map<string, string>();
  /** Steps run in batches: their hosts were written batch by batch. */
  const batched = new Map<string, number>();
  /** `[step]`, or `[step batch 2/5]` for a batch of a rolling step. */
  const tag = (step: string, batch?: number) =>
    batch === undefined ? `[${step}]` : `[${step} batch ${batch}/${batched.get(step) ?? batch}]`;
  /**
   * A step's (or batch's) hosts: gathered by identical output under folded ranges, or host by host.
   * Thousands of hosts must not mean thousands of writes, nor one text of all of them: the lines go
   * out in writes of about `WRITE_CHUNK` characters.
   */
  const writeHosts = (step: string, hosts: HostResult[]) => {
    output.pieces(hostPieces(p.dim(stamp()), step, hosts));
  };
  /** The lines of a step's hosts, made one piece at a time as they are written. */
  function* hostPieces(t: string, step: string, hosts: HostResult[]): Generator<string> {
    if (options.gather ?? true) {
      for (const g of gatheredOutputs(hosts)) {
        const words = g.failed ? p.bad(g.statusText) : g.statusText;
        yield `${t} [${step}] ${g.hosts} (${g.count} host${g.count === 1 ? '' : 's'}): ${words}${g.output === '' ? ', no output' : ''}\n`;
        // The output's lines, indented, as one text: not a text per line of 50,000 hosts.
        if (g.output !== '') yield indentLines(g.output, '    ');
      }
    } else {
      for (const h of hosts) {
        const host = h.invalid ? `host named unusably by JOB (${h.invalid})` : `${h.cloud}:${h.ip}`;
        yield `${t} [${step}] ${host}: ${hostStatusWords(h.status, h.exitCode)}${h.tag ? ` tag ${h.tag}` : ''}\n`;
        for (const line of h.log.replace(/\n$/, '').split('\n')) {
          if (line !== '') yield `    ${line}\n`;
        }
      }
    }
    for (const o of outputLines(hosts)) yield `${t} [${step}] output ${o}\n`;
  }
  let local = false;
  const sink: EventSink = (raw) => {
    const event = escapeEvent(raw);
    switch (event.type) {
      case 'run.started': {
        local = event.endpoint.local;
        const over = transportName(event.endpoint.transport ?? 'v2');
        const where = event.endpoint.local
          ? `the local emulator at ${event.endpoint.url} (${over})`
          : `${event.endpoint.url} (${over})`;
        const git = event.runbook.gitSha
          ? ` @ ${event.runbook.gitSha}${event.runbook.dirty ? '+dirty' : ''}`
          : '';
        out(`run ${event.runId}${event.resumedFrom ? ` (resuming ${event.resumedFrom})` : ''}`);
        out(`runbook ${event.runbook.path}${git}: ${event.steps.length} step(s), biz ${event.biz}`);
        out(`endpoint ${where}${event.endpoint.config ? ` (config ${event.endpoint.config})` : ''}`);
        if (event.limit) out(`limit ${limitText(event.limit)}: every step runs only on these`);
        event.steps.forEach((s, i) => {
          const queries = `${
            s.customQueries ? ` + ${s.customQueries} custom quer${s.customQueries === 1 ? 'y' : 'ies'}` : ''
          }${s.topoNodes ? ` + ${s.topoNodes} topology node${s.topoNodes === 1 ? '' : 's'}` : ''}`;
          out(
            `  ${i + 1}. ${s.name}: ${s.hostCount} host${s.hostCount === 1 ? '' : 's'}${queries}${s.hostsAfter ? ` + hosts known after ${s.hostsAfter.join(', ')}` : ''}${s.description ? ` (${s.description})` : ''}`,
          );
        });
        break;
      }
      case 'confirm.asked':
        out(`${event.step ? `[${event.step}] ` : ''}? ${event.question}`);
        break;
      case 'confirm.answered':
        out(
          `${event.step ? `[${event.step}] ` : ''}${event.accepted ? 'yes' : 'no'}${event.by === 'flag' ? ' (--yes)' : ''}`,
        );
        break;
      case 'step.skipped':
        out(`[${event.step}] skipped: ${event.reason}`);
        break;
      case 'step.submitting':
        out(`${tag(event.step, event.batch)} submitting`);
        break;
      case 'step.waiting':
        out(
          `${tag(event.step, event.batch)} ${p.bad('waiting')} ${seconds(event.waitMs)}: JOB's running-job quota is full (code ${event.code}: ${event.message}); nothing was started, submitting again after the wait (waited ${seconds(event.waitedMs)} of at most ${seconds(event.limitMs)}, --quota-wait)`,
        );
        break;
      case 'step.submitted': {
        out(
          `${tag(event.step, event.batch)} ${event.reattached ? 're-attached to' : 'submitted:'} job ${event.jobInstanceId} (${event.jobInstanceName})`,
        );
        const link = options.jobLink?.(event.step, event.jobInstanceId);
        if (link) out(`[${event.step}] in JOB: ${link}`);
        break;
      }
      case 'step.progress': {
        const text = `${jobStatusWords(event.status)}: ${countsText(event.counts)}`;
        if (lastProgress.get(event.step) === text) break;
        lastProgress.set(event.step, text);
        out(`${tag(event.step, event.batch)} ${text}`);
        break;
      }
      case 'batch.started':
        batched.set(event.step, event.batches);
        out(
          `${tag(event.step, event.batch)} starting on ${event.hosts} host${event.hosts === 1 ? '' : 's'} (${budgetText(event.failed, event.maxFail)})`,
        );
        break;
      case 'batch.finished': {
        const verdict = event.ok ? p.ok('succeeded') : p.bad('FAILED');
        out(
          `${tag(event.step, event.batch)} ${verdict} (${countsText(event.counts)}; ${budgetText(event.failed, event.maxFail)})`,
        );
        writeHosts(event.step, event.hosts);
        break;
      }
      case 'batch.waiting':
        out(
          `${tag(event.step, event.batch - 1)} pausing ${seconds(event.pauseMs)} before batch ${event.batch}/${event.batches}`,
        );
        break;
      case 'step.finished': {
        const verdict =
          event.result === 'partial'
            ? p.bad('PARTLY FAILED')
            : event.ok
              ? p.ok('succeeded')
              : p.bad('FAILED');
        out(
          `[${event.step}] ${verdict}${event.ignored ? ' (ignored: on_failure: ignore)' : ''} (JOB: ${jobStatusWords(event.status)}, ${countsText(event.counts)}, ${(event.elapsedMs / 1000).toFixed(1)} s)`,
        );
        // A rolling step's hosts were written batch by batch.
        if (!batched.has(event.step)) writeHosts(event.step, event.hosts);
        break;
      }
      case 'step.error':
        out(
          `${tag(event.step, event.batch)} ${p.bad('error')}: ${event.error.message}${event.mayHaveStarted ? ' (the job MAY HAVE STARTED)' : ''}`,
        );
        if (event.error.hint && !event.error.message.includes(event.error.hint)) {
          out(`[${event.step}] hint: ${event.error.hint}`);
        }
        if (event.jobInstanceId !== undefined) {
          const link = options.jobLink?.(event.step, event.jobInstanceId);
          if (link) out(`[${event.step}] in JOB: ${link}`);
        }
        break;
      case 'run.interrupted':
        out(
          `interrupted (${event.signal}): ${event.action === 'terminate' ? 'terminating the running job' : local ? 'the embedded emulator stops with the runner' : 'the running job is left alone'}; no further step is submitted`,
        );
        break;
      case 'run.finished':
        for (const f of event.failedHosts ?? []) {
          out(
            `[${f.step}] ${f.ignored ? 'failed hosts (ignored)' : 'failed hosts'} (${f.hosts.length}): ${foldHosts(f.hosts)}`,
          );
        }
        out(`${verdictOf(event.exitCode, p)}: ${event.reason} (exit ${event.exitCode})`);
        break;
      default:
        break;
    }
  };
  return Object.assign(sink, { drained: () => output.drained() });
}

const budgetText = (failed: number, maxFail: number) => `failed ${failed}/${maxFail} allowed`;

const seconds = (ms: number) => (ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`);

function verdictOf(exitCode: number, p: Paint): string {
  if (exitCode === 0) return p.ok('run succeeded');
  if (exitCode === 130) return p.bad('run interrupted');
  if (exitCode === 4) return p.bad('run stopped');
  return p.bad('run FAILED');
}
