import { EXIT } from '../exit.js';

/** The flags of `apply` that say where a run talks to JOB and keeps its records. */
export interface EndpointFlags {
  local?: boolean;
  'emulator-config'?: string | undefined;
  'esb-url'?: string | undefined;
  'apigw-url'?: string | undefined;
  transport?: string | undefined;
  'state-dir'?: string | undefined;
  'allow-concurrent'?: boolean;
}

/** Quotes a word for a POSIX shell when it needs it, so a printed command can be pasted as is. */
export function shellWord(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

function endpointParts(values: EndpointFlags): string[] {
  const parts: string[] = [];
  if (values.local) parts.push('--local');
  for (const flag of ['emulator-config', 'esb-url', 'apigw-url', 'transport', 'state-dir'] as const) {
    const v = values[flag];
    if (typeof v === 'string') parts.push(`--${flag}`, shellWord(v));
  }
  if (values['allow-concurrent']) parts.push('--allow-concurrent');
  return parts;
}

/** `runbook apply FILE --resume RUN` with the run's endpoint flags. */
export function resumeCommandOf(file: string, runId: string, values: EndpointFlags): string {
  return ['runbook', 'apply', shellWord(file), '--resume', runId, ...endpointParts(values)].join(' ');
}

/**
 * A new run of the runbook from one step on, with the vars the resume would have used and the same
 * endpoint flags: what works when a resume is refused.
 */
export function fromStepCommandOf(
  file: string,
  step: string | undefined,
  vars: Record<string, string | number | boolean>,
  values: EndpointFlags,
): string {
  const parts = ['runbook', 'apply', shellWord(file)];
  if (step !== undefined) parts.push('--from-step', shellWord(step));
  for (const [k, v] of Object.entries(vars)) parts.push('--var', shellWord(`${k}=${String(v)}`));
  return [...parts, ...endpointParts(values)].join(' ');
}

/**
 * Codes of errors caused by the runbook itself: JOB (or the client's own checks) refused what the
 * step asks for. Waiting for JOB changes nothing; the runbook must be fixed before resuming.
 */
const RUNBOOK_CAUSED = new Set([
  'CORE_BAD_REQUEST',
  'CORE_VALIDATION',
  'CORE_SCRIPT_DISABLED',
  'CORE_SCRIPT_NOT_EXECUTABLE',
  'CORE_SCRIPT_NOT_FOUND',
  'CORE_DANGEROUS_SCRIPT',
  'CORE_TOO_MANY_TARGETS',
  'CORE_CUSTOM_QUERY',
]);

export function isRunbookCaused(code: string | undefined): boolean {
  return code !== undefined && RUNBOOK_CAUSED.has(code);
}

/** Exit codes after which a run can be continued with `--resume`. */
export function continuable(exitCode: number): boolean {
  return (
    exitCode === EXIT.stepFailed ||
    exitCode === EXIT.unusable ||
    exitCode === EXIT.declined ||
    exitCode === EXIT.local ||
    exitCode === EXIT.interrupted
  );
}

/**
 * What apply prints at the end of a run that can be continued: why, and the exact command.
 * `errorCode` is the code of the last step error, to tell a runbook JOB refused from JOB being down.
 */
export function nextText(
  exitCode: number,
  runId: string,
  command: string,
  errorCode: string | undefined,
): string | undefined {
  const how = (why: string) => `runbook: run ${runId} ${why}:\n  ${command}\n`;
  switch (exitCode) {
    case EXIT.stepFailed:
      return how(
        'has a failed step; fix the cause (the runbook, or the hosts), then continue it (succeeded steps are not run again) with',
      );
    case EXIT.unusable:
      return isRunbookCaused(errorCode)
        ? how(
            `stopped because JOB refused what the runbook asks (${errorCode}); fix the runbook, then resume it with`,
          )
        : how('could not go on; once JOB can be used again, resume it with');
    case EXIT.declined:
      return how('stopped at a question that was declined; to go on later, resume it with');
    case EXIT.local:
      return how('stopped on a local problem (its record is saved); once it is fixed, resume it with');
    case EXIT.interrupted:
      return how('stopped; resume it with');
    default:
      return undefined;
  }
}
