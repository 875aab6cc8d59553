import type { JobClient } from '@runbook/core';
import type { Plan, PlannedStep } from '../plan/types.js';
import type { Transport } from '../transport.js';
import type { CallbackHub } from './callbacks.js';
import { aborted, type EventBody, type RunContext } from './context.js';
import type { ConfirmFn, ConfirmRequest, EventSink, RunControl, RunEvent } from './events.js';
import { terminateJob } from './job.js';
import type { LateSteps } from './late-steps.js';
import type { QuotaWait } from './quota.js';
import { runStep } from './step.js';

/** Which of a step's hosts run (a resumed step): absent, all of them as planned. */
interface HostSubset {
  /** Host keys (`CLOUD:IP`, `id:N`) to run, in new batches of the step's batch sizes. */
  hosts?: string[];
  /** Number of the first new batch: after the batches an earlier run recorded. */
  firstBatch?: number;
}

/** What to do with a step, decided before the run (by `--resume`, `--only`, `--from-step`). */
export type StepDirective =
  | ({ action: 'run' } & HostSubset)
  | { action: 'skip'; reason: string }
  /**
   * Follow a job submitted by an earlier run instead of submitting again (`batch`: the batch it
   * ran, with its `batchHosts`); then run `hosts`, when given.
   */
  | ({
      action: 'reattach';
      jobInstanceId: number;
      jobInstanceName?: string;
      batch?: number;
      batchHosts?: string[];
      /** Asked of a person before the job is followed: `hosts` hold hosts whose outcome is unknown. */
      reason?: string;
    } & HostSubset)
  /** An earlier submit may have started a job: ask a person before running it again. */
  | ({ action: 'ask'; reason: string } & HostSubset);

/** The question a directive puts to a person before anything is sent or followed, if any. */
export function questionOf(d: StepDirective): string | undefined {
  return d.action === 'ask' || d.action === 'reattach' ? d.reason : undefined;
}

export interface ExecuteOptions {
  client: JobClient;
  plan: Plan;
  emit: EventSink;
  /** Asks a person; called only for questions `yes` does not answer. */
  confirm: ConfirmFn;
  /** Where the client talks to; `transport` defaults to what the client speaks. */
  endpoint: { url: string; local: boolean; transport?: Transport; config?: string };
  /** Answer the run's question and every step's `confirm:` with yes (`--yes`). */
  yes?: boolean;
  /** By step name; absent means run. */
  directives?: Record<string, StepDirective>;
  resumedFrom?: string;
  /** First poll delay and its cap, in ms. */
  pollInitialMs?: number;
  pollMaxMs?: number;
  /** Extra time allowed beyond a step's script timeout before following gives up, in ms. */
  followGraceMs?: number;
  /** How long a submit refused by JOB's running-job quota is retried (`--quota-wait`, default 10 min). */
  quotaWait?: QuotaWait;
  /** Resolves each step's late values (outputs, `when:`, `from_step`) from the steps before it. */
  late?: LateSteps;
  /** JOB's callback: given on each submit (unless the step has its own) and waking the follower. */
  callbacks?: CallbackHub;
}

export interface RunHandle {
  control: RunControl;
  /** Resolves to the exit code once `run.finished` was emitted. */
  result: Promise<number>;
}

export { TYPE_TO_CONFIRM_HOSTS } from './step.js';

/** Submits each step in order, follows it to the end, and emits events; never prints. */
export function startRun(options: ExecuteOptions): RunHandle {
  const stop = new AbortController();
  let interrupt: { signal: string; action: 'detach' | 'terminate' } | undefined;
  const control: RunControl = {
    detach(reason) {
      if (interrupt) return;
      interrupt = { signal: reason, action: 'detach' };
      stop.abort();
    },
    terminate(reason) {
      if (interrupt) return;
      interrupt = { signal: reason, action: 'terminate' };
      stop.abort();
    },
  };
  const result = run(options, stop.signal, () => interrupt);
  return { control, result };
}

/** Runs the plan to the end; resolves to the exit code. */
export function execute(options: ExecuteOptions): Promise<number> {
  return startRun(options).result;
}

async function run(
  options: ExecuteOptions,
  signal: AbortSignal,
  interrupted: () => { signal: string; action: 'detach' | 'terminate' } | undefined,
): Promise<number> {
  const { client, plan } = options;
  const emit = (e: EventBody) => {
    // What a step left (its hosts' results and outputs, or its skip) is kept for the steps after it.
    options.late?.observe(e);
    options.emit({ ts: new Date().toISOString(), ...e } as RunEvent);
  };
  const ctx: RunContext = { client, plan, options, signal, emit, ask };
  emit(runStarted(options));
  const failedHosts: Array<{ step: string; hosts: string[]; ignored?: boolean }> = [];
  const finish = (exitCode: number, reason: string): number => {
    emit({
      type: 'run.finished',
      ok: exitCode === 0,
      exitCode,
      reason,
      runId: plan.runId,
      ...(failedHosts.length ? { failedHosts } : {}),
    });
    return exitCode;
  };
  async function ask(req: ConfirmRequest, flagAnswers: boolean): Promise<boolean | undefined> {
    emit({ type: 'confirm.asked', ...req });
    if (flagAnswers && options.yes) {
      emit({ type: 'confirm.answered', ...(req.step ? { step: req.step } : {}), accepted: true, by: 'flag' });
      return true;
    }
    const answer = await Promise.race([options.confirm(req), aborted(signal)]);
    if (answer === undefined) return undefined;
    emit({
      type: 'confirm.answered',
      ...(req.step ? { step: req.step } : {}),
      accepted: answer,
      by: 'person',
    });
    return answer;
  }
  async function interruptedExit(): Promise<number> {
    const it = interrupted()!;
    emit({ type: 'run.interrupted', signal: it.signal, action: it.action });
    if (it.action === 'terminate' && ctx.current) await terminateJob(ctx, ctx.current.step, ctx.current.ref);
    return finish(130, 'interrupted');
  }

  const directiveOf = (s: PlannedStep): StepDirective =>
    options.directives?.[s.name] ??
    (s.skipReason !== undefined ? { action: 'skip', reason: s.skipReason } : { action: 'run' });
  const toRun = plan.steps.filter((s) => directiveOf(s).action !== 'skip');
  if (toRun.length === 0) {
    for (const s of plan.steps) {
      const d = directiveOf(s);
      emit({ type: 'step.skipped', step: s.name, reason: d.action === 'skip' ? d.reason : 'not selected' });
    }
    return finish(0, 'nothing to run: every step is skipped');
  }
  const go = await ask(runQuestion(plan, toRun, directiveOf), true);
  if (go === undefined) return interruptedExit();
  if (!go) return finish(4, 'the run was declined; nothing was sent');

  let failed: PlannedStep | undefined;
  let partial: PlannedStep | undefined;
  let abortedBy: PlannedStep | undefined;
  for (const planned of plan.steps) {
    if (signal.aborted) return interruptedExit();
    const directive = directiveOf(planned);
    if (directive.action === 'skip') {
      emit({ type: 'step.skipped', step: planned.name, reason: directive.reason });
      continue;
    }
    if (abortedBy) {
      emit({ type: 'step.skipped', step: planned.name, reason: `not run: step ${abortedBy.name} failed` });
      continue;
    }
    // Late values come from the steps before (a re-attached job was submitted with them already).
    const late = lateStep(options, planned, directive.action === 'reattach');
    if (late.kind === 'skip') {
      emit({ type: 'step.skipped', step: planned.name, reason: late.reason });
      continue;
    }
    if (late.kind === 'fail') {
      emit({ type: 'step.error', step: planned.name, error: late.error });
      if (planned.onFailure === 'ignore') continue;
      failed ??= planned;
      if (planned.onFailure === 'abort') abortedBy = planned;
      continue;
    }
    const step = late.step;
    const out = await runStep(ctx, step, directive);
    if (out.kind === 'interrupted') return interruptedExit();
    if (out.kind === 'exit') return finish(out.exitCode, out.reason);
    if (out.result !== 'succeeded') {
      const ignored = step.onFailure === 'ignore';
      failedHosts.push({ step: step.name, hosts: out.failedHosts, ...(ignored ? { ignored: true } : {}) });
      // A partial step (failures within its budget) lets the run go on, whatever `on_failure` says.
      if (ignored) continue;
      if (out.result === 'partial') partial ??= step;
      else failed ??= step;
      if (out.result === 'failed' && step.onFailure === 'abort') abortedBy = step;
    }
    // An interrupt that came while this step's logs were fetched stops the run before the next step.
  }
  if (abortedBy) return finish(1, `step ${abortedBy.name} failed; the run stopped`);
  if (failed) return finish(1, 'a step failed');
  if (partial) return finish(1, `step ${partial.name} failed on some hosts, within its failure budget`);
  const ignored = failedHosts.map((f) => f.step);
  if (ignored.length)
    return finish(
      0,
      `every step succeeded but ${ignored.join(', ')}, whose failure is ignored (on_failure: ignore)`,
    );
  return finish(0, 'every step succeeded');
}

function runStarted(options: ExecuteOptions): EventBody {
  const { plan, client } = options;
  return {
    type: 'run.started',
    runId: plan.runId,
    runbook: {
      path: plan.runbookPath,
      name: plan.name,
      ...(plan.git.sha !== undefined ? { gitSha: plan.git.sha, dirty: plan.git.dirty ?? false } : {}),
    },
    endpoint: { ...options.endpoint, transport: options.endpoint.transport ?? client.transport },
    biz: plan.biz,
    ...(plan.limit ? { limit: plan.limit } : {}),
    steps: plan.steps.map((s) => ({
      name: s.name,
      ...(s.description ? { description: s.description } : {}),
      hostCount: s.hostCount,
      ...hostsAfter(s),
      customQueries: s.customQueries.length,
      ...(s.topoNodes.length ? { topoNodes: s.topoNodes.length } : {}),
    })),
    ...(options.resumedFrom ? { resumedFrom: options.resumedFrom } : {}),
  };
}

/** The run's first question: how many steps on how many distinct hosts. */
function runQuestion(
  plan: Plan,
  toRun: PlannedStep[],
  directiveOf: (s: PlannedStep) => StepDirective,
): ConfirmRequest {
  // A resumed step runs again only on the hosts its directive names: the question counts those.
  const keysOf = (s: PlannedStep) => {
    const d = directiveOf(s);
    return d.action !== 'skip' && d.hosts ? d.hosts : [...s.hosts, ...s.hostIds.map((id) => `id:${id}`)];
  };
  const hostTotal = new Set(toRun.flatMap(keysOf)).size;
  const queries = new Set(toRun.flatMap((s) => s.customQueries)).size;
  const nodes = new Set(toRun.flatMap((s) => s.topoNodes)).size;
  const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  const fromResults = toRun.some((s) => s.late?.some((l) => l.fields.includes('hosts')))
    ? " and hosts chosen from earlier steps' results"
    : '';
  return {
    question: `Run ${plural(toRun.length, 'step', 'steps')} of ${plan.name} on ${plural(hostTotal, 'host', 'hosts')}${queries ? ` and ${plural(queries, 'custom query', 'custom queries')}` : ''}${nodes ? ` and ${plural(nodes, 'topology node', 'topology nodes')}` : ''}${fromResults}?`,
    hostCount: hostTotal,
  };
}

/** The step as it runs now: its late values resolved, or why it is skipped or fails unsent. */
function lateStep(
  options: ExecuteOptions,
  planned: PlannedStep,
  reattach: boolean,
):
  | { kind: 'run'; step: PlannedStep }
  | { kind: 'skip'; reason: string }
  | { kind: 'fail'; error: { code: string; message: string; hint: string } } {
  if (reattach) return { kind: 'run', step: planned };
  const r = options.late?.before(planned);
  if (!r)
    return planned.skipReason ? { kind: 'skip', reason: planned.skipReason } : { kind: 'run', step: planned };
  if (r.kind !== 'fail') return r;
  const hint =
    'nothing was sent for this step; fix the runbook or what the scripts print, then resume the run';
  return { kind: 'fail', error: { code: 'RUNNER_LATE_VALUE', message: r.message, hint } };
}

/** `hostsAfter` of a run.started step: the steps whose results choose its `{ from_step }` hosts. */
function hostsAfter(s: PlannedStep): { hostsAfter?: string[] } {
  const after = (s.late ?? []).filter((l) => l.fields.includes('hosts')).map((l) => l.after);
  return after.length ? { hostsAfter: after } : {};
}
