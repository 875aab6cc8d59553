/**
 * Host identities in JOB's answers. They end up in file names and on terminals, so they are checked
 * like any input: an IPv4 address as the runbook format writes it (or an IPv6 address) and an
 * integer cloud id. Anything else marks that one host invalid; the rest of the answer stays usable.
 */

import { isIPv6 } from 'node:net';
import type { HostIdentity } from './types.js';

const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const IPV4 = new RegExp(`^${OCTET}(?:\\.${OCTET}){3}$`);
/** Hex digits, colons and an IPv4 tail only: no zone id (`%eth0`), nothing a path could use. */
const IPV6_CHARS = /^[0-9A-Fa-f:.]{2,45}$/;

/** The largest `bk_cloud_id` (JOB stores it as a signed 32-bit integer). */
export const MAX_CLOUD_ID = 2_147_483_647;

/** What an invalid host's `ip` becomes: printable, at most this many characters. */
const SHOWN = 64;

/** Whether `text` is an address a host may have: dotted-quad IPv4 (no leading zeros) or IPv6. */
export function isHostIp(text: unknown): text is string {
  return typeof text === 'string' && (IPV4.test(text) || (IPV6_CHARS.test(text) && isIPv6(text)));
}

export function isCloudId(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= MAX_CLOUD_ID;
}

/**
 * A value as safe text to show: control, format and line-separator characters escaped as `\u{…}`,
 * cut to `max` characters. Never meant to be used as a name.
 */
export function printable(value: unknown, max = SHOWN): string {
  let text: string;
  if (typeof value === 'string') text = value;
  else if (value === undefined) text = 'nothing';
  else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = String(value);
    }
  }
  const cut = [...text].slice(0, max).join('');
  const escaped = cut.replace(
    /[\p{Cc}\p{Cf}\u2028\u2029]/gu,
    (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`,
  );
  return text.length > cut.length ? `${escaped}…` : escaped;
}

/**
 * Checks one host of an answer. Valid: the host as sent (ip, cloud id). Invalid: `invalid` holds the
 * reason, `ip` a printable shortened form of what was sent and `bk_cloud_id` -1.
 */
export function checkHostIdentity<T extends { ip?: unknown; bk_cloud_id?: unknown }>(
  host: T,
): Omit<T, 'ip' | 'bk_cloud_id'> & HostIdentity {
  const problems: string[] = [];
  if (!isHostIp(host.ip)) problems.push(`ip ${printable(host.ip)} is not an IPv4 or IPv6 address`);
  if (!isCloudId(host.bk_cloud_id)) {
    problems.push(`bk_cloud_id ${printable(host.bk_cloud_id)} is not an integer 0–${MAX_CLOUD_ID}`);
  }
  if (problems.length === 0) return host as Omit<T, 'ip' | 'bk_cloud_id'> & HostIdentity;
  return {
    ...host,
    ip: printable(host.ip),
    bk_cloud_id: -1,
    invalid: `JOB sent an unusable host identity: ${problems.join('; ')}`,
  };
}
