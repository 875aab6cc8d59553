/** A group name: starts with a letter or `_`, so it can never be mistaken for an IP. */
export const GROUP_NAME = /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/;

/** The largest bk_cloud_id accepted (JOB stores it as a signed 32-bit integer). */
export const MAX_CLOUD_ID = 2147483647;

const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const IPV4 = new RegExp(`^${OCTET}(?:\\.${OCTET}){3}$`);

/** Dotted-quad IPv4, each octet 0–255 without leading zeros. */
export function isIPv4(text: string): boolean {
  return IPV4.test(text);
}

/** True for a bk_cloud_id: an integer from 0 to 2147483647. */
export function isCloudId(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= MAX_CLOUD_ID;
}

export type ParsedHostEntry = { cloud: number; ip: string } | { group: string } | { error: string };

/**
 * Reads one `hosts` entry: `"1.2.3.4"` (cloud from `defaultCloud`), `"CLOUD:1.2.3.4"`,
 * `{cloud, ip}` (cloud optional) or a group name. Expressions must be resolved before calling this.
 */
export function parseHostEntry(entry: unknown, defaultCloud = 0): ParsedHostEntry {
  if (typeof entry === 'string') {
    const text = entry.trim();
    const colon = text.indexOf(':');
    if (colon >= 0) {
      const cloudText = text.slice(0, colon);
      const ip = text.slice(colon + 1);
      if (!/^\d+$/.test(cloudText) || !isCloudId(Number(cloudText))) {
        return {
          error: `invalid cloud id "${cloudText}" in host "${text}"; expected an integer 0–${MAX_CLOUD_ID}`,
        };
      }
      if (!isIPv4(ip)) return { error: `invalid IPv4 address "${ip}" in host "${text}"` };
      return { cloud: Number(cloudText), ip };
    }
    if (isIPv4(text)) return { cloud: defaultCloud, ip: text };
    if (/^[\d.]+$/.test(text)) return { error: `invalid IPv4 address "${text}"` };
    if (GROUP_NAME.test(text)) return { group: text };
    return { error: `"${text}" is neither an IPv4 address, CLOUD:IP, nor a group name` };
  }
  if (entry !== null && typeof entry === 'object' && !Array.isArray(entry)) {
    const { cloud, ip } = entry as { cloud?: unknown; ip?: unknown };
    const c = cloud === undefined ? defaultCloud : cloud;
    if (!isCloudId(c))
      return { error: `invalid cloud id ${JSON.stringify(c)}; expected an integer 0–${MAX_CLOUD_ID}` };
    if (typeof ip !== 'string' || !isIPv4(ip)) return { error: `invalid IPv4 address ${JSON.stringify(ip)}` };
    return { cloud: c, ip };
  }
  return { error: `a host entry must be a string or {cloud, ip}, not ${JSON.stringify(entry)}` };
}
