import type { CheckContext } from '../context.js';
import { parseDuration, TIMEOUT_MAX, TIMEOUT_MIN } from '../duration.js';
import { isCloudId, parseHostEntry } from '../hosts.js';
import { runbookSchema } from '../schema/index.js';
import { step as stepSchema } from '../schema/step.js';
import { joinPointer } from '../source.js';
import { closest } from '../suggest.js';
import { hasExpression } from '../template.js';
import { asArray, asObj, has, isObj, type Obj } from './util.js';

const SOURCES = ['script', 'script_file', 'script_id'] as const;
const TARGET_KEYS = ['hosts', 'custom_query', 'topo'] as const;
const STEP_KEYS = Object.keys(stepSchema.properties);

const TOP_KEYS = Object.keys(runbookSchema.properties);

/** True when a mapping has a misspelt key meant to be one of `keys` (reported already as unknown). */
const misspelt = (raw: Obj, keys: readonly string[], known = STEP_KEYS): boolean =>
  Object.keys(raw).some((k) => !known.includes(k) && keys.includes(closest(k, known) ?? ''));

/** Checks what the schema cannot say about steps, groups, hosts and timeouts. */
export function checkSteps(ctx: CheckContext): void {
  const rb = ctx.data;
  const groups = asObj(rb.groups);
  const defaults = asObj(rb.defaults);
  const cloud = isCloudId(defaults.cloud) ? defaults.cloud : 0;
  checkTimeout(ctx, defaults.timeout, '/defaults/timeout');
  for (const [name, g] of Object.entries(groups)) {
    asArray(asObj(g).hosts).forEach((entry, i) => {
      checkHost(ctx, entry, `${joinPointer('/groups', name)}/hosts/${i}`, cloud, groups, true);
    });
  }
  const seen = new Map<string, number>();
  asArray(rb.steps).forEach((raw, i) => {
    if (!isObj(raw)) return;
    const at = `/steps/${i}`;
    const name = typeof raw.name === 'string' ? raw.name : `#${i + 1}`;
    if (typeof raw.name === 'string') {
      const first = seen.get(raw.name);
      if (first !== undefined) {
        ctx.report(
          'SCHEMA_DUPLICATE_STEP',
          `duplicate step name "${raw.name}"; step names must be unique (first used by step ${first + 1})`,
          `${at}/name`,
        );
      } else seen.set(raw.name, i);
    }
    checkSource(ctx, raw, at, name);
    checkTimeout(ctx, raw.timeout, `${at}/timeout`);
    const noAccount = !has(raw, 'account') && !has(defaults, 'account');
    if (noAccount && !misspelt(raw, ['account']) && !misspelt(rb, ['defaults'], TOP_KEYS)) {
      ctx.report(
        'SCHEMA_ACCOUNT',
        `step "${name}" has no account; set account here or in defaults`,
        `${at}/name`,
      );
    }
    if (typeof raw.callback_url === 'string') checkCallbackUrl(ctx, raw.callback_url, `${at}/callback_url`);
    checkTargets(ctx, raw, at, name, cloud, groups);
  });
}

function checkSource(ctx: CheckContext, step: Obj, at: string, name: string): void {
  const present = SOURCES.filter((k) => has(step, k));
  if (present.length === 0 && !misspelt(step, SOURCES)) {
    ctx.report(
      'SCHEMA_SCRIPT_SOURCE',
      `step "${name}" has nothing to run; give it one of script, script_file or script_id`,
      `${at}/name`,
    );
  } else if (present.length > 1) {
    ctx.report(
      'SCHEMA_SCRIPT_SOURCE',
      `step "${name}" has both ${present[0]} and ${present[1]}; use exactly one of script, script_file, script_id`,
      `${at}/${present[1]}`,
      'key',
    );
  }
  if (has(step, 'script_id') && has(step, 'type')) {
    ctx.report(
      'SCHEMA_TYPE_WITH_SCRIPT_ID',
      'type cannot be used with script_id: the script stored in JOB has its own type',
      `${at}/type`,
      'key',
    );
  }
}

function checkTimeout(ctx: CheckContext, value: unknown, pointer: string): void {
  // Integers are range-checked by the schema; here the durations.
  if (typeof value !== 'string') return;
  const seconds = parseDuration(value);
  if (seconds === undefined) return;
  if (seconds < TIMEOUT_MIN) {
    ctx.report('SCHEMA_TIMEOUT_RANGE', `timeout ${value} is below the minimum of ${TIMEOUT_MIN} s`, pointer);
  } else if (seconds > TIMEOUT_MAX) {
    ctx.report(
      'SCHEMA_TIMEOUT_RANGE',
      `timeout ${value} is above the maximum of ${TIMEOUT_MAX} s (24h)`,
      pointer,
    );
  }
}

function checkCallbackUrl(ctx: CheckContext, text: string, pointer: string): void {
  if (hasExpression(text)) return;
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {}
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    ctx.report(
      'SCHEMA_CALLBACK_URL',
      `callback_url ${JSON.stringify(text)} is not an http or https URL`,
      pointer,
    );
  } else if (url.username || url.password) {
    ctx.report(
      'SCHEMA_CALLBACK_URL',
      'callback_url must not contain a user name or password; JOB would store and show them',
      pointer,
    );
  }
}

function checkHost(
  ctx: CheckContext,
  entry: unknown,
  pointer: string,
  cloud: number,
  groups: Obj,
  inGroup: boolean,
): 'host' | 'group' | 'bad' {
  // Objects are checked by the schema; strings with expressions are only known at apply time.
  if (typeof entry !== 'string') return isObj(entry) ? 'host' : 'bad';
  if (entry === '' || hasExpression(entry)) return entry === '' ? 'bad' : 'host';
  const parsed = parseHostEntry(entry, cloud);
  if ('error' in parsed) {
    ctx.report('SCHEMA_HOST', parsed.error, pointer);
    return 'bad';
  }
  if ('group' in parsed) {
    if (inGroup) {
      ctx.report(
        'SCHEMA_HOST',
        `groups cannot contain groups: "${entry}" is not an IPv4 address or CLOUD:IP`,
        pointer,
      );
      return 'bad';
    }
    if (!Object.hasOwn(groups, parsed.group)) {
      const names = Object.keys(groups);
      const near = closest(parsed.group, names);
      const hint = near
        ? `; did you mean "${near}"?`
        : names.length
          ? `; the groups are ${names.join(', ')}`
          : '; no groups are defined';
      ctx.report('SCHEMA_UNKNOWN_GROUP', `unknown group "${parsed.group}"${hint}`, pointer);
      return 'bad';
    }
    return 'group';
  }
  return 'host';
}

function checkTargets(
  ctx: CheckContext,
  step: Obj,
  at: string,
  name: string,
  cloud: number,
  groups: Obj,
): void {
  // A hosts, custom_query or topo of the wrong type is reported by the schema.
  const notList = (k: string): boolean => has(step, k) && !Array.isArray(step[k]);
  if (TARGET_KEYS.some(notList)) return;
  let targets = asArray(step.custom_query).length + asArray(step.topo).length;
  let bad = 0;
  asArray(step.hosts).forEach((entry, j) => {
    const kind = checkHost(ctx, entry, `${at}/hosts/${j}`, cloud, groups, false);
    if (kind === 'bad') bad++;
    else if (kind === 'host') targets++;
    else {
      const g = asObj(groups[entry as string]);
      targets += TARGET_KEYS.reduce((n, k) => n + asArray(g[k]).length, 0);
    }
  });
  if (targets === 0 && bad === 0 && !misspelt(step, TARGET_KEYS)) {
    const where = has(step, 'hosts') ? `${at}/hosts` : `${at}/name`;
    ctx.report(
      'SCHEMA_NO_TARGET',
      `step "${name}" has no target; give it at least one host, custom query or topology node (groups count by what they hold)`,
      where,
    );
  }
}
