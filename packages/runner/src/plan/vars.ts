import type { Runbook, VarSpec, VarType, VarValue } from '@runbook/schema';

/** Where var values come from besides the runbook's defaults, lowest precedence first. */
export interface VarInputs {
  /** `--vars-file FILE` (already parsed YAML), with the file name for messages. */
  file?: { path: string; values: Record<string, unknown> };
  /** The environment, read for `RUNBOOK_VAR_<NAME>`. */
  env?: Record<string, string | undefined>;
  /** `--var NAME=VALUE`, in order. */
  cli?: string[];
}

export interface VarProblem {
  /** Declared var this is about, when there is one. */
  name?: string;
  message: string;
}

/** A var declaration in its long form; the short form `name: default` gets its type from the value. */
export function varSpec(decl: VarValue | VarSpec): VarSpec {
  if (decl !== null && typeof decl === 'object') return decl;
  const type: VarType =
    typeof decl === 'boolean'
      ? 'boolean'
      : typeof decl === 'number'
        ? Number.isInteger(decl)
          ? 'integer'
          : 'number'
        : 'string';
  return { type, default: decl };
}

/** Turns a value from a file, the environment or the command line into the declared type, and checks it. */
export function checkVarValue(
  spec: VarSpec,
  raw: unknown,
): { ok: true; value: VarValue } | { ok: false; message: string } {
  const type = spec.type ?? 'string';
  let value: VarValue;
  if (type === 'string') {
    if (typeof raw !== 'string' && typeof raw !== 'number' && typeof raw !== 'boolean') {
      return { ok: false, message: `expected a string, got ${JSON.stringify(raw)}` };
    }
    value = String(raw);
  } else if (type === 'boolean') {
    if (typeof raw === 'boolean') value = raw;
    else if (raw === 'true' || raw === 'false') value = raw === 'true';
    else return { ok: false, message: `expected true or false, got ${JSON.stringify(raw)}` };
  } else {
    const n =
      typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN;
    if (!Number.isFinite(n)) return { ok: false, message: `expected a ${type}, got ${JSON.stringify(raw)}` };
    if (type === 'integer' && !Number.isInteger(n)) {
      return { ok: false, message: `expected an integer, got ${JSON.stringify(raw)}` };
    }
    value = n;
  }
  if (spec.enum && !spec.enum.some((e) => e === value || String(e) === String(value))) {
    return {
      ok: false,
      message: `${JSON.stringify(value)} is not one of ${spec.enum.map((e) => JSON.stringify(e)).join(', ')}`,
    };
  }
  if (spec.pattern !== undefined && typeof value === 'string' && !new RegExp(spec.pattern, 'u').test(value)) {
    return { ok: false, message: `${JSON.stringify(value)} does not match the pattern ${spec.pattern}` };
  }
  if (typeof value === 'number') {
    if (spec.min !== undefined && value < spec.min)
      return { ok: false, message: `${value} is below the minimum of ${spec.min}` };
    if (spec.max !== undefined && value > spec.max)
      return { ok: false, message: `${value} is above the maximum of ${spec.max}` };
  }
  return { ok: true, value };
}

/** The value of every declared var: defaults → vars file → `RUNBOOK_VAR_<NAME>` → `--var`. */
export function resolveVars(
  rb: Runbook,
  inputs: VarInputs,
): { values: Record<string, VarValue>; problems: VarProblem[] } {
  const decls = rb.vars ?? {};
  const specs = new Map(Object.entries(decls).map(([k, d]) => [k, varSpec(d)]));
  const values: Record<string, VarValue> = {};
  const problems: VarProblem[] = [];
  const set = (name: string, raw: unknown, from: string) => {
    const spec = specs.get(name);
    if (!spec) {
      const known = [...specs.keys()];
      problems.push({
        message: `${from}: unknown var "${name}"${known.length ? `; the runbook declares ${known.join(', ')}` : '; the runbook declares no vars'}`,
      });
      return;
    }
    const checked = checkVarValue(spec, raw);
    if (checked.ok) values[name] = checked.value;
    else problems.push({ name, message: `${from}: var ${name}: ${checked.message}` });
  };
  for (const [name, spec] of specs) if (spec.default !== undefined) values[name] = spec.default;
  if (inputs.file) for (const [k, v] of Object.entries(inputs.file.values)) set(k, v, inputs.file.path);
  const env = inputs.env ?? {};
  for (const name of specs.keys()) {
    const raw = env[`RUNBOOK_VAR_${name}`] ?? env[`RUNBOOK_VAR_${name.toUpperCase()}`];
    if (raw !== undefined) set(name, raw, `RUNBOOK_VAR_${name}`);
  }
  for (const arg of inputs.cli ?? []) {
    const eq = arg.indexOf('=');
    if (eq <= 0) {
      problems.push({ message: `--var ${arg}: write --var NAME=VALUE` });
      continue;
    }
    set(arg.slice(0, eq), arg.slice(eq + 1), `--var ${arg.slice(0, eq)}`);
  }
  for (const [name, spec] of specs) {
    if (spec.required && values[name] === undefined && !problems.some((p) => p.name === name)) {
      problems.push({ name, message: `var ${name} is required; set it with --var ${name}=VALUE` });
    }
  }
  return { values, problems };
}
