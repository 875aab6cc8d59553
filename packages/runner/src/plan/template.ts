import {
  type Expr,
  envRefusal,
  evaluate,
  type Looked,
  type Ref,
  refsOf,
  refText,
  scanTemplate,
  type Value,
  valueText,
} from '@runbook/schema';
import { MASK } from '../secrets/mask.js';

/**
 * What earlier steps left: the value a `steps.*` reference reads, or `undefined` while the step has
 * not run yet (a late value: known after that step).
 */
export type StepsLookup = (ref: Extract<Ref, { ns: 'steps' }>) => Looked | undefined;

/** The values expressions read: `vars.*`, `secrets.*`, `env.*`, `runbook.name`, `run.id`, `git.sha`. */
export interface Scope {
  vars: Record<string, string | number | boolean>;
  /** Secret values by name; absent when not set in the environment. */
  secrets: Record<string, string | undefined>;
  env: Record<string, string | undefined>;
  /** The environment variable of each declared secret: `env.*` may not read them (nor BK_* credentials). */
  secretEnvs: ReadonlyMap<string, string>;
  runbook: { name: string };
  run: { id: string };
  git: { sha: string };
  /** Earlier steps' results; absent at plan time, when every `steps.*` is known only after its step. */
  steps?: StepsLookup;
}

export interface Rendered {
  /** The text with every reference replaced: what is sent. */
  value: string;
  /** The same with every secret shown as `***`: what may be shown. */
  display: string;
  /** Names of the secrets the text used. */
  secrets: string[];
  /**
   * The steps whose results the text waits for (not run yet): `value` and `display` then show
   * `<known after STEP>` where the value will be.
   */
  late?: string[];
}

/** What stands for a value known only after a step ran. */
export const knownAfter = (steps: readonly string[]): string => `<known after ${steps.join(', ')}>`;

/**
 * Replaces every `${{ ns.name }}` of `text` (split by schema's `scanTemplate`, so `$${{` stays a literal
 * `${{`). Returns the problems instead of throwing; `allowSecrets` is false everywhere but `params`.
 */
export function renderTemplate(
  text: string,
  scope: Scope,
  allowSecrets: boolean,
): { ok: true; rendered: Rendered } | { ok: false; messages: string[] } {
  // Plain text (every host of a list of 50,000, most fields): what the scan below would give.
  if (!text.includes('${{')) return { ok: true, rendered: { value: text, display: text, secrets: [] } };
  let value = '';
  let display = '';
  const secrets: string[] = [];
  const messages: string[] = [];
  const late = new Set<string>();
  for (const part of scanTemplate(text)) {
    if (part.kind === 'literal') {
      value += part.text;
      display += part.text;
      continue;
    }
    if (part.kind === 'error') {
      messages.push(part.message);
      continue;
    }
    if (part.kind === 'expr') {
      const r = evaluateExpr(part.expr, scope, text.slice(part.start, part.end));
      if ('late' in r) {
        for (const s of r.late) late.add(s);
        value += knownAfter(r.late);
        display += knownAfter(r.late);
      } else if (!r.ok) messages.push(r.message);
      else {
        value += valueText(r.value);
        display += valueText(r.value);
      }
      continue;
    }
    const ref = `${part.namespace}.${part.name}`;
    const looked = lookup(scope, part.namespace, part.name);
    if (part.namespace === 'secrets') {
      if (!allowSecrets) {
        messages.push(`\${{ ${ref} }} may be used only in params (a secret in a script is stored by JOB)`);
        continue;
      }
      if (looked === undefined) {
        messages.push(
          Object.hasOwn(scope.secrets, part.name)
            ? `secret ${part.name} is not set in the environment`
            : `\${{ ${ref} }} refers to an undeclared secret`,
        );
        continue;
      }
      secrets.push(part.name);
      value += looked;
      display += MASK;
      continue;
    }
    const refused = part.namespace === 'env' ? envRefusal(part.name, scope.secretEnvs) : undefined;
    if (refused) {
      messages.push(refused);
      continue;
    }
    if (looked === undefined) {
      messages.push(
        part.namespace === 'env'
          ? `\${{ ${ref} }}: environment variable ${part.name} is not set`
          : `\${{ ${ref} }} refers to something undefined`,
      );
      continue;
    }
    value += looked;
    display += looked;
  }
  if (messages.length > 0) return { ok: false, messages };
  return { ok: true, rendered: { value, display, secrets, ...(late.size ? { late: [...late] } : {}) } };
}

/**
 * Evaluates an expression (`when:` or a `${{ }}` that is more than a plain reference) over the scope.
 * `late`: steps it reads that have not run yet. Secrets are never read by an expression.
 */
export function evaluateExpr(
  expr: Expr,
  scope: Scope,
  written: string,
): { ok: true; value: Value } | { ok: false; message: string } | { late: string[] } {
  const late = new Set<string>();
  for (const r of refsOf(expr)) {
    if (r.ref.ns === 'steps' && scope.steps?.(r.ref) === undefined) late.add(r.ref.step);
  }
  if (late.size) return { late: [...late] };
  const problems: string[] = [];
  const r = evaluate(expr, (ref) => {
    if (ref.ns === 'steps') return scope.steps!(ref)!;
    if (ref.ns === 'secrets') {
      problems.push(
        `${refText(ref)} cannot be read by an expression; use \${{ ${refText(ref)} }} alone in params`,
      );
      return { ok: false, why: 'secrets are not read here' };
    }
    const refused = ref.ns === 'env' ? envRefusal(ref.name, scope.secretEnvs) : undefined;
    if (refused) {
      problems.push(refused);
      return { ok: false, why: 'refused' };
    }
    if (ref.ns === 'vars' && Object.hasOwn(scope.vars, ref.name))
      return { ok: true, value: scope.vars[ref.name]! };
    const v = lookup(scope, ref.ns, ref.name);
    if (v !== undefined) return { ok: true, value: v };
    return {
      ok: false,
      why: ref.ns === 'env' ? `environment variable ${ref.name} is not set` : 'it is not defined',
    };
  });
  if (problems.length) return { ok: false, message: problems[0]! };
  if (r.ok) return r;
  return { ok: false, message: `in ${written}: ${r.error.message}` };
}

function lookup(scope: Scope, ns: string, name: string): string | undefined {
  switch (ns) {
    case 'vars':
      return Object.hasOwn(scope.vars, name) ? String(scope.vars[name]) : undefined;
    case 'secrets':
      return Object.hasOwn(scope.secrets, name) ? scope.secrets[name] : undefined;
    case 'env':
      return Object.hasOwn(scope.env, name) ? scope.env[name] : undefined;
    case 'runbook':
      return name === 'name' ? scope.runbook.name : undefined;
    case 'run':
      return name === 'id' ? scope.run.id : undefined;
    case 'git':
      return name === 'sha' ? scope.git.sha : undefined;
    default:
      return undefined;
  }
}
