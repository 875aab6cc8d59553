import { resolve } from 'node:path';
import { colorEnv, onePositional, parseCommand, RUNBOOK_OPTIONS } from '../cli/args.js';
import { EXIT } from '../exit.js';
import { paint, wantsColor } from '../render/color.js';
import { displayPlan, formatPlan, planJson } from '../render/plan.js';
import { planIdentities } from '../secrets/identities.js';
import {
  createMask,
  credentialValues,
  maskDeep,
  rememberIdentities,
  rememberSecrets,
} from '../secrets/mask.js';
import { chooseTransport } from '../transport.js';
import { preparePlan } from './prepare.js';

export const PLAN_HELP = `Usage: runbook plan FILE [options]

Shows exactly what apply would send to JOB, step by step, without sending anything:
the targets (hosts and custom queries, with counts), the batches of a rolling step, the
script's type, SHA-256 and first lines, the account, timeout, task name and params (secrets
and the BK_APP_SECRET / BK_TOKEN credentials shown as ***). The last line counts the steps and
the distinct hosts they name (a host two steps target counts once).
What the scripts do on the hosts cannot be previewed.

The request is the one of the transport --transport names; without it, of the one apply would
use: the API gateway v3 when BK_APIGW_URL is set, else ESB v2 (BK_ESB_URL and BK_APIGW_URL both
set: exit 2). ESB v2 cannot target host ids ({ host_id: N }) or topology nodes (topo:): plan
refuses them there (exit 2).

Options:
  --json                 print the plan as JSON (secrets and sensitive params masked); each
                         step's request is the body its transport sends
  --transport v2|v3      show the request of ESB v2 or of the API gateway v3 (wins over the
                         environment)
  --var NAME=VALUE       set a var (repeatable); wins over everything else
  --vars-file FILE       YAML mapping of var values
  --limit HOST[,HOST...] show the plan of apply --limit: every step on its hosts among these
                         (repeatable; @FILE: one host a line, # comments); IP, CLOUD:IP or id:N
  --debug                show stack traces of errors
  --no-color             no colour (as NO_COLOR=1 does); plan colours only a terminal
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
    transport: { type: 'string' },
    limit: { type: 'string', multiple: true },
  });
  if (values.help) {
    process.stdout.write(PLAN_HELP);
    return EXIT.ok;
  }
  const file = onePositional('plan', positionals, 'a runbook file', 'FILE');
  const { transport } = chooseTransport({
    local: false,
    transport: values.transport,
    env: process.env,
    planOnly: true,
  });
  const { plan, secretValues, warnings } = await preparePlan({
    file,
    runId: '<run id>',
    ...(values.var ? { varArgs: values.var } : {}),
    ...(values['vars-file'] ? { varsFile: values['vars-file'] } : {}),
    env: process.env,
    requireSecrets: false,
    transport,
    stderr: (t) => process.stderr.write(t),
    ...(values.limit ? { limit: values.limit } : {}),
  });
  // Runbook secrets and the ESB credentials, never inside the plan's identities (step names, hosts…).
  const secrets = [...secretValues, ...credentialValues(process.env)];
  const identities = planIdentities(plan, [file, resolve(file)]);
  rememberSecrets(secrets);
  rememberIdentities(identities);
  const mask = createMask(secrets, identities);
  for (const w of warnings) process.stderr.write(`warning: ${w}\n`);
  process.stdout.write(
    values.json
      ? `${JSON.stringify(maskDeep(planJson(plan), mask), null, 2)}\n`
      : formatPlan(
          maskDeep(displayPlan(plan), mask),
          paint(wantsColor(colorEnv(values, process.env), process.stdout.isTTY === true)),
        ),
  );
  return EXIT.ok;
}
