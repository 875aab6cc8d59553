import type { RunEvent } from '../engine/events.js';

export type StreamRenderer = (event: RunEvent) => void;

/** Plain timestamped lines: the default without a terminal, and in CI. */
export function createStreamRenderer(write: (line: string) => void): StreamRenderer {
  const stamp = () => new Date().toISOString().slice(11, 19);
  const out = (text: string) => write(`${stamp()} ${text}\n`);
  return (event) => {
    switch (event.type) {
      case 'run.started':
        out(
          `run ${event.runbook.path} on ${event.endpoint.local ? 'local emulator ' : ''}${event.endpoint.url} (biz ${event.biz})`,
        );
        break;
      case 'step.submitted':
        out(`[${event.step}] submitted: job ${event.jobInstanceId}`);
        break;
      case 'step.finished': {
        out(`[${event.step}] ${event.ok ? 'succeeded' : 'FAILED'} (status ${event.status})`);
        for (const h of event.hosts) {
          out(`[${event.step}] ${h.cloud}:${h.ip} status ${h.status} exit ${h.exitCode}`);
          for (const line of h.log.replace(/\n$/, '').split('\n')) {
            if (line !== '') write(`    ${line}\n`);
          }
        }
        break;
      }
      case 'step.error':
        out(`[${event.step}] error: ${event.error.message}`);
        break;
      case 'run.finished':
        out(event.ok ? 'run succeeded' : 'run FAILED');
        break;
      default:
        break;
    }
  };
}
