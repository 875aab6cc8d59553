import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename, dirname, resolve as resolvePath } from 'node:path';
import { encodeBase64 } from '@runbook/core';
import {
  effectiveScriptType,
  type Issue,
  type LoadedRunbook,
  parseDuration,
  type Step,
  scriptTypeCode,
  secretEnvNames,
} from '@runbook/schema';
import { MASK, MIN_SECRET_LENGTH } from '../secrets/mask.js';
import type { Transport } from '../transport.js';
import { gitInfo } from './git.js';
import { expandTargets, topoText } from './hosts.js';
import { requestLimitProblems } from './limits.js';
import { resolveScope, scopeFields, scopeFingerprint } from './scope.js';
import { effectiveRolling, planBatches } from './step-batches.js';
import { varsUsedBy } from './step-vars.js';
import { defaultTaskName } from './task-name.js';
import { renderTemplate, type Scope } from './template.js';
import { transportTargetProblems } from './transport-targets.js';
import type { Plan, PlannedRequest, PlannedStep, ScriptSource } from './types.js';
import { resolveVars, type VarInputs } from './vars.js';

/** Seconds sent when neither the step nor `defaults` gives a timeout (JOB 2.x's own default). */
export const DEFAULT_TIMEOUT_SEC = 1000;

export interface ResolveOptions {
  runId: string;
  vars?: VarInputs;
  /** Read for `env.*` and for secrets. */
  env?: Record<string, string | undefined>;
  /** When false (`runbook plan`), a missing secret becomes a warning and `***` stands in for it. */
  requireSecrets?: boolean;
  /** The transport the plan is for (default v2): ESB v2 cannot target host ids or topology nodes. */
  transport?: Transport;
}

export type ResolveResult =
  | { ok: true; plan: Plan; secretValues: string[]; warnings: string[] }
  | { ok: false; issues: Issue[] };

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const short = (text: string) => sha256(text).slice(0, 16);

/** Turns a validated runbook into a plan: the exact requests, and what a person needs to read them. */
export function resolvePlan(loaded: LoadedRunbook, options: ResolveOptions): ResolveResult {
  const rb = loaded.runbook;
  const env = options.env ?? {};
  const transport = options.transport ?? 'v2';
  const lines = loaded.text.split(/\r?\n/);
  const issues: Issue[] = [];
  const warnings: string[] = [];
  /** The position of a pointer's value, else of its nearest ancestor's. */
  const positionOf = (pointer: string) => {
    for (let p = pointer; ; p = p.slice(0, p.lastIndexOf('/'))) {
      const pos = loaded.positions.get(p);
      if (pos || p === '') return pos ?? { line: 1, col: 1 };
    }
  };
  const problem = (pointer: string, message: string, code = 'RUNNER_RESOLVE') => {
    const pos = positionOf(pointer);
    issues.push({
      code,
      message,
      file: loaded.path,
      line: pos.line,
      col: pos.col,
      source: lines[pos.line - 1] ?? '',
    });
  };

  const vars = resolveVars(rb, options.vars ?? {});
  for (const p of vars.problems) problem(p.name ? `/vars/${p.name}` : '/vars', p.message, 'RUNNER_VAR');

  const secrets: Record<string, string | undefined> = {};
  const unset = new Set<string>();
  for (const [name, decl] of Object.entries(rb.secrets ?? {})) {
    const envName = typeof decl === 'string' ? decl : decl.env;
    const value = env[envName] === '' ? undefined : env[envName];
    if (value === undefined && !options.requireSecrets) unset.add(name);
    if (value !== undefined && [...value.trim()].length < MIN_SECRET_LENGTH) {
      // Masking a shorter value would hide common words and digits everywhere; never print the value.
      problem(
        `/secrets/${name}`,
        `secret ${name} (${envName}) is shorter than ${MIN_SECRET_LENGTH} characters; use a longer value (nothing was sent)`,
        'RUNNER_SECRET_SHORT',
      );
    }
    // `runbook plan` shows `***` for a secret either way, so a missing one may stand in as `***`.
    secrets[name] = value ?? (options.requireSecrets ? undefined : MASK);
  }
  const baseDir = dirname(resolvePath(loaded.path));
  // The schema read each script_file while checking it: use that text, so what was checked is what
  // is sent. Only a runbook loaded without those checks is read here.
  const scriptFiles = new Map<string, string>();
  rb.steps.forEach((step, i) => {
    if (step.script_file === undefined || scriptFiles.has(step.script_file)) return;
    const checked = loaded.scriptFiles.get(i)?.text;
    if (checked !== undefined) {
      scriptFiles.set(step.script_file, checked);
      return;
    }
    try {
      scriptFiles.set(step.script_file, readFileSync(resolvePath(baseDir, step.script_file), 'utf8'));
    } catch (err) {
      problem(
        `/steps/${i}/script_file`,
        `cannot read script_file ${step.script_file}: ${(err as Error).message}`,
      );
    }
  });
  const git = gitInfo(resolvePath(loaded.path), [
    resolvePath(loaded.path),
    ...[...scriptFiles.keys()].map((f) => resolvePath(baseDir, f)),
  ]);
  const gitText = git.sha ? `${git.sha}${git.dirty ? '+dirty' : ''}` : '';
  const secretEnvs = secretEnvNames(rb.secrets);
  const scope: Scope = {
    vars: vars.values,
    secrets,
    env,
    secretEnvs,
    runbook: { name: rb.name },
    run: { id: options.runId },
    git: { sha: gitText },
  };
  const missingSecrets = new Set<string>();
  const render = (text: string, pointer: string, allowSecrets = false) => {
    const r = renderTemplate(text, scope, allowSecrets);
    if (r.ok) {
      for (const name of r.rendered.secrets) if (unset.has(name)) missingSecrets.add(name);
      return r.rendered;
    }
    for (const m of r.messages) {
      const missing = /^secret (\S+) is not set/.exec(m);
      if (!missing) problem(pointer, m);
      else {
        const decl = rb.secrets?.[missing[1]!];
        const envName = typeof decl === 'string' ? decl : decl?.env;
        problem(
          pointer,
          `secret ${missing[1]} is not set: export ${envName} before applying (nothing was sent)`,
          'RUNNER_SECRET_MISSING',
        );
      }
    }
    return undefined;
  };

  const jobScope = resolveScope(rb, render, problem);
  const biz = jobScope?.id ?? 0;

  const files: Record<string, string> = { [basename(loaded.path)]: sha256(loaded.text) };
  for (const [f, text] of scriptFiles) files[f] = sha256(text);
  const steps: PlannedStep[] = [];
  rb.steps.forEach((step, index) => {
    const planned = resolveStep(step, index);
    if (planned) steps.push(planned);
  });

  function resolveStep(step: Step, index: number): PlannedStep | undefined {
    const at = `/steps/${index}`;
    const before = issues.length;
    const d = rb.defaults ?? {};
    const { targets, problems } = expandTargets(step, at, rb.groups ?? {}, d.cloud ?? 0, (t) => {
      const r = renderTemplate(t, scope, false);
      return r.ok ? { ok: true, value: r.rendered.value } : r;
    });
    for (const p of problems) problem(p.pointer, p.message);
    for (const p of transportTargetProblems(step.name, targets, transport))
      problem(p.pointer, p.message, p.code);

    let source: ScriptSource = { kind: 'inline' };
    let script: string | undefined;
    if (step.script_id !== undefined) source = { kind: 'stored', scriptId: step.script_id };
    else if (step.script_file !== undefined) {
      source = { kind: 'file', path: step.script_file };
      const text = scriptFiles.get(step.script_file);
      if (text !== undefined) script = render(text, `${at}/script_file`)?.value;
    } else script = render(step.script ?? '', `${at}/script`)?.value;
    const typeName = step.script_id !== undefined ? undefined : effectiveScriptType(step, d.type);

    const params = step.params !== undefined ? render(step.params, `${at}/params`, true) : undefined;
    const account = render(step.account ?? d.account ?? '', `${at}/account`)?.value ?? '';
    if (account === '' && issues.length === before)
      problem(at, `step ${step.name} has no account: set account here or in defaults`);
    const timeoutRaw = step.timeout ?? d.timeout;
    const timeoutSec = timeoutRaw === undefined ? DEFAULT_TIMEOUT_SEC : parseDuration(timeoutRaw);
    if (timeoutSec === undefined || timeoutSec < 60 || timeoutSec > 86400) {
      problem(
        step.timeout !== undefined ? `${at}/timeout` : '/defaults/timeout',
        `timeout ${timeoutRaw} must be 60 s to 86400 s`,
      );
    }
    const explicitName = step.task_name !== undefined ? render(step.task_name, `${at}/task_name`) : undefined;
    const taskName = explicitName?.value ?? defaultTaskName(rb.name, step.name, gitText);
    const callback =
      step.callback_url !== undefined ? render(step.callback_url, `${at}/callback_url`)?.value : undefined;
    const sensitive = (params?.secrets.length ?? 0) > 0 || step.sensitive === true;
    const sized = {
      at,
      name: step.name,
      ...(params ? { params } : {}),
      sensitive,
      ...(script !== undefined ? { script } : {}),
      ...(step.script_file !== undefined ? { scriptFile: step.script_file } : {}),
      ...(explicitName ? { taskName: explicitName.value } : {}),
      ...(callback !== undefined ? { callback } : {}),
      hostCount: targets.ipList.length + targets.hostIds.length,
    };
    for (const p of requestLimitProblems(sized, (name) => secretEnvs.get(name)))
      problem(p.pointer, p.message, 'RUNNER_JOB_LIMIT');
    const hosts = targets.ipList.map((t) => `${t.bk_cloud_id}:${t.ip}`);
    const topoNodes = targets.topoNodes.map(topoText);
    const rolled = planBatches(step.name, at, effectiveRolling(step, d), { ...targets, hosts, topoNodes });
    for (const p of rolled.problems) problem(p.pointer, p.message, p.code);
    if (issues.length > before || !jobScope) return undefined;

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
      hostCount: hosts.length + targets.hostIds.length,
      timeoutSec: timeoutSec!,
      account,
      taskName,
      onFailure: step.on_failure ?? d.on_failure ?? 'abort',
      ...(rolled.rolling ? { rolling: rolled.rolling } : {}),
      batches: rolled.batches,
      ...(step.confirm !== undefined ? { confirm: step.confirm } : {}),
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
      },
      vars: varsUsedBy(
        [
          JSON.stringify(step),
          step.script_file !== undefined ? scriptFiles.get(step.script_file) : undefined,
          JSON.stringify(rb.defaults ?? {}),
          JSON.stringify(rb.groups ?? {}),
        ],
        [step.when],
      ),
    };
  }

  // In file order, as validate reports them.
  issues.sort((a, b) => a.line - b.line || a.col - b.col);
  if (issues.length > 0) return { ok: false, issues };
  for (const name of missingSecrets) {
    const decl = rb.secrets?.[name];
    warnings.push(
      `secret ${name} is not set (${typeof decl === 'string' ? decl : decl?.env}); apply would stop before sending anything`,
    );
  }
  const contentHash = sha256(
    Object.entries(files)
      .map(([f, h]) => `${f}\0${h}`)
      .join('\n'),
  );
  const plan: Plan = {
    runbookPath: loaded.path,
    name: rb.name,
    ...(rb.description ? { description: rb.description } : {}),
    biz,
    scope: jobScope!,
    transport,
    runId: options.runId,
    git,
    contentHash,
    files,
    vars: vars.values,
    secretNames: Object.keys(secrets),
    steps,
  };
  const secretValues = Object.entries(secrets)
    .filter(([name, v]) => v !== undefined && !unset.has(name))
    .map(([, v]) => v as string);
  return { ok: true, plan, secretValues, warnings };
}
