import { type CheckContext, label, show } from './context.js';
import { parseTopoNode } from './hosts.js';
import { runbookSchema } from './schema/index.js';
import type { AjvError } from './schema-validator.js';
import { joinPointer, pointerSegments, valueAt } from './source.js';
import { closest, didYouMean } from './suggest.js';

const NOUNS: Record<string, string> = {
  '': 'the runbook',
  step: 'a step',
  defaults: 'defaults',
  group: 'a group',
  hostEntry: 'a host mapping',
  topoNode: 'a topology node',
  variable: 'a var',
  secret: 'a secret',
  scope: 'scope',
};

const TYPE_WORDS: Record<string, string> = {
  string: 'a string',
  integer: 'an integer',
  number: 'a number',
  boolean: 'true or false',
  object: 'a mapping',
  array: 'a list',
  null: 'empty',
};

/** What a value of the wrong type should have been, where the plain type names would not help. */
const TYPE_HINTS: Record<string, string> = {
  timeout: 'whole seconds or a duration such as 90s, 20m, 1h30m',
  variable: 'a string, number or boolean default, or a mapping {type, default, ...}',
  hostEntry: 'an IP, CLOUD:IP, a group name, or a mapping {cloud, ip} or {host_id}',
  topoNode: 'NODE_TYPE:ID such as module:12, or a mapping {node_type, id}',
};

type SchemaNode = Record<string, unknown>;
const defs = runbookSchema.$defs as Record<string, SchemaNode>;

/**
 * The schema that applies at an instance pointer, and the name of the `$defs` entry it is (`*` for a
 * value inside one that is not itself an entry).
 */
function schemaFor(pointer: string): { schema: SchemaNode; def: string } {
  let schema: SchemaNode = runbookSchema;
  let def = '';
  const deref = (): void => {
    for (let i = 0; i < 8 && typeof schema.$ref === 'string'; i++) {
      def = schema.$ref.replace('#/$defs/', '');
      schema = defs[def] ?? {};
    }
  };
  for (const seg of pointerSegments(pointer)) {
    deref();
    // A value inside a `$defs` entry is not that entry: `host_id` of a host mapping is no host mapping.
    def = '*';
    const props = schema.properties as Record<string, SchemaNode> | undefined;
    if (props && Object.hasOwn(props, seg)) schema = props[seg]!;
    else if (schema.items && /^\d+$/.test(seg)) schema = schema.items as SchemaNode;
    else if (typeof schema.additionalProperties === 'object')
      schema = schema.additionalProperties as SchemaNode;
    else return { schema: {}, def: '' };
  }
  deref();
  return { schema, def };
}

function orList(words: string[], conj = 'or'): string {
  return words.length <= 1
    ? (words[0] ?? '')
    : `${words.slice(0, -1).join(', ')} ${conj} ${words[words.length - 1]}`;
}

/** Ajv's errors of the root's `oneOf` (exactly one of biz and scope), and all the others. */
function splitScopeErrors(errors: readonly AjvError[]): { others: AjvError[]; scope: AjvError | undefined } {
  const others = errors.filter((e) => !e.schemaPath.startsWith('#/oneOf'));
  const scope = errors.find((e) => e.keyword === 'oneOf' && e.schemaPath === '#/oneOf');
  return { others, scope };
}

/** Turns ajv's errors into one clear issue per mistake, at the key or value it is about. */
export function reportSchemaErrors(ctx: CheckContext, all: readonly AjvError[]): void {
  const { others: errors, scope } = splitScopeErrors(all);
  // A value of the wrong type gets one message, not one more per keyword that also failed on it.
  const wrongType = new Set(errors.filter((e) => e.keyword === 'type').map((e) => e.instancePath));
  // Missing keys of one mapping are one message.
  const missing = new Map<string, string[]>();
  // A misspelt key is reported once, as unknown with a suggestion, not also as a missing one. With one
  // unknown and one missing key in a mapping, the unknown one was meant to be the missing one.
  const meant = new Map<string, string>();
  const count = (keyword: string, at: string) =>
    errors.filter((x) => x.keyword === keyword && x.instancePath === at).length;
  for (const e of errors) {
    if (e.keyword !== 'additionalProperties') continue;
    const at = e.instancePath;
    const key = String(e.params.additionalProperty);
    const known = Object.keys((schemaFor(at).schema.properties as object | undefined) ?? {});
    let near = closest(key, known);
    if (!near && count('required', at) === 1 && count('additionalProperties', at) === 1) {
      near = String(
        errors.find((x) => x.keyword === 'required' && x.instancePath === at)!.params.missingProperty,
      );
    }
    if (near) meant.set(joinPointer(at, key), near).set(joinPointer(at, near), near);
  }
  for (const e of errors) {
    if (e.keyword !== 'required' || meant.has(joinPointer(e.instancePath, String(e.params.missingProperty))))
      continue;
    const list = missing.get(e.instancePath) ?? [];
    list.push(`"${String(e.params.missingProperty)}"`);
    missing.set(e.instancePath, list);
  }
  if (scope) reportScope(ctx, scope, missing, meant);
  for (const e of errors) {
    if (e.keyword !== 'type' && wrongType.has(e.instancePath)) continue;
    if (e.keyword === 'propertyNames' || e.keyword === 'if') continue;
    const propertyName = (e as { propertyName?: string }).propertyName;
    if (propertyName !== undefined) {
      reportBadName(ctx, e, propertyName);
      continue;
    }
    const pointer = e.instancePath;
    const value = valueAt(ctx.data, pointer);
    const what = label(pointer);
    const { schema, def } = schemaFor(pointer);
    const noun = NOUNS[def] ?? what;
    const p = e.params;
    switch (e.keyword) {
      case 'additionalProperties': {
        const key = String(p.additionalProperty);
        const known = Object.keys((schema.properties as object | undefined) ?? {});
        const paired = meant.get(joinPointer(pointer, key));
        const hint =
          (paired ? `; did you mean "${paired}"?` : '') ||
          (known.length <= 8 ? `; the keys of ${noun} are ${known.join(', ')}` : '');
        ctx.report(
          'SCHEMA_UNKNOWN_KEY',
          `unknown key "${key}" in ${noun}${hint}`,
          joinPointer(pointer, key),
          'key',
        );
        break;
      }
      case 'required': {
        const keys = missing.get(pointer);
        if (!keys) break;
        missing.delete(pointer);
        if (def === 'hostEntry') {
          ctx.report(
            'SCHEMA_REQUIRED',
            'a host mapping needs ip (and optionally cloud), host_id or from_step',
            pointer,
          );
          break;
        }
        const s = keys.length > 1 ? 's' : '';
        ctx.report(
          'SCHEMA_REQUIRED',
          `${noun} is missing the required key${s} ${orList(keys, 'and')}`,
          pointer,
        );
        break;
      }
      case 'type': {
        const types = (Array.isArray(p.type) ? p.type : String(p.type).split(',')) as string[];
        const expected = TYPE_HINTS[def] ?? orList(types.map((t) => TYPE_WORDS[t] ?? t));
        ctx.report('SCHEMA_TYPE', `${what} must be ${expected}, not ${show(value)}`, pointer);
        break;
      }
      case 'const':
        ctx.report(
          'SCHEMA_VALUE',
          `${what} must be ${JSON.stringify(p.allowedValue)}, not ${show(value)}`,
          pointer,
        );
        break;
      case 'enum': {
        const allowed = (p.allowedValues as unknown[]).map(String);
        const hint = typeof value === 'string' ? didYouMean(value, allowed) : '';
        ctx.report(
          'SCHEMA_VALUE',
          `${what} ${show(value)} is not one of ${allowed.join(', ')}${hint}`,
          pointer,
        );
        break;
      }
      case 'pattern': {
        // A topology node's own parser says which part is wrong (the node type, with "did you mean").
        const topo = def === 'topoNode' ? parseTopoNode(value) : undefined;
        if (topo && 'error' in topo) {
          ctx.report('SCHEMA_VALUE', topo.error, pointer);
          break;
        }
        const rule =
          (schema.patternErrorMessage as string | undefined) ?? `expected a match for ${String(p.pattern)}`;
        ctx.report('SCHEMA_VALUE', `${what} ${show(value)} is invalid; ${rule}`, pointer);
        break;
      }
      case 'minimum':
      case 'maximum': {
        const unit = what === 'timeout' ? ' s' : '';
        const side = e.keyword === 'minimum' ? 'below the minimum' : 'above the maximum';
        const code = what === 'timeout' ? 'SCHEMA_TIMEOUT_RANGE' : 'SCHEMA_VALUE';
        ctx.report(code, `${what} ${show(value)} is ${side} of ${String(p.limit)}${unit}`, pointer);
        break;
      }
      case 'minItems':
        ctx.report('SCHEMA_VALUE', `${what} must not be an empty list`, pointer);
        break;
      case 'minLength':
        ctx.report('SCHEMA_VALUE', `${what} must not be empty`, pointer);
        break;
      case 'minProperties':
        ctx.report('SCHEMA_VALUE', `${what} needs hosts, custom_query or topo (or several)`, pointer);
        break;
      case 'false schema': {
        // Only host mappings forbid keys: host_id names a host on its own, from_step stands for hosts.
        const entry = valueAt(ctx.data, pointer.slice(0, pointer.lastIndexOf('/')));
        const owner =
          typeof entry === 'object' && entry !== null && Object.hasOwn(entry, 'host_id')
            ? 'host_id'
            : 'from_step';
        const why =
          owner === 'host_id'
            ? 'a host id names the host on its own'
            : "from_step stands for an earlier step's hosts; write other hosts as entries of their own";
        ctx.report(
          'SCHEMA_HOST',
          `${what} cannot be given with ${owner}: ${why}; keep one of them`,
          pointer,
          'key',
        );
        break;
      }
      default:
        ctx.report('SCHEMA_VALUE', `${what} ${e.message ?? 'is invalid'}`, pointer);
    }
  }
}

/** Neither biz nor scope: one more missing key of the root; both: one message at `scope`. */
function reportScope(
  ctx: CheckContext,
  e: AjvError,
  missing: Map<string, string[]>,
  meant: Map<string, string>,
): void {
  if (Array.isArray(e.params.passingSchemas)) {
    ctx.report(
      'SCHEMA_SCOPE',
      'biz and scope are both given; keep one: biz: N names a business (a business set for 8000000–9999999), scope: {type, id} names either',
      '/scope',
      'key',
    );
    return;
  }
  // A misspelt `biz` or `scope` is reported as an unknown key with "did you mean".
  if (meant.has('/biz') || meant.has('/scope')) return;
  if (!missing.has('')) {
    // The root's other required keys are present: the one message is about biz or scope alone.
    ctx.report(
      'SCHEMA_REQUIRED',
      'the runbook has no biz or scope; give one: biz: N (a business id) or scope: {type: biz | biz_set, id: N}',
      '',
    );
    return;
  }
  const keys = missing.get('')!;
  keys.splice(keys.indexOf('"steps"') < 0 ? keys.length : keys.indexOf('"steps"'), 0, '"biz" (or "scope")');
}

function reportBadName(ctx: CheckContext, e: AjvError, name: string): void {
  const map = label(e.instancePath);
  const noun = map === 'vars' ? 'var' : map === 'secrets' ? 'secret' : map === 'groups' ? 'group' : map;
  const names = (schemaFor(e.instancePath).schema.propertyNames ?? {}) as SchemaNode;
  const rule = (names.patternErrorMessage as string | undefined) ?? 'invalid name';
  ctx.report(
    'SCHEMA_NAME',
    `${noun} name ${JSON.stringify(name)} is invalid; ${rule}`,
    joinPointer(e.instancePath, name),
    'key',
  );
}
