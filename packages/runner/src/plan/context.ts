import { readFileSync } from 'node:fs';
import { dirname, resolve as resolvePath } from 'node:path';
import { type Issue, type LoadedRunbook, secretEnvNames } from '@runbook/schema';
import { MASK, MIN_SECRET_LENGTH } from '../secrets/mask.js';
import type { Transport } from '../transport.js';
import { type GitInfo, gitInfo } from './git.js';
import { type PlanScope, resolveScope } from './scope.js';
import { type Rendered, renderTemplate, type Scope } from './template.js';
import { resolveVars, type VarInputs } from './vars.js';

export interface ResolveOptions {
  runId: string;
  vars?: VarInputs;
  /** Read for `env.*` and for secrets. */
  env?: Record<string, string | undefined>;
  /** When false (`runbook plan`), a missing secret becomes a warning and `***` stands in for it. */
  requireSecrets?: boolean;
  /** The transport the plan is for (default v2): ESB v2 cannot target host ids or topology nodes. */
  transport?: Transport;
  /** Git's view of the runbook, when the caller asked git already (`gitInfoOf`); else asked here. */
  git?: GitInfo;
}

/**
 * What every step of a run resolves against, known before any step runs: vars, secrets, env, git,
 * the script files' text and the JOB scope. Problems are collected in `issues` with positions.
 */
export interface ResolveContext {
  loaded: LoadedRunbook;
  transport: Transport;
  scope: Scope;
  jobScope?: PlanScope;
  /** `abc1234+dirty`, or empty outside git. */
  gitText: string;
  git: { sha?: string; dirty?: boolean };
  /** The text of each `script_file`, by the path as written. */
  scriptFiles: Map<string, string>;
  secretEnvs: ReadonlyMap<string, string>;
  /** Secrets not set in the environment (`runbook plan` shows `***` for them). */
  unset: Set<string>;
  /** Secrets a rendered value used while unset: a warning for `plan`. */
  missingSecrets: Set<string>;
  issues: Issue[];
}

/** The position of a pointer's value, else of its nearest ancestor's, as a positioned issue. */
export function report(ctx: ResolveContext, pointer: string, message: string, code = 'RUNNER_RESOLVE'): void {
  const { loaded } = ctx;
  let pos = { line: 1, col: 1 };
  for (let p = pointer; ; p = p.slice(0, p.lastIndexOf('/'))) {
    const at = loaded.positions.get(p);
    if (at || p === '') {
      pos = at ?? pos;
      break;
    }
  }
  const source = loaded.text.split(/\r?\n/, pos.line)[pos.line - 1] ?? '';
  ctx.issues.push({ code, message, file: loaded.path, line: pos.line, col: pos.col, source });
}

/** Renders a value at a pointer; problems become issues (undefined then). */
export function renderAt(
  ctx: ResolveContext,
  text: string,
  pointer: string,
  allowSecrets = false,
): Rendered | undefined {
  const r = renderTemplate(text, ctx.scope, allowSecrets);
  if (r.ok) {
    for (const name of r.rendered.secrets) if (ctx.unset.has(name)) ctx.missingSecrets.add(name);
    return r.rendered;
  }
  const secrets = ctx.loaded.runbook.secrets;
  for (const m of r.messages) {
    const missing = /^secret (\S+) is not set/.exec(m);
    if (!missing) report(ctx, pointer, m);
    else {
      const decl = secrets?.[missing[1]!];
      const envName = typeof decl === 'string' ? decl : decl?.env;
      report(
        ctx,
        pointer,
        `secret ${missing[1]} is not set: export ${envName} before applying (nothing was sent)`,
        'RUNNER_SECRET_MISSING',
      );
    }
  }
  return undefined;
}

/** Phase 0: what the whole run resolves against. */
export function createContext(loaded: LoadedRunbook, options: ResolveOptions): ResolveContext {
  const rb = loaded.runbook;
  const env = options.env ?? {};
  const ctx: ResolveContext = {
    loaded,
    transport: options.transport ?? 'v2',
    scope: undefined as unknown as Scope,
    gitText: '',
    git: {},
    scriptFiles: new Map(),
    secretEnvs: secretEnvNames(rb.secrets),
    unset: new Set(),
    missingSecrets: new Set(),
    issues: [],
  };
  const vars = resolveVars(rb, options.vars ?? {});
  for (const p of vars.problems) report(ctx, p.name ? `/vars/${p.name}` : '/vars', p.message, 'RUNNER_VAR');

  const secrets: Record<string, string | undefined> = {};
  for (const [name, decl] of Object.entries(rb.secrets ?? {})) {
    const envName = typeof decl === 'string' ? decl : decl.env;
    const value = env[envName] === '' ? undefined : env[envName];
    if (value === undefined && !options.requireSecrets) ctx.unset.add(name);
    if (value !== undefined && [...value.trim()].length < MIN_SECRET_LENGTH) {
      // Masking a shorter value would hide common words and digits everywhere; never print the value.
      report(
        ctx,
        `/secrets/${name}`,
        `secret ${name} (${envName}) is shorter than ${MIN_SECRET_LENGTH} characters; use a longer value (nothing was sent)`,
        'RUNNER_SECRET_SHORT',
      );
    }
    // `runbook plan` shows `***` for a secret either way, so a missing one may stand in as `***`.
    secrets[name] = value ?? (options.requireSecrets ? undefined : MASK);
  }
  readScriptFiles(ctx);
  ctx.git = options.git ?? gitInfo(loaded.path, rb);
  ctx.gitText = ctx.git.sha ? `${ctx.git.sha}${ctx.git.dirty ? '+dirty' : ''}` : '';
  ctx.scope = {
    vars: vars.values,
    secrets,
    env,
    secretEnvs: ctx.secretEnvs,
    runbook: { name: rb.name },
    run: { id: options.runId },
    git: { sha: ctx.gitText },
  };
  const jobScope = resolveScope(
    rb,
    (text, pointer) => renderAt(ctx, text, pointer),
    (pointer, message) => report(ctx, pointer, message),
  );
  if (jobScope) ctx.jobScope = jobScope;
  return ctx;
}

/**
 * The schema read each script_file while checking it: that text is used, so what was checked is what
 * is sent. Only a runbook loaded without those checks is read here.
 */
function readScriptFiles(ctx: ResolveContext): void {
  const { loaded } = ctx;
  const baseDir = dirname(resolvePath(loaded.path));
  loaded.runbook.steps.forEach((step, i) => {
    if (step.script_file === undefined || ctx.scriptFiles.has(step.script_file)) return;
    const checked = loaded.scriptFiles.get(i)?.text;
    if (checked !== undefined) {
      ctx.scriptFiles.set(step.script_file, checked);
      return;
    }
    try {
      ctx.scriptFiles.set(step.script_file, readFileSync(resolvePath(baseDir, step.script_file), 'utf8'));
    } catch (err) {
      report(
        ctx,
        `/steps/${i}/script_file`,
        `cannot read script_file ${step.script_file}: ${(err as Error).message}`,
      );
    }
  });
}
