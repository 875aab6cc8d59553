import type { CheckContext } from '../context.js';
import { type Ref, refsOf, refText } from '../expr/ast.js';
import { joinPointer, offsetInValue } from '../source.js';
import { didYouMean } from '../suggest.js';
import { parseWhen } from '../template.js';
import type { RefSite } from './expressions.js';
import { checkRef } from './expressions.js';
import { asArray, isObj } from './util.js';

interface StepInfo {
  index: number;
  /** Declared `outputs:`, when the step declares them. */
  outputs?: string[];
}
const cache = new WeakMap<CheckContext, Map<string, StepInfo>>();

function stepsOf(ctx: CheckContext): Map<string, StepInfo> {
  let m = cache.get(ctx);
  if (m) return m;
  m = new Map();
  asArray(ctx.data.steps).forEach((raw, index) => {
    if (!isObj(raw) || typeof raw.name !== 'string' || m!.has(raw.name)) return;
    const outputs = Array.isArray(raw.outputs)
      ? raw.outputs.filter((o): o is string => typeof o === 'string')
      : undefined;
    m!.set(raw.name, { index, ...(outputs ? { outputs } : {}) });
  });
  cache.set(ctx, m);
  return m;
}

/** Checks a step name read from step `at` (0-based): it exists and runs before. Returns its info. */
function earlierStep(
  ctx: CheckContext,
  name: string,
  at: number | undefined,
  what: string,
  report: (code: string, message: string) => void,
): StepInfo | undefined {
  const steps = stepsOf(ctx);
  const info = steps.get(name);
  if (!info) {
    const hint = didYouMean(name, [...steps.keys()], (s) => s);
    report('SCHEMA_UNDEFINED_REF', `${what}: no step is named "${name}"${hint}`);
    return undefined;
  }
  if (at !== undefined && info.index >= at) {
    const which =
      info.index === at ? 'this step itself' : `step ${info.index + 1}, which runs after this one`;
    report('SCHEMA_STEP_ORDER', `${what}: "${name}" is ${which}; a step can only read steps before it`);
    return undefined;
  }
  return info;
}

/** Checks `steps.NAME.…`: allowed here, an earlier step, a declared output. */
export function checkStepRef(
  ctx: CheckContext,
  ref: Extract<Ref, { ns: 'steps' }>,
  site: Pick<RefSite, 'where' | 'stepIndex' | 'stepsAllowed'>,
  report: (code: string, message: string) => void,
): void {
  const text = refText(ref);
  if (!site.stepsAllowed || site.stepIndex === undefined) {
    report(
      'SCHEMA_EXPRESSION_PLACEMENT',
      `${text} cannot be used in ${site.where}; earlier steps are read in a step's script, script_file, params, task_name and when (hosts: use a { from_step } entry)`,
    );
    return;
  }
  const info = earlierStep(ctx, ref.step, site.stepIndex, text, report);
  if (info && ref.prop === 'outputs') checkOutputName(ref.step, info, ref.key, text, report);
}

function checkOutputName(
  step: string,
  info: StepInfo,
  key: string,
  what: string,
  report: (code: string, message: string) => void,
): void {
  if (!info.outputs || info.outputs.includes(key)) return;
  const hint = didYouMean(key, info.outputs, (s) => s);
  const declared = info.outputs.length ? info.outputs.join(', ') : 'none';
  report(
    'SCHEMA_UNDEFINED_REF',
    `${what}: step "${step}" does not declare output "${key}" (its outputs: ${declared})${hint}`,
  );
}

/** Checks each step's `when:`, `outputs:` and `{ from_step }` host entries. */
export function checkStepFlow(ctx: CheckContext): void {
  for (const [name, g] of Object.entries(isObj(ctx.data.groups) ? ctx.data.groups : {})) {
    asArray(isObj(g) ? g.hosts : undefined).forEach((h, j) => {
      if (isObj(h) && 'from_step' in h)
        ctx.report(
          'SCHEMA_HOST',
          "a group cannot hold a { from_step } entry: put it in the step's hosts",
          `${joinPointer('/groups', name)}/hosts/${j}/from_step`,
          'key',
        );
    });
  }
  asArray(ctx.data.steps).forEach((raw, i) => {
    if (!isObj(raw)) return;
    const at = `/steps/${i}`;
    if (typeof raw.when === 'string') checkWhen(ctx, raw.when, `${at}/when`, i);
    const seen = new Set<unknown>();
    asArray(raw.outputs).forEach((o, j) => {
      if (seen.has(o)) ctx.report('SCHEMA_VALUE', `output "${o}" is listed twice`, `${at}/outputs/${j}`);
      seen.add(o);
    });
    asArray(raw.hosts).forEach((h, j) => {
      if (!isObj(h) || typeof h.from_step !== 'string') return;
      const pointer = `${at}/hosts/${j}`;
      const report = (code: string, message: string) => ctx.report(code, message, `${pointer}/from_step`);
      const info = earlierStep(ctx, h.from_step, i, 'from_step', report);
      if (!info || !isObj(h.output)) return;
      for (const key of Object.keys(h.output)) {
        checkOutputName(h.from_step, info, key, `from_step output ${key}`, (code, message) =>
          ctx.report(code, message, `${pointer}/output/${key}`, 'key'),
        );
      }
    });
  });
}

function checkWhen(ctx: CheckContext, text: string, pointer: string, stepIndex: number): void {
  const at = (start: number, end: number) => {
    const needle = text.slice(start, end);
    return needle.trim() === ''
      ? offsetInValue(ctx.doc, ctx.src.text, pointer, '${{', 0)
      : offsetInValue(ctx.doc, ctx.src.text, pointer, needle, 0);
  };
  const parsed = parseWhen(text);
  if (!parsed.ok) {
    ctx.reportAt('SCHEMA_EXPRESSION', `when: ${parsed.message}`, at(parsed.start, parsed.end));
    return;
  }
  for (const r of refsOf(parsed.expr)) {
    const report = (code: string, message: string) => ctx.reportAt(code, message, at(r.start, r.end));
    if (r.ref.ns === 'secrets') {
      report(
        'SCHEMA_SECRET_PLACEMENT',
        `${r.text} cannot be used in when: a secret may only be used in params`,
      );
      continue;
    }
    checkRef(ctx, r.ref, { secretsAllowed: false, where: 'when', stepIndex, stepsAllowed: true }, report);
  }
}
