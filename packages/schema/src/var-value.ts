import type { VarSpec, VarType, VarValue } from './types.js';

export type VarValueResult = { ok: true; value: VarValue } | { ok: false; message: string };

/** The full form of a `vars` entry: the short form `name: value` becomes `{type, default}`. */
export function normalizeVarSpec(entry: VarValue | VarSpec): VarSpec & { type: VarType } {
  if (entry !== null && typeof entry === 'object') {
    return {
      ...entry,
      type: entry.type ?? (entry.default === undefined ? 'string' : typeOfValue(entry.default)),
    };
  }
  return { type: typeOfValue(entry), default: entry };
}

function typeOfValue(v: VarValue): VarType {
  if (typeof v === 'boolean') return 'boolean';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return 'string';
}

const show = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v) : String(v));

function convert(type: VarType, raw: unknown): VarValueResult {
  switch (type) {
    case 'integer': {
      const n = typeof raw === 'string' && /^\s*[+-]?\d+\s*$/.test(raw) ? Number(raw) : raw;
      if (typeof n === 'number' && Number.isSafeInteger(n)) return { ok: true, value: n };
      return { ok: false, message: `${show(raw)} is not an integer` };
    }
    case 'number': {
      const n =
        typeof raw === 'string' && /^\s*[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?\s*$/i.test(raw)
          ? Number(raw)
          : raw;
      if (typeof n === 'number' && Number.isFinite(n)) return { ok: true, value: n };
      return { ok: false, message: `${show(raw)} is not a number` };
    }
    case 'boolean': {
      if (typeof raw === 'boolean') return { ok: true, value: raw };
      const t = typeof raw === 'string' ? raw.trim().toLowerCase() : '';
      if (t === 'true' || t === 'false') return { ok: true, value: t === 'true' };
      return { ok: false, message: `${show(raw)} is not true or false` };
    }
    default:
      if (typeof raw === 'string') return { ok: true, value: raw };
      if (typeof raw === 'number' || typeof raw === 'boolean') return { ok: true, value: String(raw) };
      return { ok: false, message: `${show(raw)} is not a string` };
  }
}

/**
 * Checks one value for a var against its declaration (short or full form): converts strings from the
 * command line or environment to the declared type, then checks enum, pattern, min and max.
 */
export function validateVarValue(entry: VarValue | VarSpec, raw: unknown): VarValueResult {
  const spec = normalizeVarSpec(entry);
  const res = convert(spec.type, raw);
  if (!res.ok) return res;
  const v = res.value;
  if (spec.enum && !spec.enum.some((e) => e === v || String(e) === String(v))) {
    return { ok: false, message: `${show(v)} is not one of ${spec.enum.map(show).join(', ')}` };
  }
  if (spec.pattern !== undefined && typeof v === 'string') {
    let re: RegExp;
    try {
      re = new RegExp(spec.pattern, 'u');
    } catch {
      return { ok: false, message: `the pattern ${show(spec.pattern)} is not a valid regular expression` };
    }
    const m = re.exec(v);
    if (!m || m[0] !== v)
      return { ok: false, message: `${show(v)} does not match the pattern ${spec.pattern}` };
  }
  if (typeof v === 'number') {
    if (spec.min !== undefined && v < spec.min)
      return { ok: false, message: `${v} is below the minimum of ${spec.min}` };
    if (spec.max !== undefined && v > spec.max)
      return { ok: false, message: `${v} is above the maximum of ${spec.max}` };
  }
  return { ok: true, value: v };
}
