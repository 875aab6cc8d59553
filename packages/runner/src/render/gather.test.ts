import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type GatherHost, gatherOutput, indentLines, splitLines, stripJobStart } from './gather.js';

const host = (ip: string, log: string, status = 9, exitCode: number | null = 0, cloud = 0): GatherHost => ({
  ip,
  cloud,
  status,
  exitCode,
  log,
});
const start = (pid: number) => `[2026-12-01 10:00:0${pid % 10}][PID:${pid}] job_start\n`;

describe('gatherOutput', () => {
  it("groups identical outputs under folded hosts, ignoring JOB's job_start line", () => {
    const hosts = [1, 2, 3, 4, 5, 6, 7, 8, 10].map((d) => host(`10.0.1.${d}`, `${start(d * 7)}disk ok\n`));
    expect(gatherOutput(hosts)).toEqual([
      { hosts: '10.0.1.[1-8,10]', count: 9, failed: false, statusText: 'ok', lines: ['disk ok'] },
    ]);
  });

  it('puts failures first, then the biggest groups', () => {
    const hosts = [
      host('10.0.0.1', 'ok\n'),
      host('10.0.0.2', 'ok\n'),
      host('10.0.0.3', 'full\n', 104, 3),
      host('10.0.0.4', '', 1, null),
      host('10.0.0.5', 'full\n', 104, 3),
    ];
    const groups = gatherOutput(hosts);
    expect(groups.map((g) => [g.hosts, g.statusText, g.failed])).toEqual([
      ['10.0.0.[3,5]', 'failed, exit 3', true],
      ['10.0.0.4', 'agent error', true],
      ['10.0.0.[1-2]', 'ok', false],
    ]);
    expect(groups[1]!.lines).toEqual([]);
  });

  it('keeps outputs that differ in one character apart, and unicode whole', () => {
    const groups = gatherOutput([
      host('10.0.0.1', '磁盘 ok ✓\n'),
      host('10.0.0.2', '磁盘 ok ✓\n'),
      host('10.0.0.3', '磁盘 ok ✔\n'),
    ]);
    expect(groups.map((g) => [g.hosts, g.lines])).toEqual([
      ['10.0.0.[1-2]', ['磁盘 ok ✓']],
      ['10.0.0.3', ['磁盘 ok ✔']],
    ]);
  });

  it('handles no host, empty logs, a log that is only job_start, and running hosts', () => {
    expect(gatherOutput([])).toEqual([]);
    const groups = gatherOutput([
      host('10.0.0.1', ''),
      host('10.0.0.2', start(1)),
      host('10.0.0.3', 'x', 7, null),
    ]);
    expect(groups).toEqual([
      { hosts: '10.0.0.[1-2]', count: 2, failed: false, statusText: 'ok', lines: [] },
      { hosts: '10.0.0.3', count: 1, failed: false, statusText: 'running', lines: ['x'] },
    ]);
  });

  it('shows hosts JOB named unusably as they are, and keeps clouds apart', () => {
    const groups = gatherOutput([
      { ...host('10.0.0.1', 'a\n'), cloud: -1, invalid: 'cloud id missing' },
      host('10.0.0.1', 'a\n', 9, 0, 2),
      host('10.0.0.2', 'a\n', 9, 0, 2),
    ]);
    expect(groups[0]!.hosts).toBe('2:10.0.0.[1-2], 10.0.0.1 (named unusably by JOB)');
    expect(groups[0]!.count).toBe(3);
  });

  it('only strips job_start lines at the start of a log', () => {
    expect(stripJobStart(`${start(1)}${start(2)}a\n[x][PID:1] job_start\n`)).toBe(
      'a\n[x][PID:1] job_start\n',
    );
    expect(stripJobStart('job_start\n')).toBe('job_start\n');
  });

  it('gathers 50,000 hosts with two outputs into two groups', () => {
    const hosts: GatherHost[] = [];
    for (let i = 0; i < 50_000; i++) {
      const ip = `10.${Math.floor(i / 65536)}.${Math.floor(i / 256) % 256}.${i % 256}`;
      hosts.push(i % 1000 === 0 ? host(ip, `${start(i)}boom\n`, 104, 2) : host(ip, `${start(i)}ok\n`));
    }
    const groups = gatherOutput(hosts, { maxHostsLength: 200 });
    expect(groups.map((g) => [g.count, g.statusText])).toEqual([
      [50, 'failed, exit 2'],
      [49_950, 'ok'],
    ]);
    expect(groups.every((g) => g.hosts.length <= 200)).toBe(true);
  });

  it('property: every host lands in exactly one group, and a group shares one output', () => {
    const arb = fc.array(
      fc.record({
        d: fc.integer({ min: 0, max: 255 }),
        out: fc.constantFrom('', 'a\n', 'b\n', 'a'),
        status: fc.constantFrom(9, 104, 1, 7),
      }),
      { maxLength: 100 },
    );
    fc.assert(
      fc.property(arb, (rows) => {
        const unique = new Map(rows.map((r) => [r.d, r]));
        const hosts = [...unique.values()].map((r) =>
          host(`10.0.0.${r.d}`, start(r.d) + r.out, r.status, r.status === 104 ? 1 : null),
        );
        const groups = gatherOutput(hosts);
        expect(groups.reduce((n, g) => n + g.count, 0)).toBe(hosts.length);
        const failedFirst = groups.map((g) => g.failed);
        expect(failedFirst).toEqual([...failedFirst].sort((a, b) => Number(b) - Number(a)));
      }),
      { numRuns: 200 },
    );
  });
});

describe('indentLines', () => {
  it.each(['', 'a', 'a\n', '\n', '\n\n', 'a\n\nb', 'a\r\nb\r\n', 'ünï\ncødé 🙂\n', 'x'.repeat(100_000)])(
    'indents each line as splitLines cuts them: %j',
    (text) => {
      expect(indentLines(text, '    ')).toBe(
        splitLines(text)
          .map((l) => `    ${l}\n`)
          .join(''),
      );
    },
  );
});

describe('indentLines, any text', () => {
  it('is splitLines indented and joined', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', '\n', '\r', ' ', 'é', '🙂') }), (text) => {
        expect(indentLines(text, '  ')).toBe(
          splitLines(text)
            .map((l) => `  ${l}\n`)
            .join(''),
        );
      }),
    );
  });
});
