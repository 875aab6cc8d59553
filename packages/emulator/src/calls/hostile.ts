import { createRng, mixSeed } from '../rng.js';

/** What a hostile server puts where a host's `ip` and `bk_cloud_id` belong. */
export interface HostileValue {
  ip: unknown;
  cloud: unknown;
}

/** Host `i` of one answer → its hostile values, or undefined for a host left as it is. */
export type HostileHosts = (i: number) => HostileValue | undefined;

/** Hosts of one answer that get hostile values (the huge string stays affordable). */
export const HOSTILE_HOSTS_PER_ANSWER = 16;

/** Values that must never reach a file name, a terminal or a record unescaped. */
export const HOSTILE_IPS: readonly unknown[] = [
  '../../x',
  '../../../../etc/passwd',
  '/etc/shadow',
  'C:\\Windows\\System32',
  '..\\..\\x',
  '\u001b[2J\u001b[31mowned\u001b[0m',
  '\u001b]0;title\u0007',
  'a\r\nb\u0000c',
  '\u202e10.0.0.1',
  'x'.repeat(100_000),
  '',
  42,
  null,
];

export const HOSTILE_CLOUDS: readonly unknown[] = [1.5, -1, '0', 'abc', 1e21, -0.5, null, '../x', true];

/**
 * Seeded hostile host values for one injection, for the first 16 hosts of the answer: the same
 * seed and injection number give the same values, host by host.
 */
export function hostileHosts(seed: number, injection: number): HostileHosts {
  const rng = createRng(mixSeed(seed ^ 0x2545f491, injection));
  const picks = new Map<number, HostileValue>();
  return (i) => {
    if (i >= HOSTILE_HOSTS_PER_ANSWER) return undefined;
    let v = picks.get(i);
    if (!v) {
      v = {
        ip: HOSTILE_IPS[Math.floor(rng() * HOSTILE_IPS.length)],
        cloud: HOSTILE_CLOUDS[Math.floor(rng() * HOSTILE_CLOUDS.length)],
      };
      picks.set(i, v);
    }
    return v;
  };
}
