import { readFile } from 'node:fs/promises';
import { loadRunbook } from '@runbook/schema';
import { parse as parseYaml } from 'yaml';
import { ReportedError } from '../cli/report.js';
import { CliError, EXIT } from '../exit.js';
import type { ResolveContext } from '../plan/context.js';
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
}

/** Loads, validates and resolves a runbook; prints every problem at once and exits 2 when there are any. */
export async function preparePlan(
  options: PrepareOptions,
): Promise<{ plan: Plan; secretValues: string[]; warnings: string[]; context: ResolveContext }> {
  const loaded = await loadRunbook(options.file);
  if (!loaded.ok) {
    options.stderr(formatIssues(loaded.issues));
    throw new ReportedError(EXIT.usage);
  }
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
    ...(options.transport ? { transport: options.transport } : {}),
  });
  if (!resolved.ok) {
    options.stderr(formatIssues(resolved.issues));
    throw new ReportedError(EXIT.usage);
  }
  return resolved;
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
