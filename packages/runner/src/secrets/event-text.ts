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

function maskHosts(hosts: HostResult[], mask: Mask): HostResult[] {
  return hosts.map((h) => ({
    ...h,
    log: mask(h.log),
    tag: mask(h.tag),
    ...(h.invalid === undefined ? {} : { invalid: mask(h.invalid) }),
  }));
}

/** A question with its text masked (the step name and the name to type are identities). */
export function maskConfirmText(request: ConfirmRequest, mask: Mask): ConfirmRequest {
  return { ...request, question: mask(request.question) };
}
