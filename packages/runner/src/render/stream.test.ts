import { describe, expect, it, onTestFinished, vi } from 'vitest';
import type { RunEvent } from '../engine/events.js';
import { wantsColor } from './color.js';
import { createStreamRenderer } from './stream.js';

const finished: RunEvent = {
  ts: '2026-01-01T00:00:00.000Z',
  type: 'run.finished',
  ok: false,
  exitCode: 1,
  reason: 'step a failed; the run stopped',
  runId: 'r',
};

describe('colour', () => {
  it('NO_COLOR (any value, even empty) wins, then FORCE_COLOR, then the terminal', () => {
    expect(wantsColor({ NO_COLOR: '' }, true)).toBe(false);
    expect(wantsColor({ NO_COLOR: '1', FORCE_COLOR: '1' }, true)).toBe(false);
    expect(wantsColor({ FORCE_COLOR: '1' }, false)).toBe(true);
    expect(wantsColor({ FORCE_COLOR: '0' }, true)).toBe(false);
    expect(wantsColor({}, true)).toBe(true);
    expect(wantsColor({}, false)).toBe(false);
    expect(wantsColor({ TERM: 'dumb' }, true)).toBe(false);
  });

  it('the stream uses escape codes only when asked to', () => {
    let plain = '';
    createStreamRenderer((t) => {
      plain += t;
    })(finished);
    expect(plain).toMatch(/^\d\d:\d\d:\d\d run FAILED: step a failed; the run stopped \(exit 1\)\n$/);
    let colored = '';
    createStreamRenderer(
      (t) => {
        colored += t;
      },
      { color: true },
    )(finished);
    expect(colored).toContain('\x1b[31mrun FAILED\x1b[39m');
  });
});

describe('gathered output', () => {
  const ts = '2026-01-01T00:00:00.000Z';
  const host = (ip: string, status: number, exitCode: number | null, log: string) => ({
    ip,
    cloud: 0,
    status,
    exitCode,
    tag: '',
    log,
  });
  const hosts = [
    ...[1, 2, 3, 4, 5, 6, 7, 8, 10].map((d) =>
      host(`10.0.1.${d}`, 9, 0, `[2026-01-01 08:00:0${d % 10}][PID:${d}] job_start\nok\n`),
    ),
    host(
      '10.0.1.9',
      104,
      3,
      '[2026-01-01 08:00:09][PID:9] job_start\nline 1\nline 2\nline 3\nline 4\nline 5\n',
    ),
  ];
  const finished: RunEvent = {
    ts,
    type: 'step.finished',
    step: 'check',
    status: 4,
    ok: false,
    counts: { total: 10, succeeded: 9, failed: 1, running: 0, waiting: 0, agentError: 0 },
    hosts,
    elapsedMs: 1200,
  };
  const render = (events: RunEvent[], options: Parameters<typeof createStreamRenderer>[1] = {}) => {
    let text = '';
    const emit = createStreamRenderer((t) => {
      text += t;
    }, options);
    for (const e of events) emit(e);
    return text.replace(/^\d\d:\d\d:\d\d /gm, '');
  };

  it('writes as bytes exactly the text it writes as text: thousands of hosts, unicode, a huge log, colors', () => {
    // Both renders stamp lines with the time of day: one clock for both, or a second may pass between.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.parse('2026-12-01T17:00:00Z') });
    onTestFinished(() => {
      vi.useRealTimers();
    });
    const many = Array.from({ length: 3000 }, (_, i) =>
      host(
        `10.0.${i >> 8}.${i & 255}`,
        i % 7 ? 9 : 104,
        i % 7 ? 0 : 2,
        `[2026-01-01 08:00:00][PID:${i}] job_start\nünï ${i} 🙂\n${i === 5 ? 'é'.repeat(400_000) : 'x'.repeat(i % 3 ? 10 : 2000)}\n`,
      ),
    );
    const event: RunEvent = { ...finished, hosts: many };
    const cases: Array<[color: boolean, gather: boolean, done: boolean]> = [
      [false, true, true],
      [true, true, false],
      [false, false, false],
      [true, false, true],
    ];
    for (const [color, gather, done] of cases) {
      let text = '';
      createStreamRenderer(
        (t) => {
          text += t;
        },
        { color, gather },
      )(event);
      const parts: string[] = [];
      const later: Array<() => void> = [];
      let byteWrites = 0;
      createStreamRenderer((t) => parts.push(t), {
        color,
        gather,
        // Read at once when `done`; else held and read at the end, as a stream still holding them:
        // a buffer filled again meanwhile would show here.
        writeBytes: (b) => {
          byteWrites++;
          const at = parts.push('') - 1;
          const read = () => {
            parts[at] = Buffer.from(b).toString('utf8');
          };
          if (done) read();
          else later.push(read);
          return done;
        },
      })(event);
      for (const read of later) read();
      expect(parts.join('')).toBe(text);
      expect(byteWrites).toBeGreaterThan(2);
    }
  });

  it('prints hosts with identical output once, failures first, every line, no job_start', () => {
    expect(render([finished])).toBe(
      [
        '[check] FAILED (JOB: failed, 9/10 ok, 1 failed, 0 running, 0 waiting, 1.2 s)',
        '[check] 10.0.1.9 (1 host): failed, exit 3',
        '    line 1',
        '    line 2',
        '    line 3',
        '    line 4',
        '    line 5',
        '[check] 10.0.1.[1-8,10] (9 hosts): ok',
        '    ok',
        '',
      ].join('\n'),
    );
  });

  it('--no-gather prints host by host, the log whole', () => {
    const out = render([finished], { gather: false });
    expect(out).toContain('[check] 0:10.0.1.1: ok\n    [2026-01-01 08:00:01][PID:1] job_start\n    ok\n');
    expect(out).toContain('[check] 0:10.0.1.9: failed, exit 3\n');
    expect(out.split('\n').filter((l) => l.startsWith('[check] 0:')).length).toBe(10);
  });

  it("says JOB's statuses in words, and links each step to its job when asked", () => {
    const link = (step: string, id: number) =>
      `https://job.example.com/biz/2/execute/quick-launch/${id}#${step}`;
    const out = render(
      [
        { ts, type: 'step.submitted', step: 'check', jobInstanceId: 77, jobInstanceName: 'x' },
        {
          ts,
          type: 'step.progress',
          step: 'check',
          status: 2,
          counts: { total: 2, succeeded: 0, failed: 0, running: 2, waiting: 0, agentError: 0 },
          elapsedMs: 10,
        },
        {
          ts,
          type: 'step.error',
          step: 'check',
          error: { code: 'CORE_ESB', message: 'gone', hint: 'look' },
          jobInstanceId: 77,
        },
      ],
      { jobLink: link },
    );
    expect(out).toContain('[check] in JOB: https://job.example.com/biz/2/execute/quick-launch/77#check\n');
    expect(out).toContain('[check] running: 0/2 ok');
    expect(out).not.toMatch(/status \d/);
    expect(out).toContain('[check] hint: look\n');
    expect(out.match(/in JOB:/g)).toHaveLength(2);
    expect(render([finished], {})).not.toContain('in JOB');
  });
});

describe('a pipe whose reader is slow', () => {
  const ts = '2026-01-01T00:00:00.000Z';
  // 30,000 hosts with distinct output (some of it multi-byte): several megabytes of host lines.
  const hosts = Array.from({ length: 30_000 }, (_, i) => ({
    ip: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
    cloud: 0,
    status: i % 7 === 0 ? 4 : 3,
    exitCode: i % 7 === 0 ? 1 : 0,
    tag: '',
    log: `line one of host ${i} — 完成\nline two ${'x'.repeat(i % 50)}\n`,
  }));
  const events: RunEvent[] = [
    {
      ts,
      type: 'step.finished',
      step: 'big',
      status: 4,
      ok: false,
      result: 'failed',
      counts: { total: hosts.length, succeeded: 25_714, failed: 4286, running: 0, waiting: 0, agentError: 0 },
      hosts,
      elapsedMs: 1000,
    },
    { ts, type: 'run.finished', ok: false, exitCode: 1, reason: 'step big failed', runId: 'r' },
  ];
  const stampless = (text: string) => text.replace(/^\d\d:\d\d:\d\d /gm, '');

  it('gets its host lines a buffer at a time, the lines after them in order, and the same bytes', async () => {
    let direct = '';
    const plain = createStreamRenderer((t) => {
      direct += t;
    });
    for (const e of events) plain(e);
    await plain.drained();

    const chunks: Buffer[] = [];
    let held = false;
    let resume: (() => void) | undefined;
    let texts = '';
    const render = createStreamRenderer(
      (t) => {
        // A text is never written while host lines wait for the reader.
        expect(resume).toBeUndefined();
        chunks.push(Buffer.from(t, 'utf8'));
        texts += t;
      },
      {
        writeBytes: (bytes) => {
          expect(held).toBe(false);
          chunks.push(Buffer.from(bytes));
          held = true; // the pipe keeps every buffer until its reader takes it
          return false;
        },
        whenDrained: (r) => {
          resume = r;
        },
      },
    );
    for (const e of events) render(e);
    let done = false;
    void render.drained().then(() => {
      done = true;
    });
    // One buffer went out; the rest waits, the final verdict too.
    expect(chunks.length).toBe(2);
    expect(texts).not.toContain('run FAILED');
    let drains = 0;
    while (resume && drains < 1000) {
      const r = resume;
      resume = undefined;
      held = false;
      drains++;
      r();
      await Promise.resolve();
    }
    expect(drains).toBeGreaterThan(3);
    await render.drained();
    expect(done).toBe(true);
    expect(stampless(Buffer.concat(chunks).toString('utf8'))).toBe(stampless(direct));
    expect(direct.endsWith('run FAILED: step big failed (exit 1)\n')).toBe(true);
  });

  it('goes on at once when the stream says it took the bytes', async () => {
    let out = '';
    const render = createStreamRenderer(
      (t) => {
        out += t;
      },
      {
        writeBytes: (bytes) => {
          out += Buffer.from(bytes).toString('utf8');
          return true;
        },
        whenDrained: () => {
          throw new Error('never asked: nothing was held');
        },
      },
    );
    for (const e of events) render(e);
    await render.drained();
    expect(out.endsWith('run FAILED: step big failed (exit 1)\n')).toBe(true);
    expect(out.match(/^ {4}line one of host /gm)).toHaveLength(hosts.length);
  });
});
