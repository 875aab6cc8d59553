import { EXPRESSIONS, rolling } from './defs.js';
import { SLUG } from './patterns.js';

export const step = {
  description: 'One `fast_execute_script` call to JOB. Steps run in order.',
  type: 'object',
  properties: {
    name: {
      description:
        'Required, unique in the file: how runs, resumes and output refer to the step. A slug: lowercase letters, digits, `.`, `_`, `-`.',
      type: 'string',
      pattern: SLUG,
      patternErrorMessage:
        'expected a slug: lowercase letters, digits, ".", "_" and "-", at most 64 characters',
      examples: ['rotate-logs'],
    },
    description: { description: 'Free text, shown in plan and the UI.', type: 'string' },
    script: {
      description: `The script text, inline (sent as base64 \`script_content\`; at most 16 MiB). Exactly one of script, script_file, script_id. ${EXPRESSIONS} Secrets are not allowed here.`,
      type: 'string',
      examples: ['df -h /var/log\n'],
    },
    script_file: {
      description:
        'A script file, relative to this runbook; it must stay inside the git repository. Its contents may contain expressions. Exactly one of script, script_file, script_id.',
      type: 'string',
      minLength: 1,
      examples: ['scripts/rotate.sh'],
    },
    script_id: {
      description:
        'The id of a script stored in JOB (`script_id`). Exactly one of script, script_file, script_id; `type` is not allowed with it.',
      type: 'integer',
      minimum: 1,
      examples: [1001],
    },
    type: {
      $ref: '#/$defs/scriptType',
      description:
        'The script language: shell, bat, perl, python or powershell (`script_type` 1–5). Default: from the `script_file` extension (.sh .bat .pl .py .ps1), else `defaults.type`, else shell. Not allowed with `script_id`.',
    },
    params: {
      description: `One string of arguments, sent as base64 \`script_param\`; at most 65,535 bytes (48,128 when sensitive). ${EXPRESSIONS} The only place \`\${{ secrets.NAME }}\` is allowed; it forces \`sensitive: true\`.`,
      type: 'string',
      examples: ['--keep ${{ vars.keep_days }}'],
    },
    sensitive: {
      description: 'Hide `params` in JOB (`is_param_sensitive`); forced true when `params` uses a secret.',
      type: 'boolean',
    },
    hosts: { $ref: '#/$defs/hosts' },
    custom_query: { $ref: '#/$defs/customQuery' },
    topo: { $ref: '#/$defs/topo' },
    timeout: { $ref: '#/$defs/timeout' },
    account: {
      $ref: '#/$defs/account',
      description:
        'The OS account alias to run as (JOB `account`); default `defaults.account`. Required one way or the other. May contain expressions.',
    },
    task_name: {
      description: `The JOB task name, at most 512 characters; default \`<runbook name>/<step name>@<git short sha>\`. ${EXPRESSIONS}`,
      type: 'string',
      minLength: 1,
    },
    callback_url: {
      description: `An http or https URL without user info, at most 1,024 characters, that JOB calls when the step finishes (\`bk_callback_url\`). ${EXPRESSIONS}`,
      type: 'string',
      minLength: 1,
      examples: ['https://hooks.example.com/job'],
    },
    confirm: {
      description:
        'A question; the run pauses before this step until a person answers yes (`--yes` answers it).',
      type: 'string',
      minLength: 1,
      examples: ['Send the alert to the on-call channel?'],
    },
    outputs: {
      description:
        "The outputs this step's hosts set, by printing a line `::output NAME=VALUE` (or bk-sops `<SOPS_VAR>NAME:VALUE</SOPS_VAR>` anywhere in a line). When given, `validate` rejects reading any other name. Read later as `${{ steps.NAME.outputs.KEY }}`.",
      type: 'array',
      items: {
        type: 'string',
        pattern: '^[A-Za-z_][A-Za-z0-9_]*$',
        patternErrorMessage: 'expected an output name: letters, digits and "_", not starting with a digit',
      },
      examples: [['version', 'stale']],
    },
    when: {
      description:
        "Run the step only when this is true: `${{ EXPR }}` with `== != < <= > >=` (numbers compared as numbers), `&& || !`, parentheses, 'text', numbers, true/false, `contains(a, b)`, `startsWith(a, b)`, over vars, env, runbook, run, git and earlier steps (`steps.NAME.outputs.KEY`, `.status`, `.hosts_ok`, `.hosts_failed`). False: the step is skipped and recorded as skipped.",
      type: 'string',
      examples: ["${{ steps.check.status == 'succeeded' }}"],
    },
    on_failure: {
      $ref: '#/$defs/onFailure',
      description:
        'On failure: `abort` stops the run, `continue` records the failure and goes on (the run ends with exit 1), `ignore` records it as ignored and goes on (the run may still end with exit 0). Default: `defaults.on_failure`, else abort.',
    },
    rolling: {
      ...rolling,
      type: ['object', 'boolean'],
      description: `${rolling.description} Default: \`defaults.rolling\`, which \`rolling: false\` turns off for this step.`,
    },
  },
  required: ['name'],
  additionalProperties: false,
};
