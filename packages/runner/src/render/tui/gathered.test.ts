import { describe, expect, it } from 'vitest';
import { gatherOutput } from '../gather.js';
import { cleanLine } from './format.js';
import { lazyGathered } from './gathered.js';

const host = (i: number, log: string, status = 9) => ({
  ip: `10.0.${i >> 8}.${i & 255}`,
  cloud: 0,
  status,
  exitCode: status === 9 ? 0 : 2,
  log,
});

describe('lazyGathered', () => {
  it('has the groups of gatherOutput, counted before any is made, lines cleaned', () => {
    const hosts = [
      host(1, 'ok\n'),
      host(2, 'ok\n'),
      host(3, 'bad \x1b[31mred\x1b[0m\n', 104),
      host(4, ''),
      host(5, 'ünïcødé 🙂\n'),
    ];
    const g = lazyGathered(hosts, 600);
    expect(g.count).toBe(4);
    expect(g.hosts).toBe(5);
    const all = g.all();
    const plain = gatherOutput(hosts, { maxHostsLength: 600 });
    expect(all.map((x) => [x.hosts, x.count, x.failed, x.statusText])).toEqual(
      plain.map((x) => [x.hosts, x.count, x.failed, x.statusText]),
    );
    expect(all.map((x) => x.lines)).toEqual(plain.map((x) => x.lines.map(cleanLine)));
    expect(all[0]!.lines[0]).not.toContain('\x1b');
  });

  it('makes the first groups once and gives the same ones to every reader', () => {
    const hosts = Array.from({ length: 50_000 }, (_, i) => host(i, `out ${i}\n`));
    const g = lazyGathered(hosts, 600);
    expect(g.count).toBe(50_000);
    const first = g.first(5);
    expect(first.map((x) => x.hosts)).toEqual(['10.0.0.0', '10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4']);
    expect(g.first(2)[1]).toBe(first[1]);
    const all = g.all();
    expect(all).toHaveLength(50_000);
    expect(all[4]).toBe(first[4]);
    expect(all.at(-1)!.lines).toEqual(['out 49999']);
    expect(g.first(60_000)).toHaveLength(50_000);
  });

  it('is empty for no hosts', () => {
    const g = lazyGathered([], 600);
    expect([g.count, g.hosts, g.first(5), g.all()]).toEqual([0, 0, [], []]);
  });
});
