import { resolve } from 'node:path';
import { onePositional, parseCommand, RUNBOOK_OPTIONS } from '../cli/args.js';
import { EXIT } from '../exit.js';
import { displayPlan, formatPlan } from '../render/plan.js';
import { planIdentities } from '../secrets/identities.js';
import {
  createMask,
  credentialValues,
  maskDeep,
  rememberIdentities,
  rememberSecrets,
} from '../secrets/mask.js';
import { preparePlan } from './prepare.js';

export const PLAN_HELP = `Usage: runbook plan FILE [options]

Shows exactly what apply would send to JOB, step by step, without sending anything:
the targets (hosts and custom queries, with counts), the script's type, SHA-256 and first
lines, the account, timeout, task name and params (secrets and the BK_APP_SECRET / BK_TOKEN
credentials shown as ***).
What the scripts do on the hosts cannot be previewed.

Options:
  --json                 print the plan as JSON (secrets and sensitive params masked)
  --var NAME=VALUE       set a var (repeatable); wins over everything else
  --vars-file FILE       YAML mapping of var values
  --debug                show stack traces of errors
  -h, --help             this text

Var values, later wins: the runbook's defaults, --vars-file, RUNBOOK_VAR_<NAME>, --var.
A secret missing from the environment is a warning here; apply stops on it. A secret value
shorter than 4 characters is refused (exit 2) here and by apply.
Exit codes: 0 the plan was made, 2 the runbook or the command line is invalid.
`;

export async function plan(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand('plan', argv, {
    ...RUNBOOK_OPTIONS,
    json: { type: 'boolean', default: false },
  });
  if (values.help) {
    process.stdout.write(PLAN_HELP);
    return EXIT.ok;
  }
  const file = onePositional('plan', positionals, 'a runbook file', 'FILE');
  const { plan, secretValues, warnings } = await preparePlan({
    file,
    runId: '<run id>',
    ...(values.var ? { varArgs: values.var } : {}),
    ...(values['vars-file'] ? { varsFile: values['vars-file'] } : {}),
    env: process.env,
    requireSecrets: false,
    stderr: (t) => process.stderr.write(t),
  });
  // Runbook secrets and the ESB credentials, never inside the plan's identities (step names, hosts…).
  const secrets = [...secretValues, ...credentialValues(process.env)];
  const identities = planIdentities(plan, [file, resolve(file)]);
  rememberSecrets(secrets);
  rememberIdentities(identities);
  const mask = createMask(secrets, identities);
  for (const w of warnings) process.stderr.write(`warning: ${w}\n`);
  const shown = maskDeep(displayPlan(plan), mask);
  process.stdout.write(values.json ? `${JSON.stringify(shown, null, 2)}\n` : formatPlan(shown));
  return EXIT.ok;
}
