import { envRefusal, scanTemplate } from '@runbook/schema';
import { MASK } from '../secrets/mask.js';

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
}

export interface Rendered {
  /** The text with every reference replaced: what is sent. */
  value: string;
  /** The same with every secret shown as `***`: what may be shown. */
  display: string;
  /** Names of the secrets the text used. */
  secrets: string[];
}

/**
 * Replaces every `${{ ns.name }}` of `text` (split by schema's `scanTemplate`, so `$${{` stays a literal
 * `${{`). Returns the problems instead of throwing; `allowSecrets` is false everywhere but `params`.
 */
export function renderTemplate(
  text: string,
  scope: Scope,
  allowSecrets: boolean,
): { ok: true; rendered: Rendered } | { ok: false; messages: string[] } {
  let value = '';
  let display = '';
  const secrets: string[] = [];
  const messages: string[] = [];
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
  return messages.length > 0 ? { ok: false, messages } : { ok: true, rendered: { value, display, secrets } };
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
