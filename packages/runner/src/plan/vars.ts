import { normalizeVarSpec, type Runbook, type VarValue, validateVarValue } from '@runbook/schema';
import { didYouMean, shortWord } from '../cli/suggest.js';

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

/** The value of every declared var: defaults → vars file → `RUNBOOK_VAR_<NAME>` → `--var`. */
export function resolveVars(
  rb: Runbook,
  inputs: VarInputs,
): { values: Record<string, VarValue>; problems: VarProblem[] } {
  const decls = rb.vars ?? {};
  const specs = new Map(Object.entries(decls).map(([k, d]) => [k, normalizeVarSpec(d)]));
  const values: Record<string, VarValue> = {};
  const problems: VarProblem[] = [];
  const set = (name: string, raw: unknown, from: string) => {
    const spec = specs.get(name);
    if (!spec) {
      const known = [...specs.keys()];
      const near = didYouMean(name, known, (n) => `"${n}"`);
      problems.push({
        message: `${from}: unknown var "${shortWord(name)}"${known.length ? `${near ? `${near} The` : '; the'} runbook declares ${known.join(', ')}` : '; the runbook declares no vars'}`,
      });
      return;
    }
    // The same check `runbook validate` makes, so both say the same thing about a value.
    const checked = validateVarValue(spec, raw);
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
    set(arg.slice(0, eq), arg.slice(eq + 1), `--var ${shortWord(arg.slice(0, eq))}`);
  }
  for (const [name, spec] of specs) {
    if (spec.required && values[name] === undefined && !problems.some((p) => p.name === name)) {
      problems.push({ name, message: `var ${name} is required; set it with --var ${name}=VALUE` });
    }
  }
  return { values, problems };
}
