import type { ConfirmRequest, HostResult, RunEvent } from '../engine/events.js';
import type { Mask } from './mask.js';

/**
 * A copy of an event with its free text masked: the fields that can carry text from scripts, JOB,
 * errors or the runbook's prose (host logs and tags, error messages and hints, JOB's job instance
 * name, questions, reasons, step descriptions). Everything else is the run's structure (types,
 * keys, step names, run and job ids, hosts, numbers, times, the endpoint, the resume command) and
 * is never masked: the recorder and every renderer read it. The one place that decides which
 * event fields are masked; the recorder and the renderers receive this copy.
 */
export function maskEventText(event: RunEvent, mask: Mask): RunEvent {
  switch (event.type) {
    case 'run.started':
      return {
        ...event,
        steps: event.steps.map((s) =>
          s.description === undefined ? s : { ...s, description: mask(s.description) },
        ),
      };
    case 'confirm.asked':
      return { ...event, question: mask(event.question) };
    case 'step.skipped':
      return { ...event, reason: mask(event.reason) };
    case 'step.submitted':
      return { ...event, jobInstanceName: mask(event.jobInstanceName) };
    case 'step.finished':
    case 'batch.finished':
      return { ...event, hosts: maskHosts(event.hosts, mask) };
    case 'step.waiting':
      return { ...event, message: mask(event.message) };
    case 'step.error':
      return {
        ...event,
        error: {
          ...event.error,
          message: mask(event.error.message),
          ...(event.error.hint === undefined ? {} : { hint: mask(event.error.hint) }),
        },
      };
    case 'run.finished':
      return { ...event, reason: mask(event.reason) };
    case 'confirm.answered':
    case 'step.submitting':
    case 'step.progress':
    case 'run.interrupted':
    case 'batch.started':
    case 'batch.waiting':
      return event;
  }
}

/**
 * Host results with their free text masked (logs, tags, why an identity was unusable): the hosts of
 * `step.finished`, and the partial logs the terminal UI reads while a step runs.
 */
export function maskHosts(hosts: readonly HostResult[], mask: Mask): HostResult[] {
  return hosts.map((h) => {
    const log = mask(h.log);
    const tag = mask(h.tag);
    const invalid = h.invalid === undefined ? undefined : mask(h.invalid);
    const outputs = h.outputs === undefined ? undefined : maskValues(h.outputs, mask);
    // A host with nothing to hide is passed on as it is: 50,000 hosts are not copied for nothing.
    if (log === h.log && tag === h.tag && invalid === h.invalid && outputs === h.outputs) return h;
    return {
      ...h,
      log,
      tag,
      ...(invalid === undefined ? {} : { invalid }),
      ...(outputs === undefined ? {} : { outputs }),
    };
  });
}

/** A question with its text masked (the step name and the name to type are identities). */
export function maskConfirmText(request: ConfirmRequest, mask: Mask): ConfirmRequest {
  return { ...request, question: mask(request.question) };
}

/** Output values masked (names are identities a runbook reads, as step names are). */
function maskValues(outputs: Record<string, string>, mask: Mask): Record<string, string> {
  const entries = Object.entries(outputs);
  const masked = entries.map(([k, v]) => [k, mask(v)] as const);
  return masked.every(([, v], i) => v === entries[i]![1]) ? outputs : Object.fromEntries(masked);
}
