import type { CheckContext } from '../context.js';
import { isCloudId, parseHostEntry } from '../hosts.js';
import { JOB_LIMITS, type LimitedField, measure, overLimit } from '../limits.js';
import { scanTemplate } from '../template.js';
import type { ScriptFile } from './files.js';
import { asArray, asObj, isObj, type Obj } from './util.js';

/**
 * The part of a value known before resolution: its literal text (`$${{` unescaped). Expressions may
 * resolve to nothing, so a value whose literal part is over a limit is over it whatever they hold.
 */
function literalPart(text: string): { text: string; partial: boolean; secrets: boolean } {
  if (!text.includes('${{')) return { text, partial: false, secrets: false };
  let out = '';
  let partial = false;
  let secrets = false;
  for (const part of scanTemplate(text)) {
    if (part.kind === 'literal') out += part.text;
    else partial = true;
    if (part.kind === 'ref' && part.namespace === 'secrets') secrets = true;
  }
  return { text: out, partial, secrets };
}

/** The step keys whose text JOB limits, each a field of `overLimit` of the same name. */
const TEXT_FIELDS = ['params', 'script', 'task_name', 'callback_url'] as const satisfies ReadonlyArray<
  Exclude<LimitedField, 'targets'>
>;

/** The smallest limit of each field (params: when sensitive), in the unit `measure` gives. */
const SMALLEST: Record<(typeof TEXT_FIELDS)[number], number> = {
  params: Math.min(JOB_LIMITS.paramBytes, JOB_LIMITS.sensitiveParamBytes),
  script: JOB_LIMITS.scriptBytes,
  task_name: JOB_LIMITS.taskNameChars,
  callback_url: JOB_LIMITS.callbackUrlChars,
};

/** Checks the values JOB limits in size, as far as they are written in the runbook and its script files. */
export function checkLimits(ctx: CheckContext, scriptFiles: ReadonlyMap<number, ScriptFile>): void {
  const groups = asObj(ctx.data.groups);
  const defaults = asObj(ctx.data.defaults);
  const cloud = isCloudId(defaults.cloud) ? defaults.cloud : 0;
  asArray(ctx.data.steps).forEach((step, i) => {
    if (!isObj(step)) return;
    const at = `/steps/${i}`;
    let sensitiveParams: boolean | undefined;
    const sensitive = (): boolean => {
      sensitiveParams ??=
        step.sensitive === true || (typeof step.params === 'string' && literalPart(step.params).secrets);
      return sensitiveParams;
    };
    for (const field of TEXT_FIELDS) {
      if (typeof step[field] !== 'string') continue;
      // The literal part is never longer than the whole text: a text within the smallest limit of
      // its field is within it (the usual case, so no need to take the expressions out).
      if (measure(field, step[field] as string) <= SMALLEST[field]) continue;
      const literal = literalPart(step[field] as string);
      const name = field === 'params' && sensitive() ? 'sensitive params' : field;
      const without = field === 'params' ? ' (without their expressions)' : ' (without its expressions)';
      const what = `${name}${literal.partial ? without : ''}`;
      const message = overLimit(field, measure(field, literal.text), { sensitive: sensitive(), what });
      if (message) ctx.report('SCHEMA_JOB_LIMIT', message, `${at}/${field}`);
    }
    const file = scriptFiles.get(i);
    if (file && measure('script', file.text) > SMALLEST.script) {
      const literal = literalPart(file.text);
      const what = `script_file ${String(step.script_file)}${literal.partial ? ' (without its expressions)' : ''}`;
      const message = overLimit('script', measure('script', literal.text), { what });
      if (message) ctx.report('SCHEMA_JOB_LIMIT', message, `${at}/script_file`);
    }
    const hosts = countHosts(step, groups, cloud);
    const message = overLimit('targets', hosts, { what: `step "${String(step.name)}"` });
    if (message) ctx.report('SCHEMA_JOB_LIMIT', message, `${at}/hosts`);
  });
}

/** Distinct literal hosts of a step, groups expanded (entries with expressions are known only later). */
function countHosts(step: Obj, groups: Obj, cloud: number): number {
  // Most steps cannot reach the limit even counting every entry of every group: no need to dedupe.
  let bound = 0;
  for (const entry of asArray(step.hosts)) {
    const group =
      typeof entry === 'string' && Object.hasOwn(groups, entry) ? asObj(groups[entry]) : undefined;
    bound += group ? asArray(group.hosts).length : 1;
  }
  if (bound <= JOB_LIMITS.targets) return bound;
  const seen = new Set<string>();
  const add = (entry: unknown, inGroup: boolean): void => {
    if (typeof entry === 'string' && entry.includes('${{')) return;
    const parsed = parseHostEntry(entry, cloud);
    if ('cloud' in parsed) seen.add(`${parsed.cloud}:${parsed.ip}`);
    else if ('hostId' in parsed) seen.add(`id:${parsed.hostId}`);
    else if ('group' in parsed && !inGroup && Object.hasOwn(groups, parsed.group)) {
      for (const h of asArray(asObj(groups[parsed.group]).hosts)) add(h, true);
    }
  };
  for (const entry of asArray(step.hosts)) add(entry, false);
  return seen.size;
}
