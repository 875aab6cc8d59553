import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { EmulatorConfigError } from './errors.js';
import type { EmulatorConfig } from './types.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStrArr = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

export function isIPv4(s: string): boolean {
  return IPV4.test(s);
}

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
  }
  if (c.scripts !== undefined) {
    if (!isObj(c.scripts)) bad('scripts', 'must map script ids to { type, content }');
    for (const [id, v] of Object.entries(c.scripts as Obj)) {
      if (!/^[1-9]\d*$/.test(id)) bad(`scripts.${id}`, 'must be keyed by a positive integer id');
      if (!isObj(v)) bad(`scripts.${id}`, 'must be a mapping');
      const s = v as Obj;
      if (![1, 2, 3, 4, 5].includes(s.type as number)) bad(`scripts.${id}.type`, 'must be 1..5');
      if (typeof s.content !== 'string') bad(`scripts.${id}.content`, 'must be a string');
    }
  }
  if (c.exec !== undefined && c.exec !== 'local' && c.exec !== 'simulate')
    bad('exec', "must be 'local' or 'simulate'");
  if (c.simulate !== undefined) checkSimulate(c.simulate, bad);
  return c as EmulatorConfig;
}

function checkBusiness(v: unknown, at: string, bad: (w: string, m: string) => never): void {
  if (!isObj(v)) bad(at, 'must be a mapping');
  const b = v as Obj;
  if (b.type !== undefined && b.type !== 'biz' && b.type !== 'biz_set')
    bad(`${at}.type`, 'must be biz or biz_set');
  if (b.hosts !== undefined) {
    if (!Array.isArray(b.hosts)) bad(`${at}.hosts`, 'must be a list');
    (b.hosts as unknown[]).forEach((h, i) => {
      const w = `${at}.hosts[${i}]`;
      if (!isObj(h)) bad(w, 'must be a mapping with ip');
      const host = h as Obj;
      if (typeof host.ip !== 'string' || !isIPv4(host.ip)) bad(`${w}.ip`, 'must be an IPv4 address');
      if (host.cloud !== undefined && !(Number.isInteger(host.cloud) && (host.cloud as number) >= 0))
        bad(`${w}.cloud`, 'must be an integer >= 0');
      if (host.agent !== undefined && !['ok', 'offline', 'not_installed'].includes(host.agent as string))
        bad(`${w}.agent`, 'must be ok, offline or not_installed');
      if (host.accounts !== undefined && !isStrArr(host.accounts)) bad(`${w}.accounts`, 'must be a list');
      if (
        host.status !== undefined &&
        !(
          Number.isInteger(host.status) &&
          (host.status as number) >= 0 &&
          ![5, 7].includes(host.status as number)
        )
      )
        bad(`${w}.status`, 'must be a final host status number (e.g. 301, 303; not 5 or 7)');
    });
  }
  if (b.custom_queries !== undefined) {
    if (!isObj(b.custom_queries)) bad(`${at}.custom_queries`, 'must map query ids to host lists');
    for (const [q, list] of Object.entries(b.custom_queries as Obj)) {
      if (!isStrArr(list)) bad(`${at}.custom_queries.${q}`, 'must be a list of "cloud:ip" or "ip"');
      for (const e of list as string[])
        if (!parseHostRef(e)) bad(`${at}.custom_queries.${q}`, `has an entry that is not "cloud:ip": ${e}`);
    }
  }
  if (b.accounts !== undefined && !isStrArr(b.accounts)) bad(`${at}.accounts`, 'must be a list');
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
}

/** `"0:10.0.0.1"` or `"10.0.0.1"` → `{ cloud, ip }`; undefined when malformed. */
export function parseHostRef(ref: string): { cloud: number; ip: string } | undefined {
  const m = /^(?:(\d+):)?(\S+)$/.exec(ref.trim());
  if (!m || !isIPv4(m[2]!)) return undefined;
  return { cloud: m[1] === undefined ? 0 : Number(m[1]), ip: m[2]! };
}
