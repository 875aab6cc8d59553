import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { checkBusiness, checkHostIds } from './config-business.js';
import { EmulatorConfigError } from './errors.js';
import type { EmulatorConfig } from './types.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStrArr = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

export { isIPv4, parseHostRef } from './config-business.js';

/** Reads and checks a YAML configuration file. Throws `EmulatorConfigError` naming the first problem. */
export async function loadEmulatorConfig(path: string): Promise<EmulatorConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new EmulatorConfigError(`cannot read emulator config ${path}: ${(cause as Error).message}`, {
      cause,
    });
  }
  return parseEmulatorConfig(text, path);
}

/** Parses YAML (or JSON) text into a checked configuration. */
export function parseEmulatorConfig(text: string, source = 'emulator config'): EmulatorConfig {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (cause) {
    throw new EmulatorConfigError(`${source}: not valid YAML: ${(cause as Error).message}`, { cause });
  }
  return checkEmulatorConfig(doc ?? {}, source);
}

/** Checks a configuration object; returns it typed, or throws `EmulatorConfigError`. */
export function checkEmulatorConfig(doc: unknown, source = 'emulator config'): EmulatorConfig {
  const bad = (where: string, what: string): never => {
    throw new EmulatorConfigError(`${source}: ${where} ${what}`);
  };
  if (!isObj(doc)) bad('the document', 'must be a mapping');
  const c = doc as Obj;
  const known = ['job', 'apps', 'users', 'businesses', 'scripts', 'exec', 'simulate'];
  for (const k of Object.keys(c)) if (!known.includes(k)) bad(k, `is not a known key (${known.join(', ')})`);
  if (c.job !== undefined) checkJob(c.job, bad);
  if (c.apps !== undefined) {
    if (!isObj(c.apps)) bad('apps', 'must map app codes to secrets');
    for (const [k, v] of Object.entries(c.apps as Obj))
      if (typeof v !== 'string') bad(`apps.${k}`, 'must be a string secret');
  }
  if (c.users !== undefined) {
    if (!isObj(c.users)) bad('users', 'must map user names to { token, permissions }');
    for (const [k, v] of Object.entries(c.users as Obj)) {
      const u = v ?? {};
      if (!isObj(u)) bad(`users.${k}`, 'must be a mapping');
      const { token, permissions } = u as Obj;
      if (token !== undefined && typeof token !== 'string') bad(`users.${k}.token`, 'must be a string');
      if (permissions !== undefined && permissions !== 'all' && !isStrArr(permissions))
        bad(`users.${k}.permissions`, "must be 'all' or a list of action ids");
    }
  }
  if (c.businesses !== undefined) {
    if (!isObj(c.businesses)) bad('businesses', 'must map business ids to businesses');
    for (const [id, v] of Object.entries(c.businesses as Obj)) {
      if (!/^[1-9]\d*$/.test(id)) bad(`businesses.${id}`, 'must be keyed by a positive integer id');
      checkBusiness(v ?? {}, `businesses.${id}`, bad);
    }
    checkHostIds(c as EmulatorConfig, bad);
  }
  if (c.scripts !== undefined) {
    if (!isObj(c.scripts)) bad('scripts', 'must map script ids to { type, content }');
    for (const [id, v] of Object.entries(c.scripts as Obj)) {
      if (!/^[A-Za-z0-9_-]{1,64}$/.test(id))
        bad(`scripts.${id}`, 'must be keyed by an id of letters, digits, _ or - (ESB v2 reads integer ids)');
      if (!isObj(v)) bad(`scripts.${id}`, 'must be a mapping');
      const s = v as Obj;
      if (![1, 2, 3, 4, 5].includes(s.type as number)) bad(`scripts.${id}.type`, 'must be 1..5');
      if (typeof s.content !== 'string') bad(`scripts.${id}.content`, 'must be a string');
      if (s.versionId !== undefined && !(Number.isSafeInteger(s.versionId) && (s.versionId as number) >= 1))
        bad(`scripts.${id}.versionId`, 'must be an integer >= 1');
    }
  }
  if (c.exec !== undefined && c.exec !== 'local' && c.exec !== 'simulate')
    bad('exec', "must be 'local' or 'simulate'");
  if (c.simulate !== undefined) checkSimulate(c.simulate, bad);
  return c as EmulatorConfig;
}

function checkJob(v: unknown, bad: (w: string, m: string) => never): void {
  if (!isObj(v)) bad('job', 'must be a mapping { generation, bizIdCompatible, callbackAllowList }');
  const j = v as Obj;
  for (const k of Object.keys(j))
    if (!['generation', 'bizIdCompatible', 'callbackAllowList'].includes(k))
      bad(`job.${k}`, 'is not a known key (generation, bizIdCompatible, callbackAllowList)');
  if (j.generation !== undefined && j.generation !== 2 && j.generation !== 3)
    bad('job.generation', 'must be 2 or 3');
  if (j.bizIdCompatible !== undefined && typeof j.bizIdCompatible !== 'boolean')
    bad('job.bizIdCompatible', 'must be true or false');
  if (j.callbackAllowList !== undefined) {
    if (!isStrArr(j.callbackAllowList)) bad('job.callbackAllowList', 'must be a list of base URLs');
    for (const u of j.callbackAllowList as string[])
      if (!isBaseUrl(u)) bad('job.callbackAllowList', `has an entry that is not an http(s) base URL: ${u}`);
  }
}

/** An http(s) URL with a host and without user info, query or fragment (JOB's rule for allow-list entries). */
function isBaseUrl(text: string): boolean {
  try {
    const u = new URL(text);
    return (
      (u.protocol === 'http:' || u.protocol === 'https:') &&
      u.hostname !== '' &&
      !u.username &&
      !u.password &&
      !u.search &&
      !u.hash
    );
  } catch {
    return false;
  }
}

function checkSimulate(v: unknown, bad: (w: string, m: string) => never): void {
  if (!isObj(v)) bad('simulate', 'must be a mapping');
  const s = v as Obj;
  const d = s.durationMs;
  const nonNeg = (x: unknown) => typeof x === 'number' && Number.isFinite(x) && x >= 0;
  if (d !== undefined && !nonNeg(d) && !(Array.isArray(d) && d.length === 2 && d.every(nonNeg)))
    bad('simulate.durationMs', 'must be a number of ms or [min, max]');
  for (const k of ['failRate', 'agentErrorRate'])
    if (s[k] !== undefined && !(nonNeg(s[k]) && (s[k] as number) <= 1)) bad(`simulate.${k}`, 'must be 0..1');
  if (s.logLines !== undefined && !(Number.isInteger(s.logLines) && (s.logLines as number) >= 0))
    bad('simulate.logLines', 'must be an integer >= 0');
  if (s.terminatingMs !== undefined && !nonNeg(s.terminatingMs))
    bad('simulate.terminatingMs', 'must be a number of ms >= 0');
}
