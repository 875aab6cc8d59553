import {
  account,
  customQuery,
  defaults,
  group,
  hostEntry,
  hosts,
  onFailure,
  rolling,
  scope,
  scriptType,
  secret,
  timeout,
  topo,
  topoNode,
  variable,
} from './defs.js';
import { GROUP, HAS_EXPRESSION, IDENT, SLUG } from './patterns.js';
import { step } from './step.js';

/** The JSON Schema (draft 2020-12) of a runbook file, format version 1. The source of truth. */
export const runbookSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'runbook',
  description:
    'A runbook for BlueKing JOB, format version 1: a list of steps, each one fast_execute_script call.',
  type: 'object',
  properties: {
    version: { description: 'The format version; only 1 exists.', const: 1 },
    name: {
      description:
        'The runbook name, part of the default JOB task name. A slug: lowercase letters, digits, `.`, `_`, `-`.',
      type: 'string',
      pattern: SLUG,
      patternErrorMessage:
        'expected a slug: lowercase letters, digits, ".", "_" and "-", at most 64 characters',
      examples: ['nginx-log-rotation'],
    },
    description: { description: 'Free text: what the runbook does and when to use it.', type: 'string' },
    biz: {
      description:
        'The business id (`bk_biz_id`): a positive integer, or an expression that resolves to one. Ids 8000000–9999999 are business sets, as JOB reads them. Give `biz` or `scope`, not both.',
      type: ['integer', 'string'],
      minimum: 1,
      pattern: HAS_EXPRESSION,
      patternErrorMessage: 'expected a positive integer or an expression such as ${{ vars.biz }}',
      examples: [2, '${{ vars.biz }}'],
    },
    scope: { $ref: '#/$defs/scope' },
    vars: {
      description: 'Inputs by name, with defaults. Referenced as `${{ vars.NAME }}`.',
      type: 'object',
      propertyNames: {
        type: 'string',
        pattern: IDENT,
        patternErrorMessage: 'expected letters, digits and "_", not starting with a digit',
      },
      additionalProperties: { $ref: '#/$defs/variable' },
    },
    secrets: {
      description:
        'Secrets by name, read from environment variables at apply time. Referenced as `${{ secrets.NAME }}`, only in `params`.',
      type: 'object',
      propertyNames: {
        type: 'string',
        pattern: IDENT,
        patternErrorMessage: 'expected letters, digits and "_", not starting with a digit',
      },
      additionalProperties: { $ref: '#/$defs/secret' },
    },
    groups: {
      description: "Named target sets, used by name in a step's `hosts`.",
      type: 'object',
      propertyNames: {
        type: 'string',
        pattern: GROUP,
        patternErrorMessage: 'expected letters, digits, "_" and "-", starting with a letter or "_"',
      },
      additionalProperties: { $ref: '#/$defs/group' },
    },
    defaults: { $ref: '#/$defs/defaults' },
    steps: {
      description: 'The steps, run in order; at least one.',
      type: 'array',
      minItems: 1,
      items: { $ref: '#/$defs/step' },
    },
  },
  patternProperties: {
    '^x-': {
      description:
        'An extension field, ignored by runbook: a place to define YAML anchors, e.g. `x-web: &web { hosts: [web], timeout: 10m }`, merged into steps with `<<: *web`.',
    },
  },
  required: ['version', 'name', 'steps'],
  // Exactly one of biz and scope. Their mistakes are reported as one message each (ajv-errors.ts).
  // (`properties: {…: true}` only names the key for ajv's strict mode; the root defines it.)
  oneOf: [
    { required: ['biz'], properties: { biz: true } },
    { required: ['scope'], properties: { scope: true } },
  ],
  additionalProperties: false,
  $defs: {
    scope,
    step,
    defaults,
    group,
    hostEntry,
    hosts,
    customQuery,
    topo,
    topoNode,
    variable,
    secret,
    timeout,
    account,
    scriptType,
    onFailure,
    rolling,
  },
};

/** Keywords the schema uses beyond draft 2020-12 (VS Code's messages); register them with ajv. */
export const EXTRA_KEYWORDS = ['patternErrorMessage'] as const;

/** The schema file's exact text, as the build writes it to `schemas/runbook.schema.json`. */
export function runbookSchemaText(): string {
  return `${JSON.stringify(runbookSchema, null, 2)}\n`;
}
