import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { foldHostEntries, foldHosts, type HostEntry } from './host-ranges.js';

/** Expands a folded line back into the keys it names (the inverse, for the property tests). */
function expand(folded: string): string[] {
  if (folded === '') return [];
  // Groups are separated by ", "; commas inside brackets have no space after them.
  const out: string[] = [];
  for (const part of folded.split(', ')) {
    const m = /^(?:(\d+):)?(.*)$/.exec(part)!;
    const cloud = m[1] ?? '0';
    let texts = [m[2]!];
    for (;;) {
      const next: string[] = [];
      let changed = false;
      for (const t of texts) {
        const b = /\[([0-9,-]+)\]/.exec(t);
        if (!b) {
          next.push(t);
          continue;
        }
        changed = true;
        for (const r of b[1]!.split(',')) {
          const [lo, hi] = r.split('-').map(Number);
          for (let n = lo!; n <= (hi ?? lo!); n++) next.push(t.replace(b[0], String(n)));
        }
      }
      texts = next;
      if (!changed) break;
    }
    for (const t of texts) out.push(part.startsWith('id:') ? `id:${t.slice(3)}` : `${cloud}:${t}`);
  }
  return out;
}

describe('foldHosts', () => {
  it('folds the last octet into ranges, as clush -b does', () => {
    const keys = [1, 2, 3, 4, 5, 6, 7, 8, 10].map((d) => `0:10.0.1.${d}`);
    expect(foldHosts(keys)).toBe('10.0.1.[1-8,10]');
  });

  it('shows one host without brackets, and nothing for no host', () => {
    expect(foldHosts(['0:10.0.1.5'])).toBe('10.0.1.5');
    expect(foldHosts([])).toBe('');
  });

  it('names the cloud area when it is not 0, and keeps areas apart', () => {
    expect(foldHosts(['0:10.0.0.1', '2:10.0.0.1', '2:10.0.0.2', '0:10.0.0.2'])).toBe(
      '10.0.0.[1-2], 2:10.0.0.[1-2]',
    );
  });

  it('folds subnets that hold the same hosts', () => {
    const keys: string[] = [];
    for (const c of [1, 2, 3, 7]) for (let d = 1; d <= 254; d++) keys.push(`0:10.0.${c}.${d}`);
    keys.push('0:10.0.9.1');
    expect(foldHosts(keys)).toBe('10.0.[1-3,7].[1-254], 10.0.9.1');
  });

  it('folds the second octet too when whole subnets repeat, never the first', () => {
    const keys: string[] = [];
    for (let b = 0; b < 39; b++) for (let c = 0; c < 256; c++) keys.push(`0:10.${b}.${c}.1`);
    keys.push('0:11.0.0.1');
    expect(foldHosts(keys)).toBe('10.[0-38].[0-255].1, 11.0.0.1');
  });

  it('sorts numerically and drops duplicates', () => {
    expect(foldHosts(['0:10.0.0.10', '0:10.0.0.9', '0:10.0.0.9', '0:9.0.0.1'])).toBe(
      '9.0.0.1, 10.0.0.[9-10]',
    );
  });

  it('never merges look-alikes: leading zeros, out-of-range octets and names are shown as they are', () => {
    const keys = ['0:10.0.1.1', '0:10.0.1.01', '0:10.0.1.256', '0:10.0.1.1 ', '0:１０.0.1.2', '3:web-1'];
    const folded = foldHosts(keys);
    expect(folded).toBe('10.0.1.1, 10.0.1.01, 10.0.1.256, 10.0.1.1 , １０.0.1.2, 3:web-1');
  });

  it('shows IPv6 addresses whole, sorted, under their cloud area', () => {
    expect(foldHosts(['0:2001:db8::2', '0:2001:db8::1', '1:fe80::1', '0:10.0.0.1'])).toBe(
      '10.0.0.1, 2001:db8::1, 2001:db8::2, 1:fe80::1',
    );
  });

  it('folds CMDB host ids', () => {
    expect(foldHosts(['id:3', 'id:1', 'id:2', 'id:9', '0:10.0.0.1'])).toBe('10.0.0.1, id:[1-3,9]');
  });

  it('shows a key it cannot read as it is', () => {
    expect(foldHosts(['', 'x', '-1:10.0.0.1', 'id:01'])).toBe(', x, -1:10.0.0.1, id:01');
  });

  it('folds 50,000 hosts into a short line', () => {
    const keys: string[] = [];
    for (let i = 0; i < 50_000; i++)
      keys.push(`0:10.${Math.floor(i / 250 / 256)}.${Math.floor(i / 250) % 256}.${(i % 250) + 1}`);
    const folded = foldHosts(keys);
    expect(folded).toBe('10.0.[0-199].[1-250]');
    expect(expand(folded).length).toBe(50_000);
  });

  it('cuts at a group boundary and counts what it left out', () => {
    const keys = Array.from({ length: 300 }, (_, i) => `3:web-${i}`);
    const folded = foldHosts(keys, { maxLength: 60 });
    expect(folded.length).toBeLessThanOrEqual(60);
    expect(folded).toMatch(/^3:web-0, 3:web-1, .* \+\d+ more hosts$/);
    const shown = folded.split(', ').length;
    expect(folded).toContain(`+${300 - shown} more hosts`);
    expect(foldHosts(['0:10.0.0.1'], { maxLength: 3 })).toBe('+1 more host');
  });

  it('property: the folded line names exactly the distinct hosts given', () => {
    const ip = fc
      .tuple(
        fc.constantFrom(0, 2),
        fc.constantFrom(10, 192),
        fc.nat(2),
        fc.nat(3),
        fc.integer({ min: 0, max: 255 }),
      )
      .map(([cloud, a, b, c, d]) => `${cloud}:${a}.${b}.${c}.${d}`);
    const id = fc.integer({ min: 0, max: 40 }).map((n) => `id:${n}`);
    fc.assert(
      fc.property(fc.array(fc.oneof(ip, id), { maxLength: 200 }), (keys) => {
        const got = expand(foldHosts(keys)).sort();
        expect(got).toEqual([...new Set(keys)].sort());
      }),
      { numRuns: 200 },
    );
  });

  it('folds one host as the general folding does (the host given twice), in every form', () => {
    const one: HostEntry[] = [
      { cloud: 0, ip: '10.0.0.1' },
      { cloud: 2, ip: '10.0.0.1' },
      { cloud: 0, ip: '255.255.255.255' },
      { cloud: 0, ip: '::1' },
      { cloud: 3, ip: 'fe80::1' },
      { cloud: 0, ip: '10.0.1.01' },
      { cloud: 7, ip: 'host-ü' },
      { cloud: 0, ip: 'x' },
      { cloud: 0, ip: '' },
      { raw: '10.0.0.1 (named unusably by JOB)' },
    ];
    for (const e of one) expect(foldHostEntries([e])).toBe(foldHostEntries([e, e]));
    expect(one.map((e) => foldHostEntries([e]))).toEqual([
      '10.0.0.1',
      '2:10.0.0.1',
      '255.255.255.255',
      '::1',
      '3:fe80::1',
      '10.0.1.01',
      '7:host-ü',
      'x',
      '',
      '10.0.0.1 (named unusably by JOB)',
    ]);
  });

  it('folds entries of results, showing unusable ones as they are', () => {
    expect(
      foldHostEntries([{ cloud: 0, ip: '10.0.0.2' }, { raw: '10.0.0.1' }, { cloud: 0, ip: '10.0.0.1' }]),
    ).toBe('10.0.0.[1-2], 10.0.0.1');
  });
});
