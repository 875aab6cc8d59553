import { MAX_FAIL_MAX, PAUSE_MAX } from '../rolling.js';
import {
  DURATION,
  ENV_NAME,
  HAS_EXPRESSION,
  IPV4,
  MAX_CLOUD_ID,
  MAX_CMDB_ID,
  SLUG,
  TOPO_NODE,
} from './patterns.js';

const EXPRESSIONS =
  "May contain expressions: `${{ vars.NAME }}`, `${{ env.NAME }}` (not a secret's variable, nor a `BK_*` credential), `${{ runbook.name }}`, `${{ run.id }}`, `${{ git.sha }}`; `$${{` writes a literal `${{`.";

export const scope = {
  description:
    'The JOB resource scope, sent as `bk_scope_type` and `bk_scope_id` (and `bk_biz_id`, which JOB 2.x reads): `{type: biz | biz_set, id}`. An alternative to `biz` that can name a business set whatever its id. Give `biz` or `scope`, not both.',
  type: 'object',
  properties: {
    type: {
      description: 'A business (`biz`) or a business set (`biz_set`).',
      enum: ['biz', 'biz_set'],
    },
    id: {
      description:
        'The business or business set id: a positive integer, or an expression that resolves to one.',
      type: ['integer', 'string'],
      minimum: 1,
      pattern: HAS_EXPRESSION,
      patternErrorMessage: 'expected a positive integer or an expression such as ${{ vars.biz }}',
      examples: [2, 9991001],
    },
  },
  required: ['type', 'id'],
  additionalProperties: false,
  examples: [{ type: 'biz_set', id: 9991001 }],
};

export const scriptType = {
  description:
    'The script language, sent to JOB as `script_type`: shell (1), bat (2), perl (3), python (4), powershell (5).',
  enum: ['shell', 'bat', 'perl', 'python', 'powershell'],
};

export const onFailure = {
  description:
    'What happens when the step fails: `abort` (the default) stops the run; `continue` records the failure, goes on, and the run ends with exit 1; `ignore` records the failure as ignored, goes on, and does not make the run fail.',
  enum: ['abort', 'continue', 'ignore'],
};

export const rolling = {
  description:
    "Run the step in batches, one JOB job per batch, one after another (JOB's rolling execution, done by runbook on every transport). The step's listed hosts are taken in order; custom queries and topology nodes cannot be batched.",
  type: 'object',
  properties: {
    batch: {
      description:
        "JOB's rolling expression: parts separated by spaces, each `N` hosts, `N%` of the step's hosts (rounded up), `+N` (the previous batch plus N) or `*N` (the previous batch times N); the last part repeats. `+N` and `*N` only last, `100%` only last. At most 500 batches.",
      type: ['string', 'integer'],
      examples: ['1 10% +10', '20%', '5 *2', 10],
    },
    max_fail: {
      description:
        "Failed hosts allowed over the whole step before no further batch starts and the step fails: a count (`2`) or a percent of the step's hosts (`5%`, rounded down). Default 0: the first failed batch stops the step. Failures within it leave the step partial.",
      type: ['integer', 'string'],
      minimum: 0,
      maximum: MAX_FAIL_MAX,
      pattern: '^[0-9]+%?$',
      patternErrorMessage: "expected a count of hosts (2) or a percent of the step's hosts (5%)",
      examples: [2, '5%'],
    },
    pause: {
      description:
        'Wait between batches: seconds, or a duration such as `30s`, `5m`; at most 24h. Default: none.',
      type: ['integer', 'string'],
      minimum: 0,
      maximum: PAUSE_MAX,
      pattern: DURATION,
      patternErrorMessage: 'expected seconds or a duration such as 30s, 5m, 1h',
      examples: ['30s', '5m'],
    },
    confirm: {
      description:
        'Ask before each batch after the first (`--yes` answers); at 100 hosts or more the step name must be typed.',
      type: 'boolean',
    },
  },
  required: ['batch'],
  additionalProperties: false,
  examples: [{ batch: '1 10% +10', max_fail: 2, pause: '30s', confirm: true }],
};

export const timeout = {
  description:
    'How long JOB lets the script run: seconds as an integer, or a duration such as `90s`, `20m`, `1h30m`; from 60 s to 86400 s (24h), the range every JOB version accepts. Sent as `script_timeout`.',
  type: ['integer', 'string'],
  minimum: 60,
  maximum: 86400,
  pattern: DURATION,
  patternErrorMessage: 'expected seconds or a duration such as 90s, 20m, 1h30m',
  examples: [600, '20m', '1h30m'],
};

export const account = {
  description: `The OS account alias the script runs as on the hosts (JOB \`account\`). ${EXPRESSIONS}`,
  type: 'string',
  minLength: 1,
  examples: ['root'],
};

export const cloudId = {
  description: 'A BlueKing cloud area id (`bk_cloud_id`); 0 is the default area.',
  type: 'integer',
  minimum: 0,
  maximum: MAX_CLOUD_ID,
  examples: [0],
};

/** Only the API gateway v3 addresses hosts by id and topology: `plan` and `apply` refuse them on ESB v2. */
const v3Only = (what: string) =>
  `Only the API gateway v3 can target ${what} (\`--apigw-url\`, \`BK_APIGW_URL\`, \`--local --transport v3\`); \`plan\` and \`apply\` refuse them on ESB v2.`;

export const hostEntry = {
  description: `A target: \`"1.2.3.4"\` (cloud from \`defaults.cloud\`, else 0), \`"CLOUD:1.2.3.4"\`, \`{cloud, ip}\`, \`{host_id}\` (a CMDB host id), \`{from_step, status, output}\` (hosts of an earlier step, known after it ran), or the name of a group. Host strings may contain expressions. ${v3Only('host ids')}`,
  type: ['string', 'object'],
  minLength: 1,
  properties: {
    cloud: {
      ...cloudId,
      description: 'The cloud area id (`bk_cloud_id`); default `defaults.cloud`, else 0. Not with `host_id`.',
    },
    ip: {
      description: 'The IPv4 address of the host. Not with `host_id`.',
      type: 'string',
      pattern: IPV4,
      patternErrorMessage: 'expected an IPv4 address such as 10.0.0.1',
      examples: ['10.0.0.1'],
    },
    host_id: {
      description: `The host's CMDB id (\`bk_host_id\`), an integer from 1; sent in \`host_id_list\`. It names the host on its own: no \`ip\` or \`cloud\` with it. ${v3Only('host ids')}`,
      type: 'integer',
      minimum: 1,
      maximum: MAX_CMDB_ID,
      examples: [101],
    },
    from_step: {
      description:
        'The hosts of an earlier step that match `status` and `output`: known after that step ran (`plan` says "known after"). Mixes with other entries and is deduplicated with them; when no host matches, the step is skipped, saying why. Not in groups.',
      type: 'string',
      pattern: SLUG,
      patternErrorMessage: 'expected a step name',
      examples: ['check-config'],
    },
    status: {
      description: 'Which hosts of `from_step`: `succeeded`, `failed`, or `any` (the default).',
      enum: ['succeeded', 'failed', 'any'],
    },
    output: {
      description:
        'Only the hosts of `from_step` whose outputs have these values (each host prints `::output NAME=VALUE`); compared as text.',
      type: 'object',
      propertyNames: {
        type: 'string',
        pattern: '^[A-Za-z_][A-Za-z0-9_]*$',
        patternErrorMessage: 'expected an output name: letters, digits and "_", not starting with a digit',
      },
      additionalProperties: { type: ['string', 'number', 'boolean'] },
      examples: [{ stale: 'yes' }],
    },
  },
  // `{host_id}` alone, `{from_step, status?, output?}`, else `{cloud?, ip}`. (`properties: {…: true}`
  // only names the key for ajv's strict mode; the mapping defines it.)
  if: { required: ['host_id'], properties: { host_id: true } },
  // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then/else; this object is never awaited
  then: { properties: { ip: false, cloud: false, from_step: false, status: false, output: false } },
  else: {
    if: { required: ['from_step'], properties: { from_step: true } },
    // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then/else; this object is never awaited
    then: { properties: { ip: false, cloud: false } },
    else: { required: ['ip'], properties: { ip: true, from_step: false, status: false, output: false } },
  },
  additionalProperties: false,
  examples: [
    '10.0.0.1',
    '0:10.0.0.1',
    { cloud: 0, ip: '10.0.0.3' },
    { host_id: 101 },
    { from_step: 'check-config', status: 'succeeded', output: { stale: 'yes' } },
    'web',
  ],
};

export const hosts = {
  description:
    'Target hosts: IPs, `CLOUD:IP` strings, `{cloud, ip}` and `{host_id}` mappings, and group names; deduplicated into `ip_list` and `host_id_list`, at most 50,000 in a step. A step uses IPs or host ids, not both (JOB ignores `ip_list` when `host_id_list` is given).',
  type: 'array',
  items: { $ref: '#/$defs/hostEntry' },
  examples: [['web', '0:10.0.0.9']],
};

export const topoNode = {
  description: `A CMDB topology node: \`"module:12"\` (NODE_TYPE:ID) or \`{node_type, id}\`; every host under it is a target, as CMDB has it when the step is submitted. Strings may contain expressions. ${v3Only('topology nodes')}`,
  type: ['string', 'object'],
  pattern: TOPO_NODE,
  patternErrorMessage: 'expected NODE_TYPE:ID such as module:12, with NODE_TYPE biz, set or module',
  properties: {
    node_type: {
      description: 'The node type, CMDB `bk_obj_id`: `biz`, `set` or `module`.',
      enum: ['biz', 'set', 'module'],
    },
    id: {
      description: 'The node instance id, CMDB `bk_inst_id`: an integer from 1.',
      type: 'integer',
      minimum: 1,
      maximum: MAX_CMDB_ID,
      examples: [12],
    },
  },
  required: ['node_type', 'id'],
  additionalProperties: false,
  examples: ['module:12', { node_type: 'set', id: 3 }],
};

export const topo = {
  description:
    'CMDB topology nodes (business, set, module) whose hosts are targets, sent as `target_server.topo_node_list`; JOB resolves the hosts. Deduplicated; not empty when given.',
  type: 'array',
  minItems: 1,
  items: { $ref: '#/$defs/topoNode' },
  examples: [['module:12', { node_type: 'set', id: 3 }]],
};

export const customQuery = {
  description:
    'CMDB custom query (dynamic group) ids, sent as `custom_query_id` (ESB v2) or `target_server.dynamic_group_list` (API gateway v3); integers are accepted and turned into strings. Ids may contain expressions.',
  type: 'array',
  items: {
    description: 'A CMDB custom query id.',
    type: ['string', 'integer'],
    minLength: 1,
    minimum: 0,
  },
  examples: [['3']],
};

const varScalar = { type: ['string', 'number', 'boolean'] };

export const variable = {
  description:
    'An input. Short form: a default value (string, number or boolean). Full form: `{type, default, description, required, enum, pattern, min, max}`. Overridden by `--vars-file`, `RUNBOOK_VAR_<NAME>` and `--var NAME=VALUE`, later wins.',
  type: ['string', 'number', 'boolean', 'object'],
  properties: {
    type: {
      description: 'The value type; default: the type of `default`, else string.',
      enum: ['string', 'integer', 'number', 'boolean'],
    },
    default: { ...varScalar, description: 'The value used when no override is given.' },
    description: { description: 'What the input means; shown in help and plan.', type: 'string' },
    required: {
      description: 'When true, a value must be given (or defaulted) before anything is sent.',
      type: 'boolean',
    },
    enum: {
      description: 'The only values allowed.',
      type: 'array',
      minItems: 1,
      items: { ...varScalar, description: 'An allowed value.' },
    },
    pattern: {
      description: 'A regular expression (ECMAScript, unicode) that a string value must match in full.',
      type: 'string',
      examples: ['^[a-z]+$'],
    },
    min: { description: 'The smallest allowed value (integer and number vars).', type: 'number' },
    max: { description: 'The largest allowed value (integer and number vars).', type: 'number' },
  },
  additionalProperties: false,
  examples: [{ type: 'integer', default: 7, min: 1, description: 'Days of logs to keep' }, 'nginx'],
};

export const secret = {
  description:
    'A secret, read from the environment at apply time and never written down: the environment variable name, or `{env, description}`. Usable only in `params` as `${{ secrets.NAME }}`.',
  type: ['string', 'object'],
  pattern: ENV_NAME,
  patternErrorMessage: 'expected the name of an environment variable, such as ALERT_TOKEN',
  properties: {
    env: {
      description: 'The environment variable that holds the secret.',
      type: 'string',
      pattern: ENV_NAME,
      patternErrorMessage: 'expected the name of an environment variable, such as ALERT_TOKEN',
      examples: ['ALERT_TOKEN'],
    },
    description: { description: 'What the secret is for.', type: 'string' },
  },
  required: ['env'],
  additionalProperties: false,
  examples: ['ALERT_TOKEN', { env: 'ALERT_TOKEN', description: 'Token for the alert webhook' }],
};

export const group = {
  description:
    'A named set of targets, reused by steps through its name in `hosts`. Needs at least one of `hosts`, `custom_query` and `topo`.',
  type: 'object',
  properties: {
    hosts: { $ref: '#/$defs/hosts' },
    custom_query: { $ref: '#/$defs/customQuery' },
    topo: { $ref: '#/$defs/topo' },
  },
  minProperties: 1,
  additionalProperties: false,
  examples: [{ hosts: ['0:10.0.0.1', '0:10.0.0.2'], custom_query: ['3'] }],
};

export const defaults = {
  description: 'Values every step inherits unless it sets its own.',
  type: 'object',
  properties: {
    account: { $ref: '#/$defs/account' },
    timeout: { $ref: '#/$defs/timeout' },
    type: {
      $ref: '#/$defs/scriptType',
      description:
        'The script language of steps that set no `type` and whose `script_file` has no known extension (.sh .bat .pl .py .ps1); default shell.',
    },
    cloud: { ...cloudId, description: 'The cloud area id for bare IPs in `hosts`; default 0.' },
    on_failure: { $ref: '#/$defs/onFailure' },
    rolling: {
      $ref: '#/$defs/rolling',
      description:
        "Rolling batches for every step that sets no `rolling` of its own (a step's `rolling` replaces this one as a whole; `rolling: false` turns it off for the step).",
    },
  },
  additionalProperties: false,
  examples: [{ account: 'root', timeout: '10m', type: 'shell' }],
};

export { EXPRESSIONS };
