import type { CheckContext } from '../context.js';
import { joinPointer } from '../source.js';
import type { VarSpec, VarValue } from '../types.js';
import { normalizeVarSpec, validateVarValue } from '../var-value.js';
import { asObj, isObj } from './util.js';

const isScalar = (v: unknown): v is VarValue => ['string', 'number', 'boolean'].includes(typeof v);

/** Checks each var declaration: a usable pattern, a sane range, and a default and enum that fit. */
export function checkVars(ctx: CheckContext): void {
  for (const [name, entry] of Object.entries(asObj(ctx.data.vars))) {
    if (!isObj(entry)) continue;
    const at = joinPointer('/vars', name);
    const spec = normalizeVarSpec(entry as VarSpec);
    const numeric = spec.type === 'integer' || spec.type === 'number';
    let usable = true;
    for (const k of ['min', 'max'] as const) {
      if (entry[k] !== undefined && !numeric) {
        ctx.report(
          'SCHEMA_VAR',
          `${k} applies only to integer and number vars; vars.${name} is a ${spec.type}`,
          `${at}/${k}`,
          'key',
        );
        usable = false;
      }
    }
    if (numeric && typeof spec.min === 'number' && typeof spec.max === 'number' && spec.min > spec.max) {
      ctx.report('SCHEMA_VAR', `min ${spec.min} is greater than max ${spec.max}`, `${at}/min`);
      usable = false;
    }
    if (typeof entry.pattern === 'string') {
      if (spec.type !== 'string') {
        ctx.report(
          'SCHEMA_VAR',
          `pattern applies only to string vars; vars.${name} is a ${spec.type}`,
          `${at}/pattern`,
          'key',
        );
        usable = false;
      } else {
        try {
          new RegExp(entry.pattern, 'u');
        } catch (err) {
          const why = (err as Error).message.replace(/^Invalid regular expression: /, '');
          ctx.report('SCHEMA_VAR', `pattern is not a valid regular expression: ${why}`, `${at}/pattern`);
          usable = false;
        }
      }
    }
    if (!usable) continue;
    if (Array.isArray(entry.enum)) {
      const plain = { ...spec, enum: undefined };
      entry.enum.forEach((v, i) => {
        const res = isScalar(v) ? validateVarValue(plain, v) : { ok: true as const };
        if (!res.ok)
          ctx.report(
            'SCHEMA_VAR',
            `enum value of vars.${name} is invalid: ${res.message}`,
            `${at}/enum/${i}`,
          );
      });
    }
    if (typeof entry.default === 'string' && spec.type !== 'string') {
      const want =
        spec.type === 'boolean' ? 'true or false' : `an ${spec.type}`.replace('an number', 'a number');
      ctx.report(
        'SCHEMA_VAR',
        `default of vars.${name} is a string; write ${want} without quotes`,
        `${at}/default`,
      );
    } else if (isScalar(entry.default)) {
      const res = validateVarValue(spec, entry.default);
      if (!res.ok)
        ctx.report('SCHEMA_VAR', `default of vars.${name} is invalid: ${res.message}`, `${at}/default`);
    }
  }
}
