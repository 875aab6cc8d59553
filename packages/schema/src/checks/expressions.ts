import type { CheckContext } from '../context.js';
import { envRefusal, secretEnvNames } from '../env-refs.js';
import { joinPointer, offsetInValue } from '../source.js';
import { didYouMean } from '../suggest.js';
import { type Namespace, scanTemplate, type TemplatePart } from '../template.js';
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
/** Free text that is shown, never evaluated: `${{` there is just text. */
const FREE_TEXT = /\/description$/;

const FIXED: Partial<Record<Namespace, string[]>> = { runbook: ['name'], run: ['id'], git: ['sha'] };

/** Where a reference is found: a value in the runbook, or a line in a script file. */
export interface RefSite {
  /** Reports at the expression's offset inside the value. */
  report(code: string, message: string, start: number, exprText: string): void;
  /** Secrets are allowed here. */
  secretsAllowed: boolean;
  /** Describes the place for messages: `params`, `script`, `scripts/rotate.sh`. */
  where: string;
}

/** Checks every `${{ … }}` in a string: syntax, known references, secrets only in params, no credential through env. */
export function checkTemplate(ctx: CheckContext, text: string, site: RefSite): void {
  const vars = asObj(ctx.data.vars);
  const secrets = asObj(ctx.data.secrets);
  let secretEnvs: Map<string, string> | undefined;
  for (const part of scanTemplate(text)) {
    if (part.kind === 'literal') continue;
    const exprText = text.slice(part.start, part.end);
    if (part.kind === 'error') {
      site.report('SCHEMA_EXPRESSION', part.message, part.start, exprText);
      continue;
    }
    const ref = `${part.namespace}.${part.name}`;
    if (part.namespace === 'vars' && !Object.hasOwn(vars, part.name)) {
      const hint = didYouMean(part.name, Object.keys(vars), (s) => `vars.${s}`);
      site.report(
        'SCHEMA_UNDEFINED_REF',
        `undefined reference ${ref}: no var "${part.name}" is declared${hint}`,
        part.start,
        exprText,
      );
    } else if (part.namespace === 'secrets' && !Object.hasOwn(secrets, part.name)) {
      const hint = didYouMean(part.name, Object.keys(secrets), (s) => `secrets.${s}`);
      site.report(
        'SCHEMA_UNDEFINED_REF',
        `undefined reference ${ref}: no secret "${part.name}" is declared${hint}`,
        part.start,
        exprText,
      );
    } else if (FIXED[part.namespace] && !FIXED[part.namespace]!.includes(part.name)) {
      const only = FIXED[part.namespace]!.map((n) => `${part.namespace}.${n}`).join(', ');
      site.report(
        'SCHEMA_UNDEFINED_REF',
        `undefined reference ${ref}; ${part.namespace} has only ${only}`,
        part.start,
        exprText,
      );
    } else if (part.namespace === 'secrets' && !site.secretsAllowed) {
      site.report(
        'SCHEMA_SECRET_PLACEMENT',
        `${ref} is used in ${site.where}; secrets may only be used in params (JOB shows scripts on its execution page and keeps them in its history)`,
        part.start,
        exprText,
      );
    } else if (part.namespace === 'env') {
      secretEnvs ??= secretEnvNames(secrets);
      const refused = envRefusal(part.name, secretEnvs);
      if (refused) site.report('SCHEMA_SECRET_PLACEMENT', refused, part.start, exprText);
    }
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

function checkString(ctx: CheckContext, value: string, pointer: string): void {
  const where =
    pointer
      .split('/')
      .filter((s) => !/^\d+$/.test(s))
      .pop() ?? 'the runbook';
  const occurrences = new Map<string, number>();
  const site: RefSite = {
    secretsAllowed: PARAMS.test(pointer),
    where,
    report: (code, message, _start, exprText) => {
      const nth = occurrences.get(exprText) ?? 0;
      occurrences.set(exprText, nth + 1);
      ctx.reportAt(code, message, offsetInValue(ctx.doc, ctx.src.text, pointer, exprText, nth));
    },
  };
  if (EVALUATED.some((re) => re.test(pointer))) {
    checkTemplate(ctx, value, site);
    return;
  }
  if (FREE_TEXT.test(pointer)) return;
  const first = scanTemplate(value).find(
    (p): p is Exclude<TemplatePart, { kind: 'literal' }> => p.kind !== 'literal',
  );
  if (first) {
    site.report(
      'SCHEMA_EXPRESSION_PLACEMENT',
      `expressions are not evaluated in ${where}; they work in biz, scope.id, params, script, script_file contents, task_name, account, callback_url, host strings, custom_query and topo strings`,
      first.start,
      value.slice(first.start, first.end),
    );
  }
}
