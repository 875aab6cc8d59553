/**
 * Generated CMDB host ids: a host without a configured `bk_host_id` gets
 * `cloud × 2^32 + its IPv4 address as a 32-bit number`, so the same address always has the same
 * id, and an id names its address back (the permissive default resolves any such id).
 */
const IP_SPACE = 2 ** 32;

export function ipv4ToInt(ip: string): number {
  return ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

export function generatedHostId(cloud: number, ip: string): number {
  return cloud * IP_SPACE + ipv4ToInt(ip);
}

/** The address a generated id stands for; undefined when it names none (0.0.0.0, not an integer). */
export function addressOfGeneratedId(id: number): { cloud: number; ip: string } | undefined {
  if (!Number.isSafeInteger(id) || id < 1) return undefined;
  const n = id % IP_SPACE;
  if (n === 0) return undefined;
  const ip = [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
  return { cloud: Math.floor(id / IP_SPACE), ip };
}
