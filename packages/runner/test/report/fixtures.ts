import type { HostCounts } from '../../src/engine/events.js';
import type { BatchView, ReportHost, ReportRecord, ReportStep } from '../../src/report/record-view.js';

/**
 * Records written by hand in the shape contracts.md gives (batches, rolling, ignored, host outputs,
 * resumes with changes), for what the end-to-end runs do not make (outputs set, a partial step, a
 * changed script), and a synthesized 50,000-host run for the size bound. Logs come from `logs`.
 */

const T0 = Date.parse('2026-12-01T03:00:00.000Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();

const counts = (hosts: Array<{ status: number }>): HostCounts => ({
  total: hosts.length,
  succeeded: hosts.filter((h) => h.status === 9).length,
  failed: hosts.filter((h) => h.status === 104).length,
  running: 0,
  waiting: 0,
  agentError: hosts.filter((h) => h.status === 1 || h.status === 310).length,
});

const host = (
  ip: string,
  step: string,
  status = 9,
  exitCode: number | null = 0,
  extra: Partial<ReportHost> = {},
) => ({
  ip,
  cloud: 0,
  status,
  exitCode,
  tag: '',
  log: `logs/${step}/0-${ip}.log`,
  ...extra,
});

const request = (taskName: string, hosts: number): ReportStep['request'] => ({
  taskName,
  hosts,
  customQueries: [],
  account: 'root',
  timeoutSec: 600,
  type: 'shell',
  scriptSha256: 'f'.repeat(64),
  sensitive: false,
});

const ips = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => `10.0.1.${from + i}`);
const keys = (list: string[]) => list.map((ip) => `0:${ip}`);

/** A rolling restart that failed in its second batch, was fixed and resumed, and ended with one host over. */
export function rollingResumed(): { record: ReportRecord; logs: Record<string, string> } {
  const all = ips(1, 6);
  const restartHosts = [
    host('10.0.1.1', 'restart', 9, 0, { batch: 1, outputs: { version: '2.4.1' } }),
    host('10.0.1.2', 'restart', 9, 0, { batch: 4, outputs: { version: '2.4.1' } }),
    host('10.0.1.3', 'restart', 104, 3, { batch: 4 }),
    host('10.0.1.4', 'restart', 9, 0, { batch: 2, outputs: { version: '2.4.1' } }),
    host('10.0.1.5', 'restart', 9, 0, { batch: 5, outputs: { version: '2.4.1' } }),
    host('10.0.1.6', 'restart', 9, 0, { batch: 5, outputs: { version: '2.4.0-rc1' } }),
  ];
  const batch = (
    index: number,
    list: string[],
    state: BatchView['state'],
    from?: number,
    to?: number,
    job?: number,
    c?: HostCounts,
  ): BatchView => ({
    index,
    hosts: keys(list),
    state,
    ...(job !== undefined ? { jobInstanceId: job, jobInstanceName: `rolling-restart/restart#${index}` } : {}),
    ...(from !== undefined ? { submittedAt: at(from) } : {}),
    ...(to !== undefined ? { finishedAt: at(to) } : {}),
    ...(c ? { counts: c } : {}),
  });
  const c = (ok: number, failed: number): HostCounts => ({
    total: ok + failed,
    succeeded: ok,
    failed,
    running: 0,
    waiting: 0,
    agentError: 0,
  });
  const steps: ReportStep[] = [
    {
      name: 'drain',
      state: 'succeeded',
      request: request('rolling-restart/drain', 6),
      fingerprint: { script: 'a1' },
      jobInstanceId: 20000,
      jobInstanceName: 'rolling-restart/drain',
      status: 3,
      counts: counts(all.map(() => ({ status: 9 }))),
      startedAt: at(2),
      submittedAt: at(2),
      finishedAt: at(14),
      hosts: all.map((ip) => host(ip, 'drain')),
    },
    {
      name: 'restart',
      state: 'partial',
      request: request('rolling-restart/restart', 6),
      fingerprint: { script: 'b2' },
      rolling: { expr: '1 50%', maxFail: 1, maxFailText: '1', pauseMs: 5000, confirm: false },
      batches: [
        batch(1, ['10.0.1.1'], 'succeeded', 15, 31, 20001, c(1, 0)),
        batch(2, ips(2, 4), 'failed', 36, 70, 20002, c(1, 2)),
        batch(3, ips(5, 6), 'pending'),
        batch(4, ips(2, 3), 'failed', 400, 441, 20004, c(1, 1)),
        batch(5, ips(5, 6), 'succeeded', 446, 480, 20005, c(2, 0)),
      ],
      jobInstanceId: 20005,
      jobInstanceName: 'rolling-restart/restart#5',
      status: 3,
      counts: counts(restartHosts),
      startedAt: at(400),
      submittedAt: at(15),
      finishedAt: at(480),
      hosts: restartHosts,
    },
    {
      name: 'notify <team> | "ops"',
      state: 'failed',
      ignored: true,
      request: request('rolling-restart/notify', 1),
      fingerprint: { script: 'c3' },
      jobInstanceId: 20006,
      status: 4,
      counts: c(0, 1),
      startedAt: at(481),
      submittedAt: at(481),
      finishedAt: at(486),
      hosts: [host('10.0.1.250', 'notify', 104, 1)],
    },
    {
      name: 'verify',
      state: 'succeeded',
      request: request('rolling-restart/verify', 6),
      fingerprint: { script: 'd4' },
      jobInstanceId: 20007,
      status: 3,
      counts: counts(all.map(() => ({ status: 9 }))),
      startedAt: at(487),
      submittedAt: at(487),
      finishedAt: at(495),
      hosts: all.map((ip) => host(ip, 'verify', 9, 0, { outputs: { healthy: 'yes' } })),
    },
  ];
  const record: ReportRecord = {
    version: 1,
    runId: '20261201-030000-a1b2c3',
    state: 'failed',
    exitCode: 1,
    reason: 'restart: 1 host failed (1 allowed); the run went on',
    createdAt: at(0),
    updatedAt: at(496),
    finishedAt: at(496),
    operator: 'alice',
    jobWebUrl: 'https://job.example.com',
    scope: { type: 'biz', id: 2 },
    runbook: {
      path: '/srv/ops/runbooks/rolling-restart.yaml',
      name: 'rolling-restart',
      gitSha: '3fa9c1d2e4b5a6978800aabbccddeeff00112233',
      dirty: false,
      contentHash: 'e'.repeat(64),
      files: { 'rolling-restart.yaml': 'e'.repeat(64) },
    },
    vars: { service: 'app', port: 8080 },
    endpoint: { url: 'https://esb.example.com', local: false, transport: 'v2' },
    biz: 2,
    resumedAt: [at(390)],
    resumes: [
      {
        at: at(390),
        operator: 'bob',
        runbookHash: 'd'.repeat(64),
        changes: [
          {
            step: 'restart',
            fields: ['script'],
            detail: ['- systemctl restart app', '+ systemctl restart app && wait-for-port 8080'],
          },
        ],
      },
    ],
    steps,
  };
  const logs: Record<string, string> = {
    'logs/restart/0-10.0.1.3.log':
      '[2026-12-01 03:06:40][PID:4242] job_start\nrestarting app\nport 8080 still in use after 30 s\nsee /var/log/app/restart.log\n',
    'logs/notify/0-10.0.1.250.log': '<script>alert(1)</script>\ncurl: (6) Could not resolve host: chat\n',
  };
  return { record, logs };
}

/**
 * A run over `n` hosts (10.x.y.z): a check step with outputs, a rolling restart of 20 batches with
 * failures spread over the hosts (a few shared errors, and some hosts each with their own), and a
 * step never run. Logs are made up per path by `readLog`.
 */
export function bigRun(n: number): { record: ReportRecord; readLog: (rel: string) => string } {
  const list = Array.from({ length: n }, (_, i) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`);
  const fails = (i: number) => i % 37 === 5;
  const check = list.map((ip, i) => host(ip, 'check', 9, 0, { outputs: { kernel: `5.10.0-${i % 3}` } }));
  const restart = list.map((ip, i) =>
    fails(i) ? host(ip, 'restart', 104, (i % 4) + 1) : host(ip, 'restart'),
  );
  const per = Math.ceil(n / 20);
  const batches: BatchView[] = Array.from({ length: 20 }, (_, b) => {
    const slice = restart.slice(b * per, (b + 1) * per);
    return {
      index: b + 1,
      hosts: slice.map((h) => `0:${h.ip}`),
      state: slice.some((h) => h.status !== 9) ? 'failed' : 'succeeded',
      jobInstanceId: 30000 + b,
      submittedAt: at(100 + b * 60),
      finishedAt: at(150 + b * 60),
      counts: counts(slice),
    };
  });
  const record: ReportRecord = {
    ...rollingResumed().record,
    runId: '20261201-030000-b1b1b1',
    steps: [
      {
        name: 'check',
        state: 'succeeded',
        request: request('big/check', n),
        fingerprint: {},
        jobInstanceId: 29999,
        counts: counts(check),
        startedAt: at(1),
        finishedAt: at(90),
        hosts: check,
      },
      {
        name: 'restart',
        state: 'failed',
        request: request('big/restart', n),
        fingerprint: {},
        rolling: { expr: '5%', maxFail: 5000, maxFailText: '10%', pauseMs: 0, confirm: false },
        batches,
        jobInstanceId: 30019,
        counts: counts(restart),
        startedAt: at(100),
        finishedAt: at(100 + 20 * 60),
        hosts: restart,
      },
      { name: 'verify', state: 'pending', request: request('big/verify', n), fingerprint: {} },
    ],
  };
  const readLog = (rel: string) => {
    const ip = rel.replace(/^.*\/0-(.*)\.log$/, '$1');
    const last = Number(ip.split('.').pop());
    return last % 50 === 0
      ? `[2026-12-01 03:00:00][PID:1] job_start\nfailed on ${ip}: its own message\n`
      : `[2026-12-01 03:00:00][PID:1] job_start\nrestart failed: error ${last % 4}\n${'a long line '.repeat(40)}\nmore\nmore\nmore\nmore\nmore\n`;
  };
  return { record, readLog };
}
