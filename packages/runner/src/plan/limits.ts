import { measure, overLimit } from '@runbook/schema';

/** What a resolved step would send, as far as JOB limits its size. */
export interface SizedRequest {
  /** The step's JSON pointer, `/steps/N`. */
  at: string;
  name: string;
  /** The params as sent (secrets in), and the names of the secrets in them. */
  params?: { value: string; secrets: string[] };
  sensitive: boolean;
  /** The script as sent, and where it came from. */
  script?: string;
  scriptFile?: string;
  /** An explicit task name (a default one is shortened instead, never refused). */
  taskName?: string;
  callback?: string;
  hostCount: number;
}

export interface LimitProblem {
  pointer: string;
  message: string;
}

/**
 * JOB's limits checked on the values a step will really send, after every expression and secret is
 * filled in. A secret is named by its name and variable, never by its value.
 */
export function requestLimitProblems(
  req: SizedRequest,
  secretEnv: (name: string) => string | undefined,
): LimitProblem[] {
  const out: LimitProblem[] = [];
  const add = (pointer: string, message: string | undefined) => {
    if (message) out.push({ pointer, message: `${message}; nothing was sent` });
  };
  if (req.params) {
    const names = [...new Set(req.params.secrets)].map((s) => `secrets.${s} (from ${secretEnv(s) ?? '?'})`);
    const what = `${req.sensitive ? 'sensitive params' : 'params'}${names.length ? ` with ${names.join(', ')} filled in` : ''}`;
    const size = measure('params', req.params.value);
    add(`${req.at}/params`, overLimit('params', size, { sensitive: req.sensitive, what }));
  }
  if (req.script !== undefined) {
    const what = req.scriptFile !== undefined ? `script_file ${req.scriptFile}` : 'script';
    const pointer = `${req.at}/${req.scriptFile !== undefined ? 'script_file' : 'script'}`;
    add(pointer, overLimit('script', measure('script', req.script), { what }));
  }
  if (req.taskName !== undefined)
    add(`${req.at}/task_name`, overLimit('task_name', measure('task_name', req.taskName)));
  if (req.callback !== undefined)
    add(`${req.at}/callback_url`, overLimit('callback_url', measure('callback_url', req.callback)));
  add(`${req.at}/hosts`, overLimit('targets', req.hostCount, { what: `step "${req.name}"` }));
  return out;
}
