import { resolve } from 'node:path';
import { onePositional, parseCommand, parseMs, RUNBOOK_OPTIONS } from '../cli/args.js';
import { createPrompt } from '../cli/confirm.js';
import { openEndpoint } from '../endpoint.js';
import { planChanges, resumeDirectives, selectSteps } from '../engine/directives.js';
import type { ConfirmFn, RunEvent } from '../engine/events.js';
import { type StepDirective, startRun } from '../engine/execute.js';
import { RunnerError } from '../errors.js';
import { EXIT } from '../exit.js';
import { createRecorder, newRecord } from '../record/recorder.js';
import { newRunId, readRecord, runsDir } from '../record/store.js';
import type { RunRecord } from '../record/types.js';
import { escapeControls } from '../render/controls.js';
import { chooseUi, startUi } from '../render/select.js';
import { checkResumeEndpoint } from '../resume-endpoint.js';
import { maskConfirmText, maskEventText } from '../secrets/event-text.js';
import { planIdentities } from '../secrets/identities.js';
import { createMask, credentialValues, rememberIdentities, rememberSecrets } from '../secrets/mask.js';
import { chooseTransport } from '../transport.js';
import { APPLY_HELP } from './apply-help.js';
import { preparePlan } from './prepare.js';

const OPTIONS = {
  ...RUNBOOK_OPTIONS,
  local: { type: 'boolean', default: false },
  'emulator-config': { type: 'string' },
  'esb-url': { type: 'string' },
  'apigw-url': { type: 'string' },
  transport: { type: 'string' },
  yes: { type: 'boolean', short: 'y', default: false },
  ui: { type: 'string' },
  'state-dir': { type: 'string' },
  resume: { type: 'string' },
  only: { type: 'string', multiple: true },
  'from-step': { type: 'string' },
  'poll-initial': { type: 'string' },
  'poll-max': { type: 'string' },
  'quota-wait': { type: 'string' },
  'terminate-on-interrupt': { type: 'boolean', default: false },
} as const;

export async function apply(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand('apply', argv, OPTIONS);
  if (values.help) {
    process.stdout.write(APPLY_HELP);
    return EXIT.ok;
  }
  const file = onePositional('apply', positionals, 'a runbook file', 'FILE');
  const env = process.env;
  const stderr = (t: string) => process.stderr.write(t);
  const pollInitialMs = values['poll-initial']
    ? parseMs('--poll-initial', values['poll-initial'])
    : undefined;
  const pollMaxMs = values['poll-max'] ? parseMs('--poll-max', values['poll-max']) : undefined;
  const quotaWaitMs = quotaWaitOf(values['quota-wait']);
  const ui = chooseUi(values.ui, env, process.stdout.isTTY === true);
  const root = runsDir(values['state-dir']);
  const choice = chooseTransport({
    local: values.local,
    transport: values.transport,
    esbUrl: values['esb-url'],
    apigwUrl: values['apigw-url'],
    env,
  });

  let previous: RunRecord | undefined;
  if (values.resume) {
    previous = readRecord(root, values.resume);
    if (previous.state === 'running' && previous.pid !== undefined && alive(previous.pid)) {
      throw new RunnerError(
        'RUNNER_RUN_BUSY',
        `run ${previous.runId} is still going in process ${previous.pid}`,
        2,
      );
    }
  }
  const runId = previous?.runId ?? newRunId();
  const { plan, secretValues } = await preparePlan({
    file,
    runId,
    ...(values.var ? { varArgs: values.var } : {}),
    ...(values['vars-file'] ? { varsFile: values['vars-file'] } : {}),
    ...(previous ? { baseVars: previous.vars } : {}),
    env,
    requireSecrets: true,
    transport: choice.transport,
    stderr,
  });
  const directives: Record<string, StepDirective> = selectSteps(plan, values.only, values['from-step']);
  if (previous) {
    const changes = planChanges(previous, plan);
    if (changes.length > 0) {
      throw new RunnerError(
        'RUNNER_RESUME_CHANGED',
        `cannot resume run ${previous.runId}: the runbook changed since (${changes.join('; ')})`,
        2,
        { hint: 'start a new run without --resume, or restore the runbook as it was' },
      );
    }
    checkResumeEndpoint(previous, values.local, choice);
    Object.assign(directives, resumeDirectives(previous, !previous.endpoint.local));
  }
  const needsPerson = !values.yes || Object.values(directives).some((d) => d.action === 'ask');
  if (needsPerson && ui !== 'tui' && !process.stdin.isTTY) {
    const asks = Object.entries(directives).filter(([, d]) => d.action === 'ask');
    stderr(
      values.yes
        ? `runbook: ${asks.map(([, d]) => (d.action === 'ask' ? d.reason : '')).join(' ')}
runbook: --yes does not answer that, and there is no terminal to ask; nothing was sent.
hint: resume in a terminal to decide, or skip the step with --from-step or --only
`
        : `runbook: apply asks for confirmation before sending anything, and there is no terminal to answer; nothing was sent.
hint: review it with runbook plan ${file}, then run again with --yes
`,
    );
    // The record tells what happened last to this run: nobody could decide, nothing was sent.
    if (previous) {
      createRecorder(root, previous).onEvent({
        type: 'run.finished',
        ts: new Date().toISOString(),
        ok: false,
        exitCode: EXIT.declined,
        reason: 'resume needed a person to answer and there was no terminal; nothing was sent',
        runId: previous.runId,
      });
    }
    return EXIT.declined;
  }
  // Runbook secrets (4 characters or more, checked when resolved) and the ESB credentials; never
  // inside the run's identities, which the operator reads and pastes.
  const secrets = [...secretValues, ...credentialValues(env)];
  const resumeCommand = resumeCommandOf(file, runId, values);
  const identities = planIdentities(plan, [
    file,
    resolve(file),
    resumeCommand,
    values['state-dir'],
    values['emulator-config'],
    choice.url,
  ]);
  rememberSecrets(secrets);
  rememberIdentities(identities);
  const mask = createMask(secrets, identities);
  const endpoint = await openEndpoint({
    local: values.local,
    ...(values['emulator-config'] ? { emulatorConfig: values['emulator-config'] } : {}),
    choice,
    runbookPath: file,
    env,
    ...(values.debug ? { onDebug: (line: string) => stderr(`${escapeControls(mask(line))}\n`) } : {}),
  });
  let cleanup: (() => void) | undefined;
  try {
    const record = previous ?? newRecord(plan, endpoint.info, resolve(file));
    record.state = 'running';
    record.pid = process.pid;
    record.endpoint = {
      url: endpoint.info.url,
      local: endpoint.info.local,
      transport: endpoint.info.transport,
    };
    if (previous) record.resumedAt = [...(previous.resumedAt ?? []), new Date().toISOString()];
    const recorder = createRecorder(root, record);
    const view = await startUi(ui, { stdout: process.stdout, stdin: process.stdin, env });
    // Only free text is masked; the recorder and the UI get the same masked copy.
    const emit = (event: RunEvent) => {
      let e = maskEventText(event, mask);
      if (e.type === 'run.finished' && (e.exitCode === 130 || e.exitCode === 3)) e = { ...e, resumeCommand };
      recorder.onEvent(e);
      view.emit(e);
    };
    const ask =
      view.confirm ??
      createPrompt({ input: process.stdin, output: process.stderr, onInterrupt: () => interrupt('SIGINT') });
    const confirm: ConfirmFn = (request) => ask(maskConfirmText(request, mask));
    const handle = startRun({
      client: endpoint.client,
      plan,
      emit,
      confirm,
      endpoint: endpoint.info,
      yes: values.yes,
      directives,
      ...(previous ? { resumedFrom: previous.runId } : {}),
      ...(pollInitialMs ? { pollInitialMs } : {}),
      ...(pollMaxMs ? { pollMaxMs } : {}),
      ...(quotaWaitMs === undefined ? {} : { quotaWait: { limitMs: quotaWaitMs } }),
    });
    view.setControl?.(handle.control);
    /** The first interrupt's signal; a second interrupt exits at once. */
    let interruptedBy = '';
    const interrupt = (signal: string) => {
      const second = interruptedBy !== '';
      interruptedBy = signal;
      if (second) {
        stderr(`\nrunbook: second ${signal}: exiting now. Run id ${runId}; resume with: ${resumeCommand}\n`);
        process.exit(EXIT.interrupted);
      }
      if (values['terminate-on-interrupt']) handle.control.terminate(signal);
      else handle.control.detach(signal);
    };
    const onSigint = () => interrupt('SIGINT');
    const onSigterm = () => interrupt('SIGTERM');
    // Any exit before the run finished (a second Ctrl-C here or in the TUI, a crash) still leaves a
    // consistent record: writes are synchronous, so they complete inside the 'exit' event.
    const onExit = (exitCode: number) => {
      if (record.state !== 'running') return;
      const ts = new Date().toISOString();
      if (interruptedBy)
        recorder.onEvent({ type: 'run.interrupted', ts, signal: interruptedBy, action: 'detach' });
      recorder.onEvent({
        type: 'run.finished',
        ts,
        ok: false,
        exitCode,
        reason: `the runner exited (code ${exitCode}) before the run finished`,
        runId,
        resumeCommand,
      });
    };
    process.on('SIGINT', onSigint);
    process.on('SIGTERM', onSigterm);
    process.on('exit', onExit);
    cleanup = () => {
      process.off('SIGINT', onSigint);
      process.off('SIGTERM', onSigterm);
      process.off('exit', onExit);
    };
    const code = await handle.result;
    await view.done();
    if (code === EXIT.interrupted)
      stderr(`runbook: run ${runId} stopped; resume it with:\n  ${resumeCommand}\n`);
    if (code === EXIT.unusable) {
      stderr(
        `runbook: run ${runId} could not go on; once JOB can be used again, resume it with:\n  ${resumeCommand}\n`,
      );
    }
    return code;
  } finally {
    cleanup?.();
    await endpoint.close();
  }
}

/** `--quota-wait`: 0 (do not wait), or a duration up to 1 h; undefined: the engine's default (10 min). */
function quotaWaitOf(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  return /^0+(ms|s|m)?$/.test(text.trim()) ? 0 : parseMs('--quota-wait', text);
}

function alive(pid: number): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function resumeCommandOf(file: string, runId: string, values: Record<string, unknown>): string {
  const q = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
  const parts = ['runbook', 'apply', q(file), '--resume', runId];
  if (values.local) parts.push('--local');
  for (const flag of ['emulator-config', 'esb-url', 'apigw-url', 'transport', 'state-dir'] as const) {
    const v = values[flag];
    if (typeof v === 'string') parts.push(`--${flag}`, q(v));
  }
  return parts.join(' ');
}
