import { createHash } from 'node:crypto';
import { encodeBase64 } from '@runbook/core';
import {
  effectiveScriptType,
  parseDuration,
  parseWhen,
  type Step,
  scriptTypeCode,
  truthy,
} from '@runbook/schema';
import { MASK } from '../secrets/mask.js';
import { type ResolveContext, renderAt, report } from './context.js';
import { expandTargets, type FromStep, topoText } from './hosts.js';
import { requestLimitProblems } from './limits.js';
import { scopeFields, scopeFingerprint } from './scope.js';
import { effectiveRolling, planBatches } from './step-batches.js';
import { varsUsedBy } from './step-vars.js';
import { defaultTaskName } from './task-name.js';
import { evaluateExpr, renderTemplate } from './template.js';
import { transportTargetProblems } from './transport-targets.js';
import type { LateField, PlannedRequest, PlannedStep, ScriptSource } from './types.js';

/** Seconds sent when neither the step nor `defaults` gives a timeout (JOB 2.x's own default). */
export const DEFAULT_TIMEOUT_SEC = 1000;

export const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const short = (text: string) => sha256(text).slice(0, 16);

/**
 * Resolves one step against the context: the exact request, and what a person needs to read it.
 * Values that read earlier steps are resolved when `ctx.scope.steps` knows those steps (before the
 * step runs), else shown as `<known after STEP>` and listed in `late` (at plan time). Problems go to
 * `ctx.issues`; undefined when there were any.
 */
export function resolveStep(
  ctx: ResolveContext,
  step: Step,
  index: number,
  fromStep?: FromStep,
): PlannedStep | undefined {
  const { loaded, scope } = ctx;
  const rb = loaded.runbook;
  const at = `/steps/${index}`;
  const before = ctx.issues.length;
  const d = rb.defaults ?? {};
  const late = new Map<string, Set<LateField>>();
  const wait = (steps: readonly string[] | undefined, field: LateField) => {
    for (const s of steps ?? []) late.set(s, (late.get(s) ?? new Set()).add(field));
  };
  const render = (text: string, pointer: string, field: LateField, allowSecrets = false) => {
    const r = renderAt(ctx, text, pointer, allowSecrets);
    wait(r?.late, field);
    return r;
  };

  const when = resolveWhen(ctx, step, at, wait);
  const { targets, problems } = expandTargets(
    step,
    at,
    rb.groups ?? {},
    d.cloud ?? 0,
    (t) => {
      const r = renderTemplate(t, scope, false);
      return r.ok ? { ok: true, value: r.rendered.value } : r;
    },
    fromStep,
  );
  for (const p of problems) report(ctx, p.pointer, p.message);
  wait(targets.late, 'hosts');
  for (const p of transportTargetProblems(step.name, targets, ctx.transport))
    report(ctx, p.pointer, p.message, p.code);

  let source: ScriptSource = { kind: 'inline' };
  let script: string | undefined;
  if (step.script_id !== undefined) source = { kind: 'stored', scriptId: step.script_id };
  else if (step.script_file !== undefined) {
    source = { kind: 'file', path: step.script_file };
    const text = ctx.scriptFiles.get(step.script_file);
    if (text !== undefined) script = render(text, `${at}/script_file`, 'script')?.value;
  } else script = render(step.script ?? '', `${at}/script`, 'script')?.value;
  const typeName = step.script_id !== undefined ? undefined : effectiveScriptType(step, d.type);

  const params = step.params !== undefined ? render(step.params, `${at}/params`, 'params', true) : undefined;
  const account = renderAt(ctx, step.account ?? d.account ?? '', `${at}/account`)?.value ?? '';
  if (account === '' && ctx.issues.length === before)
    report(ctx, at, `step ${step.name} has no account: set account here or in defaults`);
  const timeoutRaw = step.timeout ?? d.timeout;
  const timeoutSec = timeoutRaw === undefined ? DEFAULT_TIMEOUT_SEC : parseDuration(timeoutRaw);
  if (timeoutSec === undefined || timeoutSec < 60 || timeoutSec > 86400) {
    report(
      ctx,
      step.timeout !== undefined ? `${at}/timeout` : '/defaults/timeout',
      `timeout ${timeoutRaw} must be 60 s to 86400 s`,
    );
  }
  const explicitName =
    step.task_name !== undefined ? render(step.task_name, `${at}/task_name`, 'task_name') : undefined;
  const taskName = explicitName?.value ?? defaultTaskName(rb.name, step.name, ctx.gitText);
  const callback =
    step.callback_url !== undefined
      ? renderAt(ctx, step.callback_url, `${at}/callback_url`)?.value
      : undefined;
  const sensitive = (params?.secrets.length ?? 0) > 0 || step.sensitive === true;
  const hostCount = targets.ipList.length + targets.hostIds.length;
  const sized = {
    at,
    name: step.name,
    ...(params ? { params } : {}),
    sensitive,
    ...(script !== undefined ? { script } : {}),
    ...(step.script_file !== undefined ? { scriptFile: step.script_file } : {}),
    ...(explicitName ? { taskName: explicitName.value } : {}),
    ...(callback !== undefined ? { callback } : {}),
    hostCount,
  };
  for (const p of requestLimitProblems(sized, (name) => ctx.secretEnvs.get(name)))
    report(ctx, p.pointer, p.message, 'RUNNER_JOB_LIMIT');
  const hosts = targets.ipList.map((t) => `${t.bk_cloud_id}:${t.ip}`);
  const topoNodes = targets.topoNodes.map(topoText);
  const rolled = planBatches(step.name, at, effectiveRolling(step, d), { ...targets, hosts, topoNodes });
  for (const p of rolled.problems) report(ctx, p.pointer, p.message, p.code);
  const jobScope = ctx.jobScope;
  if (ctx.issues.length > before || !jobScope) return undefined;

  const request: PlannedRequest = {
    ...scopeFields(jobScope),
    task_name: taskName,
    ...(step.script_id !== undefined
      ? { script_id: step.script_id }
      : { script_content: encodeBase64(script ?? '') }),
    ...(params ? { script_param: encodeBase64(params.value) } : {}),
    script_timeout: timeoutSec!,
    account,
    is_param_sensitive: sensitive ? 1 : 0,
    ...(typeName ? { script_type: scriptTypeCode(typeName)! } : {}),
    ...(targets.ipList.length ? { ip_list: targets.ipList } : {}),
    ...(targets.hostIds.length ? { host_id_list: targets.hostIds } : {}),
    ...(targets.topoNodes.length ? { topo_node_list: targets.topoNodes } : {}),
    ...(targets.customQueries.length ? { custom_query_id: targets.customQueries } : {}),
    ...(callback ? { bk_callback_url: callback } : {}),
  };
  // Host ids and topology nodes join the fingerprint only when present: runs recorded before them
  // keep their fingerprint, and resume.
  const targetText = JSON.stringify(
    targets.hostIds.length || topoNodes.length
      ? [hosts, targets.customQueries, targets.hostIds, topoNodes]
      : [hosts, targets.customQueries],
  );
  const pos = loaded.positions.get(at);
  const noHost = !late.size && hostCount + topoNodes.length + targets.customQueries.length === 0;
  const skipReason =
    when?.value === false
      ? `when ${when.text} is false`
      : noHost && targets.emptyFrom
        ? `${targets.emptyFrom.join(' and ')} matched no host`
        : undefined;
  return {
    name: step.name,
    ...(step.description ? { description: step.description } : {}),
    index,
    ...(pos ? { line: pos.line, col: pos.col } : {}),
    request,
    source,
    ...(script !== undefined ? { script, scriptSha256: sha256(script) } : {}),
    ...(typeName ? { scriptType: typeName } : {}),
    // An author who marks params sensitive means all of them; secrets alone are masked by value.
    ...(params ? { paramsDisplay: step.sensitive === true ? MASK : params.display } : {}),
    sensitive,
    hosts,
    hostIds: targets.hostIds,
    customQueries: targets.customQueries,
    topoNodes,
    hostCount,
    timeoutSec: timeoutSec!,
    account,
    taskName,
    onFailure: step.on_failure ?? d.on_failure ?? 'abort',
    ...(rolled.rolling ? { rolling: rolled.rolling } : {}),
    // A step that does not run has no batch; late hosts are cut into batches just before it runs.
    batches: skipReason ? [] : rolled.batches,
    ...(step.confirm !== undefined ? { confirm: step.confirm } : {}),
    ...(when ? { when: when.text } : {}),
    ...(step.outputs ? { outputs: step.outputs } : {}),
    ...(late.size
      ? { late: [...late].map(([after, fields]) => ({ after, fields: [...fields].sort() })) }
      : {}),
    ...(skipReason ? { skipReason } : {}),
    fingerprint: {
      biz: short(scopeFingerprint(jobScope)),
      script: short(step.script_id !== undefined ? `id:${step.script_id}` : (script ?? '')),
      type: short(typeName ?? ''),
      params: short(params?.display ?? ''),
      sensitive: short(String(sensitive)),
      account: short(account),
      timeout: short(String(timeoutSec)),
      targets: short(targetText),
      callback: short(callback ?? ''),
      // Only steps with `when:` have it: runs recorded before it keep their fingerprint.
      ...(step.when !== undefined ? { when: short(step.when) } : {}),
    },
    vars: varsUsedBy(
      [
        JSON.stringify(step),
        step.script_file !== undefined ? ctx.scriptFiles.get(step.script_file) : undefined,
        JSON.stringify(rb.defaults ?? {}),
        JSON.stringify(rb.groups ?? {}),
      ],
      [step.when],
    ),
  };
}

/**
 * `when:` of a step: its expression as written, and its value when known now (`undefined` while it
 * reads a step that has not run). A problem (a missing value, a refused reference) is an issue.
 */
function resolveWhen(
  ctx: ResolveContext,
  step: Step,
  at: string,
  wait: (steps: readonly string[], field: LateField) => void,
): { text: string; value?: boolean } | undefined {
  if (step.when === undefined) return undefined;
  const parsed = parseWhen(step.when);
  const text = step.when
    .trim()
    .replace(/^\$\{\{\s*/, '')
    .replace(/\s*\}\}$/, '');
  if (!parsed.ok) {
    report(ctx, `${at}/when`, `when: ${parsed.message}`);
    return { text };
  }
  const r = evaluateExpr(parsed.expr, ctx.scope, step.when.trim());
  if ('late' in r) {
    wait(r.late, 'when');
    return { text };
  }
  if (!r.ok) {
    report(ctx, `${at}/when`, `when: ${r.message}`);
    return { text };
  }
  return { text, value: truthy(r.value) };
}
