import type { EventSink, HostCounts } from '../engine/events.js';
import { transportName } from '../transport.js';
import { type Paint, paint } from './color.js';
import { escapeEvent } from './controls.js';
import { limitText } from './limit-text.js';

export interface StreamOptions {
  color?: boolean;
}

const countsText = (c: HostCounts) =>
  `${c.succeeded}/${c.total} ok, ${c.failed} failed, ${c.running} running, ${c.waiting} waiting${c.agentError ? `, ${c.agentError} agent error` : ''}`;

/**
 * Plain timestamped lines: the default without a terminal, and in CI. Control characters in any
 * text (host logs, JOB's errors) are shown escaped, never sent to the terminal.
 */
export function createStreamRenderer(write: (text: string) => void, options: StreamOptions = {}): EventSink {
  const p: Paint = paint(options.color ?? false);
  const stamp = () => new Date().toISOString().slice(11, 19);
  const out = (text: string) => write(`${p.dim(stamp())} ${text}\n`);
  const lastProgress = new Map<string, string>();
  let local = false;
  return (raw) => {
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
            `  ${i + 1}. ${s.name}: ${s.hostCount} host${s.hostCount === 1 ? '' : 's'}${queries}${s.description ? ` (${s.description})` : ''}`,
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
        out(`[${event.step}] submitting`);
        break;
      case 'step.waiting':
        out(
          `[${event.step}] ${p.bad('waiting')} ${seconds(event.waitMs)}: JOB's running-job quota is full (code ${event.code}: ${event.message}); nothing was started, submitting again after the wait (waited ${seconds(event.waitedMs)} of at most ${seconds(event.limitMs)}, --quota-wait)`,
        );
        break;
      case 'step.submitted':
        out(
          `[${event.step}] ${event.reattached ? 're-attached to' : 'submitted:'} job ${event.jobInstanceId} (${event.jobInstanceName})`,
        );
        break;
      case 'step.progress': {
        const text = `status ${event.status}: ${countsText(event.counts)}`;
        if (lastProgress.get(event.step) === text) break;
        lastProgress.set(event.step, text);
        out(`[${event.step}] ${text}`);
        break;
      }
      case 'step.finished': {
        const verdict = event.ok ? p.ok('succeeded') : p.bad('FAILED');
        out(
          `[${event.step}] ${verdict} (status ${event.status}, ${countsText(event.counts)}, ${(event.elapsedMs / 1000).toFixed(1)} s)`,
        );
        // One write for the whole step: thousands of hosts must not mean thousands of writes.
        const t = p.dim(stamp());
        const lines: string[] = [];
        for (const h of event.hosts) {
          const host = h.invalid ? `host named unusably by JOB (${h.invalid})` : `${h.cloud}:${h.ip}`;
          const exit = h.exitCode === null ? 'no exit code (did not run)' : `exit ${h.exitCode}`;
          lines.push(
            `${t} [${event.step}] ${host} status ${h.status} ${exit}${h.tag ? ` tag ${h.tag}` : ''}\n`,
          );
          for (const line of h.log.replace(/\n$/, '').split('\n')) {
            if (line !== '') lines.push(`    ${line}\n`);
          }
        }
        if (lines.length > 0) write(lines.join(''));
        break;
      }
      case 'step.error':
        out(
          `[${event.step}] ${p.bad('error')}: ${event.error.message}${event.mayHaveStarted ? ' (the job MAY HAVE STARTED)' : ''}`,
        );
        if (event.error.hint && !event.error.message.includes(event.error.hint)) {
          out(`[${event.step}] hint: ${event.error.hint}`);
        }
        break;
      case 'run.interrupted':
        out(
          `interrupted (${event.signal}): ${event.action === 'terminate' ? 'terminating the running job' : local ? 'the embedded emulator stops with the runner' : 'the running job is left alone'}; no further step is submitted`,
        );
        break;
      case 'run.finished':
        out(`${verdictOf(event.exitCode, p)}: ${event.reason} (exit ${event.exitCode})`);
        break;
      default:
        break;
    }
  };
}

const seconds = (ms: number) => (ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`);

function verdictOf(exitCode: number, p: Paint): string {
  if (exitCode === 0) return p.ok('run succeeded');
  if (exitCode === 130) return p.bad('run interrupted');
  if (exitCode === 4) return p.bad('run stopped');
  return p.bad('run FAILED');
}
