import type { ScriptTypeName } from './types.js';

/** JOB's `script_type` code for each type name. */
export const SCRIPT_TYPE_CODES: Readonly<Record<ScriptTypeName, 1 | 2 | 3 | 4 | 5>> = {
  shell: 1,
  bat: 2,
  perl: 3,
  python: 4,
  powershell: 5,
};

export const SCRIPT_TYPE_NAMES = Object.keys(SCRIPT_TYPE_CODES) as ScriptTypeName[];

const EXTENSIONS: Readonly<Record<string, ScriptTypeName>> = {
  '.sh': 'shell',
  '.bat': 'bat',
  '.pl': 'perl',
  '.py': 'python',
  '.ps1': 'powershell',
};

/** JOB's `script_type` (1–5) for a type name, or `undefined` for an unknown name. */
export function scriptTypeCode(name: string): 1 | 2 | 3 | 4 | 5 | undefined {
  return Object.hasOwn(SCRIPT_TYPE_CODES, name) ? SCRIPT_TYPE_CODES[name as ScriptTypeName] : undefined;
}

/** The type implied by a script file's extension (`.sh .bat .pl .py .ps1`, case-insensitive). */
export function scriptTypeFromPath(path: string): ScriptTypeName | undefined {
  const m = /\.[^./\\]+$/.exec(path);
  if (!m) return undefined;
  const ext = m[0].toLowerCase();
  return Object.hasOwn(EXTENSIONS, ext) ? EXTENSIONS[ext] : undefined;
}

/**
 * A step's effective type: its own, else its `script_file`'s extension (`.sh .bat .pl .py .ps1`), else
 * `defaults.type`, else shell. The extension says more about one file than a runbook-wide default does.
 */
export function effectiveScriptType(
  step: { type?: ScriptTypeName; script_file?: string },
  defaultType?: ScriptTypeName,
): ScriptTypeName {
  return (
    step.type ??
    (step.script_file !== undefined ? scriptTypeFromPath(step.script_file) : undefined) ??
    defaultType ??
    'shell'
  );
}
