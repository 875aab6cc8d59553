import type { CheckContext } from '../context.js';
import { envRefusal, secretEnvNames } from '../env-refs.js';
import { type Ref, refsOf, refText } from '../expr/ast.js';
import { joinPointer, offsetInValue } from '../source.js';
import { didYouMean } from '../suggest.js';
import { type Namespace, scanTemplate, type TemplatePart } from '../template.js';
import { checkStepRef } from './step-refs.js';
import { asObj, isObj } from './util.js';

/** Where expressions are evaluated (JSON pointers with `*` for any key or index). */
const EVALUATED = [
  /^\/biz$/,
  /^\/scope\/id$/,
  /^\/defaults\/account$/,
  /^\/steps\/\d+\/(params|script|task_name|account|callback_url)$/,
  /^\/steps\/\d+\/(hosts|custom_query|topo)\/\d+$/,
  /^\/groups\/[^/]+\/(hosts|custom_query|topo)\/\d+$/,
];
const PARAMS = /^\/steps\/\d+\/params$/;
/** Where `steps.*` may be read: values that become known only when the step is about to run. */
const STEP_READS = /^\/steps\/(\d+)\/(params|script|task_name)$/;
/** Free text that is shown, never evaluated: `${{` there is just text. */
const FREE_TEXT = /\/description$/;
/** Checked on their own (checks/step-refs.ts): a whole expression. */
const OWN_CHECK = /^\/steps\/\d+\/when$/;

const FIXED: Partial<Record<Namespace, string[]>> = { runbook: ['name'], run: ['id'], git: ['sha'] };

/** Where a reference is found: a value in the runbook, or a line in a script file. */
export interface RefSite {
  /** Reports at the expression's offset inside the value. */
  report(code: string, message: string, start: number, exprText: string): void;
  /** Secrets are allowed here. */
  secretsAllowed: boolean;
  /** Describes the place for messages: `params`, `script`, `scripts/rotate.sh`. */
  where: string;
  /** The step the text belongs to (0-based), when it belongs to one. */
  stepIndex?: number;
  /** `steps.*` may be read here (script, script_file, params, task_name, when). */
  stepsAllowed?: boolean;
}

/** Checks every `${{ … }}` in a string: syntax, known references, secrets only in params, no credential through env. */
export function checkTemplate(ctx: CheckContext, text: string, site: RefSite): void {
  for (const part of scanTemplate(text)) {
    if (part.kind === 'literal') continue;
    const exprText = text.slice(part.start, part.end);
    if (part.kind === 'error') {
      site.report('SCHEMA_EXPRESSION', part.message, part.start, exprText);
      continue;
    }
    const report = (code: string, message: string) => site.report(code, message, part.start, exprText);
    if (part.kind === 'ref') {
      checkRef(ctx, { ns: part.namespace, name: part.name } as Ref, site, report);
      continue;
    }
    for (const r of refsOf(part.expr)) {
      if (r.ref.ns === 'secrets') {
        report(
          'SCHEMA_SECRET_PLACEMENT',
          `${r.text} may be used only alone, as \${{ ${r.text} }} in params: a secret's value is masked as a whole`,
        );
      } else checkRef(ctx, r.ref, site, report);
    }
  }
}

/** Checks one reference: declared, fixed names, secrets only in params, env refusals, earlier steps. */
export function checkRef(
  ctx: CheckContext,
  ref: Ref,
  site: Pick<RefSite, 'secretsAllowed' | 'where' | 'stepIndex' | 'stepsAllowed'>,
  report: (code: string, message: string) => void,
): void {
  const vars = asObj(ctx.data.vars);
  const secrets = asObj(ctx.data.secrets);
  if (ref.ns === 'steps') {
    checkStepRef(ctx, ref, site, report);
  } else if (ref.ns === 'vars' && !Object.hasOwn(vars, ref.name)) {
    const hint = didYouMean(ref.name, Object.keys(vars), (s) => `vars.${s}`);
    report(
      'SCHEMA_UNDEFINED_REF',
      `undefined reference ${refText(ref)}: no var "${ref.name}" is declared${hint}`,
    );
  } else if (ref.ns === 'secrets' && !Object.hasOwn(secrets, ref.name)) {
    const hint = didYouMean(ref.name, Object.keys(secrets), (s) => `secrets.${s}`);
    report(
      'SCHEMA_UNDEFINED_REF',
      `undefined reference ${refText(ref)}: no secret "${ref.name}" is declared${hint}`,
    );
  } else if (FIXED[ref.ns] && !FIXED[ref.ns]!.includes(ref.name)) {
    const only = FIXED[ref.ns]!.map((n) => `${ref.ns}.${n}`).join(', ');
    report('SCHEMA_UNDEFINED_REF', `undefined reference ${refText(ref)}; ${ref.ns} has only ${only}`);
  } else if (ref.ns === 'secrets' && !site.secretsAllowed) {
    report(
      'SCHEMA_SECRET_PLACEMENT',
      `${refText(ref)} is used in ${site.where}; secrets may only be used in params (JOB shows scripts on its execution page and keeps them in its history)`,
    );
  } else if (ref.ns === 'env') {
    const refused = envRefusal(ref.name, secretEnvNames(secrets));
    if (refused) report('SCHEMA_SECRET_PLACEMENT', refused);
  }
}

/** Walks every string of the runbook and checks its expressions where they are evaluated. */
export function checkExpressions(ctx: CheckContext): void {
  // Pointers are built only for strings that hold `${{`: most values have none.
  const visit = (value: unknown, path: Array<string | number>): void => {
    if (typeof value === 'string') {
      if (value.includes('${{'))
        checkString(
          ctx,
          value,
          path.reduce<string>((p, seg) => joinPointer(p, seg), ''),
        );
    } else if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        path.push(i);
        visit(value[i], path);
        path.pop();
      }
    } else if (isObj(value)) {
      for (const k in value) {
        if (!Object.hasOwn(value, k) || (path.length === 0 && k.startsWith('x-'))) continue; // x-: anchors only
        path.push(k);
        visit(value[k], path);
        path.pop();
      }
    }
  };
  visit(ctx.data, []);
}

/** The last segment of a pointer that is not an index: `params`, `hosts`, `the runbook`. */
const whereOf = (pointer: string): string =>
  pointer
    .split('/')
    .filter((s) => !/^\d+$/.test(s))
    .pop() ?? 'the runbook';

/**
 * A string value of the runbook as a place expressions are found. `where` is worked out only when a
 * message needs it (a class getter: an object literal's getter would give each site its own map).
 */
class ValueSite implements RefSite {
  readonly secretsAllowed: boolean;
  readonly stepIndex: number | undefined;
  readonly stepsAllowed: boolean;
  #where: string | undefined;
  #occurrences: Map<string, number> | undefined;
  constructor(
    private readonly ctx: CheckContext,
    private readonly pointer: string,
  ) {
    this.secretsAllowed = PARAMS.test(pointer);
    const inStep = /^\/steps\/(\d+)\//.exec(pointer);
    this.stepIndex = inStep ? Number(inStep[1]) : undefined;
    this.stepsAllowed = STEP_READS.test(pointer);
  }

  get where(): string {
    this.#where ??= whereOf(this.pointer);
    return this.#where;
  }

  report(code: string, message: string, _start: number, exprText: string): void {
    this.#occurrences ??= new Map();
    const nth = this.#occurrences.get(exprText) ?? 0;
    this.#occurrences.set(exprText, nth + 1);
    const { ctx, pointer } = this;
    ctx.reportAt(code, message, offsetInValue(ctx.doc, ctx.src.text, pointer, exprText, nth));
  }
}

function checkString(ctx: CheckContext, value: string, pointer: string): void {
  const site = new ValueSite(ctx, pointer);
  if (EVALUATED.some((re) => re.test(pointer))) {
    checkTemplate(ctx, value, site);
    return;
  }
  if (FREE_TEXT.test(pointer) || OWN_CHECK.test(pointer)) return;
  const first = scanTemplate(value).find(
    (p): p is Exclude<TemplatePart, { kind: 'literal' }> => p.kind !== 'literal',
  );
  if (first) {
    site.report(
      'SCHEMA_EXPRESSION_PLACEMENT',
      `expressions are not evaluated in ${site.where}; they work in biz, scope.id, params, script, script_file contents, task_name, account, callback_url, host strings, custom_query and topo strings`,
      first.start,
      value.slice(first.start, first.end),
    );
  }
}
