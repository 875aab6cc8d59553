import { resolve } from 'node:path';
import { colorEnv, onePositional, parseCommand, parseMs, pollOptions, RUNBOOK_OPTIONS } from '../cli/args.js';
import { createPrompt } from '../cli/confirm.js';
import { loadEndpointCode } from '../endpoint.js';
import { newCallbackToken } from '../engine/callbacks.js';
import { selectSteps } from '../engine/directives.js';
import type { ConfirmFn, RunEvent } from '../engine/events.js';
import { questionOf, type StepDirective, startRun } from '../engine/execute.js';
import { LateSteps, outcomesFromRecord, stepsRead } from '../engine/late-steps.js';
import { RunnerError } from '../errors.js';
import { CliError, EXIT } from '../exit.js';
import { boundHeapGrowthFor } from '../heap-growth.js';
import { resumeLimitProblem } from '../plan/limit.js';
import { openRecorder, unsavedReport } from '../record/durable.js';
import { localError } from '../record/local.js';
import { operatorOf } from '../record/operator.js';
import { applyLockPath, endpointKey, runLockPath, takeLock } from '../record/run-locks.js';
import { prepareSnapshots, writeSnapshots } from '../record/step-snapshots.js';
import { checkRunId, newRunId, readRecord, runDir, runsDir } from '../record/store.js';
import type { RunRecord } from '../record/types.js';
import { escapeControls } from '../render/controls.js';
import { jobLinker } from '../render/job-link.js';
import { chooseUi, loadUiCode, startUi } from '../render/select.js';
import { maskConfirmText, maskEventText } from '../secrets/event-text.js';
import { planIdentities } from '../secrets/identities.js';
import { createMask, credentialValues, rememberIdentities, rememberSecrets } from '../secrets/mask.js';
import { chooseTransport } from '../transport.js';
import { callbackListen } from './apply-callbacks.js';
import { openRunEndpoint } from './apply-endpoint.js';
import { APPLY_HELP } from './apply-help.js';
import { type Lifecycle, startLifecycle } from './apply-lifecycle.js';
import { startingRecord } from './apply-record.js';
import { reviewResumeRun, takeResumedRunbook } from './apply-resume.js';
import { continuable, nextText, resumeCommandOf, shellWord } from './next-command.js';
import { refuseWithoutPerson } from './no-person.js';
import { partialLogReader } from './partial-log.js';
import { preparePlan } from './prepare.js';
import { createRecordGuard } from './record-guard.js';

const OPTIONS = {
  ...RUNBOOK_OPTIONS,
  local: { type: 'boolean', default: false },
  'emulator-config': { type: 'string' },
  'esb-url': { type: 'string' },
  'apigw-url': { type: 'string' },
  transport: { type: 'string' },
  yes: { type: 'boolean', short: 'y', default: false },
  ui: { type: 'string' },
  json: { type: 'boolean', default: false },
  'state-dir': { type: 'string' },
  resume: { type: 'string' },
  'rerun-all-hosts': { type: 'boolean', default: false },
  only: { type: 'string', multiple: true },
  limit: { type: 'string', multiple: true },
  'from-step': { type: 'string' },
  'poll-initial': { type: 'string' },
  'poll-max': { type: 'string' },
  'quota-wait': { type: 'string' },
  'terminate-on-interrupt': { type: 'boolean', default: false },
  'allow-concurrent': { type: 'boolean', default: false },
  'callback-listen': { type: 'string' },
  'callback-url': { type: 'string' },
  'no-callback': { type: 'boolean', default: false },
  'no-gather': { type: 'boolean', default: false },
} as const;

type Values = ReturnType<typeof parseCommand<typeof OPTIONS>>['values'];

interface Context {
  file: string;
  values: Values;
  env: NodeJS.ProcessEnv;
  stderr: (text: string) => void;
  root: string;
  life: Lifecycle;
  /** The command line, for the person who finds a lock. */
  command: string;
}

export async function apply(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand('apply', argv, OPTIONS);
  if (values.help) {
    process.stdout.write(APPLY_HELP);
    return EXIT.ok;
  }
  const file = onePositional('apply', positionals, 'a runbook file', 'FILE');
  if (values.resume) checkRunId(values.resume);
  else if (values['rerun-all-hosts'])
    throw new RunnerError('RUNNER_USAGE', '--rerun-all-hosts goes with --resume RUN', 2, {
      hint: `runbook apply ${file} --resume RUN --rerun-all-hosts (runbook runs lists the runs)`,
    });
  const stderr = (t: string) => process.stderr.write(t);
  const ctx = {
    file,
    values,
    env: process.env,
    stderr,
    root: runsDir(values['state-dir']),
    command: ['runbook', 'apply', ...argv].map(shellWord).join(' '),
  };
  // Before anything else: from here on a signal never kills the process unhandled, every exit path
  // finishes the record, and the locks are released.
  const life = startLifecycle(stderr);
  try {
    return await applyWithLocks({ ...ctx, life });
  } finally {
    life.dispose();
  }
}

async function applyWithLocks(ctx: Context): Promise<number> {
  const { file, values, env, stderr, root, life } = ctx;
  const poll = pollOptions(values, env);
  const quotaWaitMs = quotaWaitOf(values['quota-wait']);
  const listen = callbackListen(values, values.local);
  const ui = chooseUi(uiFlag(values), env, process.stdout.isTTY === true);
  const choice = chooseTransport({
    local: values.local,
    transport: values.transport,
    esbUrl: values['esb-url'],
    apigwUrl: values['apigw-url'],
    env,
  });
  // The run's lock comes before its record is read: of two resumes of one run, one goes on.
  const runId = values.resume ?? newRunId();
  life.hold(
    takeLock({
      path: runLockPath(root, runId),
      what: `run ${runId}`,
      busyCode: 'RUNNER_RUN_BUSY',
      busyHint: 'wait for it to end (runbook runs shows it), or stop that process first',
      command: ctx.command,
      stderr,
    }),
  );
  const previous: RunRecord | undefined = values.resume ? readRecord(root, values.resume) : undefined;
  // Entries of `resumes` before this resume: its checks add one when it takes a changed runbook.
  const resumesBefore = previous?.resumes?.length ?? 0;
  const { plan, secretValues, context } = await preparePlan({
    file,
    runId,
    ...(values.var ? { varArgs: values.var } : {}),
    ...(values['vars-file'] ? { varsFile: values['vars-file'] } : {}),
    ...(previous ? { baseVars: previous.vars } : {}),
    env,
    requireSecrets: true,
    transport: choice.transport,
    stderr,
    ...(values.limit ? { limit: values.limit } : {}),
    ...(previous?.limit ? { limitKeys: previous.limit } : {}),
    selection: {
      ...(values.only ? { only: values.only } : {}),
      ...(values['from-step'] ? { fromStep: values['from-step'] } : {}),
    },
    whileGitAnswers: () => Promise.all([loadEndpointCode(values.local), loadUiCode(ui)]),
  });
  boundHeapGrowthFor(plan, { local: values.local });
  if (previous && values.limit) {
    const refused = resumeLimitProblem(previous.runId, previous.limit, plan.limit ?? []);
    if (refused)
      throw new RunnerError('RUNNER_RESUME_LIMIT', refused, EXIT.usage, {
        hint: 'resume without --limit (the run keeps its own), or start a new run with the new --limit',
      });
  }
  if (!values['allow-concurrent']) {
    const endpoint = endpointKey(values.local, choice.url);
    life.hold(
      takeLock({
        path: applyLockPath(root, resolve(file), endpoint, plan.biz),
        what: `runbook ${resolve(file)} on ${values.local ? 'the local emulator' : endpoint} (biz ${plan.biz})`,
        busyCode: 'RUNNER_RUNBOOK_BUSY',
        busyHint:
          'wait for it to end, or add --allow-concurrent to apply it twice at the same time on purpose',
        command: ctx.command,
        stderr,
      }),
    );
  }
  const directives: Record<string, StepDirective> = selectSteps(plan, values.only, values['from-step']);
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
  // The callback token is a secret of the run: masked like the others wherever text is shown.
  const callbackToken = listen ? newCallbackToken() : undefined;
  if (callbackToken) secrets.push(callbackToken);
  rememberSecrets(secrets);
  rememberIdentities(identities);
  const mask = createMask(secrets, identities);
  const snapshots = prepareSnapshots(plan.steps, mask);
  const review = previous
    ? reviewResumeRun({
        previous,
        plan,
        choice,
        file,
        flags: values,
        runDir: runDir(root, runId),
        snapshots,
        resumeCommand,
        directives,
        mask,
        stderr,
      })
    : undefined;
  // A step --limit left with no host is never sent (its request has no host left either).
  for (const s of plan.steps)
    if (s.skipReason) directives[s.name] ??= { action: 'skip', reason: s.skipReason };
  const changed = (review?.changes.length ?? 0) > 0;
  const needsPerson = !values.yes || Object.values(directives).some((d) => questionOf(d) !== undefined);
  if (needsPerson && ui !== 'tui' && !process.stdin.isTTY) {
    return refuseWithoutPerson({
      directives,
      yes: values.yes,
      changed,
      file,
      next: previous ? resumeCommand : ctx.command,
      ...(previous ? { previous } : {}),
      root,
      stderr,
    });
  }
  // Who runs it, as the record keeps it: masked, since a user name may also be a secret.
  const who = operatorOf(env);
  const operator = who === undefined ? undefined : mask(who);
  if (previous && review) {
    const taken = await takeResumedRunbook({
      previous,
      plan,
      review,
      snapshots,
      yes: values.yes,
      resumeCommand,
      operator,
      stderr,
      onInterrupt: () => life.interrupt('SIGINT'),
      interrupted: () => life.interruptedBy() !== '',
    });
    if (taken === 'interrupted') return stoppedBeforeStart(life, stderr);
    if (taken === 'declined') return EXIT.declined;
  }
  if (life.interruptedBy()) return stoppedBeforeStart(life, stderr);
  const opened = await openRunEndpoint({
    ...(listen ? { listen } : {}),
    ...(callbackToken ? { token: callbackToken } : {}),
    endpoint: {
      local: values.local,
      ...(values['emulator-config'] ? { emulatorConfig: values['emulator-config'] } : {}),
      choice,
      runbookPath: file,
      env,
      ...(values.debug ? { onDebug: (line: string) => stderr(`${escapeControls(mask(line))}\n`) } : {}),
    },
    ...(values.debug ? { debug: (line: string) => stderr(`${line}\n`) } : {}),
  });
  const { endpoint, hub } = opened;
  try {
    if (life.interruptedBy()) return stoppedBeforeStart(life, stderr);
    const record = startingRecord({
      ...(previous ? { previous } : {}),
      resumesBefore,
      plan,
      endpoint: endpoint.info,
      file,
      snapshots,
      env,
      mask,
      operator,
    });
    // A state folder that cannot take the record stops the run here, before anything is sent (exit 5).
    const recorder = openRecorder(root, record);
    try {
      writeSnapshots(recorder.dir, snapshots);
    } catch (err) {
      throw localError(err, `cannot save the step versions of run ${runId} in ${recorder.dir}`);
    }
    const guard = createRecordGuard(recorder);
    const link = jobLinker(env, plan.scope);
    const view = await startUi(
      ui,
      { stdout: process.stdout, stdin: process.stdin, env: colorEnv(values, env) },
      {
        gather: !values['no-gather'],
        ...(link ? { jobLink: (_step: string, id: number) => link(id) } : {}),
        fetchLogs: partialLogReader(endpoint.client, plan, mask),
      },
    );
    let exitCode: number | undefined;
    let lastErrorCode: string | undefined;
    // Only free text is masked; the recorder and the UI get the same masked copy.
    const emit = (event: RunEvent) => {
      let e = maskEventText(event, mask);
      if (e.type === 'step.error') lastErrorCode = e.error.code;
      if (e.type === 'run.finished') {
        e = guard.finishing(e, life.interruptedBy() !== '');
        if (e.exitCode === 130 || e.exitCode === 3 || e.exitCode === 5) e = { ...e, resumeCommand };
        if (continuable(e.exitCode)) e = { ...e, next: resumeCommand };
        exitCode = e.exitCode;
      }
      recorder.onEvent(e);
      view.emit(e);
      guard.after(e);
    };
    const ask =
      view.confirm ??
      createPrompt({
        input: process.stdin,
        output: process.stderr,
        onInterrupt: () => life.interrupt('SIGINT'),
      });
    const confirm: ConfirmFn = (request) => ask(maskConfirmText(request, mask));
    const handle = startRun({
      client: endpoint.client,
      plan,
      emit,
      confirm,
      endpoint: endpoint.info,
      yes: values.yes,
      directives,
      late: new LateSteps(
        context,
        previous ? outcomesFromRecord(previous) : undefined,
        plan.limit,
        mask,
        stepsRead(plan.steps),
      ),
      ...(previous ? { resumedFrom: previous.runId } : {}),
      ...poll,
      ...(quotaWaitMs === undefined ? {} : { quotaWait: { limitMs: quotaWaitMs } }),
      ...(hub ? { callbacks: hub } : {}),
    });
    view.setControl?.(handle.control);
    guard.setControl(handle.control);
    life.attach({
      recorder,
      control: handle.control,
      root,
      resumeCommand,
      terminateOnInterrupt: values['terminate-on-interrupt'],
    });
    const engineCode = await handle.result;
    exitCode ??= engineCode;
    await view.done();
    if (!(await recorder.flush())) {
      stderr(unsavedReport(recorder, root));
      return life.interruptedBy() && exitCode === EXIT.interrupted ? exitCode : EXIT.local;
    }
    const next = nextText(exitCode, runId, resumeCommand, lastErrorCode);
    if (next !== undefined) stderr(next);
    return exitCode;
  } finally {
    await opened.close();
  }
}

/** A signal came while the run was being prepared: nothing was sent, the record was not touched. */
function stoppedBeforeStart(life: Lifecycle, stderr: (text: string) => void): number {
  stderr(`runbook: ${life.interruptedBy()} before the run started; nothing was sent\n`);
  return EXIT.interrupted;
}

/** `--json` is `--ui json`; with another `--ui` it is a contradiction (exit 2). */
function uiFlag(values: Values): string | undefined {
  if (!values.json) return values.ui;
  if (values.ui !== undefined && values.ui !== 'json')
    throw new CliError(`--json and --ui ${values.ui} contradict each other: --json is --ui json`, EXIT.usage);
  return 'json';
}

/** `--quota-wait`: 0 (do not wait), or a duration up to 1 h; undefined: the engine's default (10 min). */
function quotaWaitOf(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  return /^0+(ms|s|m|h)?$/.test(text.trim()) ? 0 : parseMs('--quota-wait', text);
}
