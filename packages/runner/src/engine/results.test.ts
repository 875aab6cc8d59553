import type { HostStatus, JobInstanceStatus, StepLog } from '@runbook/core';
import { describe, expect, it } from 'vitest';
import { hostResults, hostsOfStatus } from './results.js';

type Host = Partial<HostStatus> & { ip: string; bk_cloud_id: number };

function status(...steps: Host[][][]): JobInstanceStatus {
  return {
    is_finished: true,
    job_instance: { job_instance_id: 1, status: 3 },
    blocks: steps.map((block) => ({
      step_instances: block.map((hosts, i) => ({
        step_instance_id: i,
        name: `s${i}`,
        status: 3,
        step_ip_status: hosts.map((h) => ({ status: 9, ...h })),
      })),
    })),
  } as unknown as JobInstanceStatus;
}

type Logged = Host & { log?: string; exit?: number | null };

function logs(...groups: Array<{ ip_status: number; tag?: unknown; hosts: Logged[] }>): StepLog[] {
  return [
    {
      is_finished: true,
      step_instance_id: 1,
      name: 's',
      status: 3,
      step_results: groups.map((g) => ({
        ip_status: g.ip_status,
        tag: g.tag ?? '',
        ip_logs: g.hosts.map(({ log, exit, ...h }) => ({
          error_code: 0,
          exit_code: exit === undefined ? 0 : exit,
          log_content: log ?? `out of ${h.ip}\n`,
          ...h,
        })),
      })),
    },
  ] as unknown as StepLog[];
}

const brief = (hosts: ReturnType<typeof hostResults>) =>
  hosts.map(
    (h) => `${h.cloud}:${h.ip} ${h.status} ${h.exitCode} ${h.hostId ?? '-'} ${JSON.stringify(h.log)}`,
  );

describe('hostsOfStatus', () => {
  it('is the answer list itself for one step, the lists joined in order for several', () => {
    const one = status([[{ ip: '10.0.0.1', bk_cloud_id: 0 }]]);
    expect(hostsOfStatus(one)).toBe(one.blocks[0]!.step_instances[0]!.step_ip_status);
    const many = status(
      [[{ ip: 'a', bk_cloud_id: 0 }], [{ ip: 'b', bk_cloud_id: 0 }]],
      [],
      [[{ ip: 'c', bk_cloud_id: 1 }]],
    );
    expect(hostsOfStatus(many).map((h) => h.ip)).toEqual(['a', 'b', 'c']);
    expect(hostsOfStatus(status())).toEqual([]);
    expect(hostsOfStatus(status([[]]))).toEqual([]);
  });
});

describe('hostResults', () => {
  it('takes each host from the log answer, in the status order, with the status host id', () => {
    const st = status([
      [
        { ip: '10.0.0.2', bk_cloud_id: 0, bk_host_id: 2 },
        { ip: '10.0.0.1', bk_cloud_id: 0, bk_host_id: 1 },
      ],
    ]);
    const out = hostResults(
      st,
      logs(
        { ip_status: 9, hosts: [{ ip: '10.0.0.1', bk_cloud_id: 0 }] },
        { ip_status: 4, tag: 't', hosts: [{ ip: '10.0.0.2', bk_cloud_id: 0, exit: 3, log: 'ü🙂\n' }] },
      ),
    );
    expect(brief(out)).toEqual(['0:10.0.0.2 4 3 2 "ü🙂\\n"', '0:10.0.0.1 9 0 1 "out of 10.0.0.1\\n"']);
    expect(out[0]!.tag).toBe('t');
    expect(out[1]!.tag).toBe('');
  });

  it('keeps hosts the log omits with their status, and adds hosts only the log lists at the end', () => {
    const st = status([
      [
        { ip: '10.0.0.1', bk_cloud_id: 0, status: 5 },
        { ip: '10.0.0.2', bk_cloud_id: 0 },
      ],
    ]);
    const out = hostResults(
      st,
      logs({
        ip_status: 9,
        hosts: [
          { ip: '10.0.0.3', bk_cloud_id: 0, bk_host_id: 33 },
          { ip: '10.0.0.2', bk_cloud_id: 0 },
        ],
      }),
      'the log call failed',
    );
    expect(brief(out)).toEqual([
      '0:10.0.0.1 5 null - "(log unavailable: the log call failed)\\n"',
      '0:10.0.0.2 9 0 - "out of 10.0.0.2\\n"',
      '0:10.0.0.3 9 0 33 "out of 10.0.0.3\\n"',
    ]);
    expect(brief(hostResults(st, undefined))).toEqual(['0:10.0.0.1 5 null - ""', '0:10.0.0.2 9 null - ""']);
  });

  it('tells apart the same ip in different clouds, and merges a host listed twice (the last wins)', () => {
    const st = status([
      [
        { ip: '10.0.0.1', bk_cloud_id: 0, bk_host_id: 1 },
        { ip: '10.0.0.1', bk_cloud_id: 2, bk_host_id: 21 },
        { ip: '10.0.0.1', bk_cloud_id: 2, bk_host_id: 22, status: 4 },
        { ip: '10.0.0.10', bk_cloud_id: 0 },
      ],
    ]);
    const out = hostResults(
      st,
      logs(
        { ip_status: 9, hosts: [{ ip: '10.0.0.1', bk_cloud_id: 2, log: 'first' }] },
        { ip_status: 4, hosts: [{ ip: '10.0.0.1', bk_cloud_id: 2, log: 'second', exit: 1 }] },
      ),
    );
    expect(brief(out)).toEqual([
      '0:10.0.0.1 9 null 1 ""',
      '2:10.0.0.1 4 1 22 "second"',
      '0:10.0.0.10 9 null - ""',
    ]);
  });

  it('never merges unusably named hosts: the n-th shown alike in one answer is the n-th in the other', () => {
    const bad = (n: number) => ({ ip: 'x', bk_cloud_id: -1, invalid: 'unusable', bk_host_id: n });
    const st = status([[bad(1), bad(2), { ip: '10.0.0.1', bk_cloud_id: 0 }]]);
    const out = hostResults(
      st,
      logs({
        ip_status: 9,
        hosts: [
          { ip: 'x', bk_cloud_id: -1, invalid: 'unusable', log: 'one' },
          { ip: 'x', bk_cloud_id: -1, invalid: 'unusable', log: 'two' },
          { ip: 'x', bk_cloud_id: -1, invalid: 'unusable', log: 'three' },
        ],
      }),
    );
    expect(brief(out)).toEqual([
      '-1:x 9 0 1 "one"',
      '-1:x 9 0 2 "two"',
      '0:10.0.0.1 9 null - ""',
      '-1:x 9 0 - "three"',
    ]);
    expect(out.filter((h) => h.invalid === 'unusable')).toHaveLength(3);
  });

  it('reads an empty job and 50,000 hosts whose logs come in another order', () => {
    expect(hostResults(status(), logs())).toEqual([]);
    const hosts = Array.from({ length: 50_000 }, (_, i) => ({
      ip: `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`,
      bk_cloud_id: i % 3,
      bk_host_id: i,
    }));
    const out = hostResults(
      status([hosts]),
      logs({ ip_status: 9, hosts: [...hosts].reverse().map(({ bk_host_id: _, ...h }) => h) }),
    );
    expect(out).toHaveLength(50_000);
    expect(out.every((h, i) => h.ip === hosts[i]!.ip && h.hostId === i && h.exitCode === 0)).toBe(true);
  });
});
