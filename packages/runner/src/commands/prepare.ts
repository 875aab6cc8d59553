import { readFile } from 'node:fs/promises';
import type { LoadedRunbook } from '@runbook/schema';
import { parse as parseYaml } from 'yaml';
import { ReportedError } from '../cli/report.js';
import { CliError, EXIT } from '../exit.js';
import type { ResolveContext } from '../plan/context.js';
import { gitInfoOf } from '../plan/git.js';
import { applyLimit, LimitError, limitKeys, readLimitArgs, unselected } from '../plan/limit.js';
import { loadRunbookAside } from '../plan/load-aside.js';
import { resolvePlan } from '../plan/resolve.js';
import type { Plan } from '../plan/types.js';
import type { VarInputs } from '../plan/vars.js';
import { formatIssues } from '../render/issues.js';
import type { Transport } from '../transport.js';

export interface PrepareOptions {
  file: string;
  runId: string;
  varArgs?: string[];
  varsFile?: string;
  /** Values under the vars file (a resumed run's recorded vars). */
  baseVars?: Record<string, unknown>;
  env: Record<string, string | undefined>;
  requireSecrets: boolean;
  /** The transport the plan is for (default v2). */
  transport?: Transport;
  stderr: (text: string) => void;
  /** `--limit` values as given (`HOST[,HOST...]`, `@FILE`). */
  limit?: string[];
  /** The host keys of a recorded limit, used when `limit` is not given (a resumed run's). */
  limitKeys?: string[];
  /** `--only` and `--from-step`: a step they leave out is not refused by the limit. */
  selection?: { only?: string[]; fromStep?: string };
  /**
   * Work for the time git takes to answer (another process, on another core): loading the code the
   * run needs next. Never fails the plan.
   */
  whileGitAnswers?: () => Promise<unknown>;
}

/** Loads, validates and resolves a runbook; prints every problem at once and exits 2 when there are any. */
export async function preparePlan(
  options: PrepareOptions,
): Promise<{ plan: Plan; secretValues: string[]; warnings: string[]; context: ResolveContext }> {
  const loaded = await loadRunbookAside(options.file);
  if (!loaded.ok) {
    options.stderr(formatIssues(loaded.issues));
    throw new ReportedError(EXIT.usage);
  }
  const git = gitInfoOf(loaded.runbook.path, loaded.runbook.runbook);
  const meanwhile = options.whileGitAnswers?.().catch(() => {});
  const vars: VarInputs = { env: options.env };
  if (options.varArgs) vars.cli = options.varArgs;
  const fileValues = { ...(options.baseVars ?? {}), ...(await readVarsFile(options.varsFile)) };
  if (Object.keys(fileValues).length > 0)
    vars.file = { path: options.varsFile ?? 'the resumed run', values: fileValues };
  const resolved = resolvePlan(loaded.runbook, {
    runId: options.runId,
    vars,
    env: options.env,
    requireSecrets: options.requireSecrets,
    git: (await Promise.all([git, meanwhile]))[0],
    ...(options.transport ? { transport: options.transport } : {}),
  });
  if (!resolved.ok) {
    options.stderr(formatIssues(resolved.issues));
    throw new ReportedError(EXIT.usage);
  }
  const limited = limitPlan(resolved.plan, loaded.runbook, options);
  return { ...resolved, plan: limited };
}

/** `--limit` (or the recorded limit) applied to the plan: refusals exit 2 before anything is sent. */
function limitPlan(plan: Plan, loaded: LoadedRunbook, options: PrepareOptions): Plan {
  let keys = options.limitKeys;
  try {
    if (options.limit && options.limit.length > 0)
      keys = limitKeys(readLimitArgs(options.limit), loaded.runbook.defaults?.cloud ?? 0);
    if (keys === undefined) return plan;
    const limited = applyLimit(
      plan,
      keys,
      unselected(plan, options.selection?.only, options.selection?.fromStep),
    );
    if (limited.problems.length > 0) {
      const lines = loaded.text.split(/\r?\n/);
      const issues = limited.problems.map(({ step, message }) => ({
        code: 'RUNNER_LIMIT_TARGETS',
        message,
        file: loaded.path,
        line: step.line ?? 1,
        col: step.col ?? 1,
        source: lines[(step.line ?? 1) - 1] ?? '',
      }));
      options.stderr(formatIssues(issues));
      throw new ReportedError(EXIT.usage);
    }
    for (const w of limited.warnings) options.stderr(`warning: ${w}\n`);
    return limited.plan;
  } catch (err) {
    if (err instanceof LimitError) throw new CliError(err.message, EXIT.usage);
    throw err;
  }
}

async function readVarsFile(path: string | undefined): Promise<Record<string, unknown>> {
  if (path === undefined) return {};
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new CliError(`--vars-file ${path}: ${(err as Error).message}`, EXIT.usage);
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new CliError(
      `--vars-file ${path}: not valid YAML: ${(err as Error).message.split('\n')[0]}`,
      EXIT.usage,
    );
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    throw new CliError(`--vars-file ${path}: must be a mapping of var name to value`, EXIT.usage);
  }
  return doc as Record<string, unknown>;
}
