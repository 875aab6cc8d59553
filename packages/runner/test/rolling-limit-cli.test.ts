import type { Emulator } from '@runbook/emulator';
import { afterEach, describe, expect, it } from 'vitest';
import { startEsb } from './esb.js';
import { onlyRecord, runCli, tempFiles } from './helpers.js';

const HOSTS = ['127.0.0.1', '127.0.0.2', '127.0.0.3', '127.0.0.4'];
const INVENTORY = {
  businesses: { '1': { hosts: HOSTS.map((ip) => ({ ip })), custom_queries: { '5': ['127.0.0.3'] } } },
};

const RUNBOOK = `version: 1
name: rl
biz: 1
defaults:
  account: root
  timeout: 60
steps:
  - name: web
    hosts: ["127.0.0.1", "127.0.0.2", "127.0.0.3"]
    script: echo web
    rolling: { batch: "1 50% +1", max_fail: "34%", pause: 30s, confirm: true }
  - name: solo
    hosts: ["127.0.0.4"]
    script: echo solo
    on_failure: ignore
`;

const QUERY_STEP = `  - name: by-query
    custom_query: [5]
    script: echo q
`;

let emu: Emulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

describe('runbook plan of rolling steps and --limit', () => {
  it('shows the batches of a rolling step, and plan --json carries them', async () => {
    const dir = await tempFiles({ 'rb.yaml': RUNBOOK });
    const res = await runCli(['plan', 'rb.yaml'], { cwd: dir });
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toContain(
      '   rolling:   "1 50% +1": batches 1, 2 (2 batches), max_fail 1 (34%), pause 30s, confirm before each batch after the first\n',
    );
    expect(res.stdout).toContain(
      '   on failure: record it as ignored and continue (the run does not fail for it)\n',
    );
    const json = await runCli(['plan', 'rb.yaml', '--json'], { cwd: dir });
    expect(json.code).toBe(0);
    const plan = JSON.parse(json.stdout);
    expect(plan.steps[0].batches).toEqual([['0:127.0.0.1'], ['0:127.0.0.2', '0:127.0.0.3']]);
    expect(plan.steps[0].rolling).toEqual({
      expr: '1 50% +1',
      maxFail: 1,
      maxFailText: '34%',
      pauseMs: 30_000,
      confirm: true,
    });
    expect(plan.steps[1].batches).toEqual([['0:127.0.0.4']]);
    expect(plan.steps[1].onFailure).toBe('ignore');
    expect(plan.limit).toBeUndefined();
  });

  it('shows the limit, the narrowed steps and the skipped ones; @FILE and commas mix', async () => {
    const dir = await tempFiles({
      'rb.yaml': RUNBOOK,
      'hosts.txt': '# canary hosts\n127.0.0.1\n\n127.0.0.3 # second\n',
    });
    const res = await runCli(['plan', 'rb.yaml', '--limit', '@hosts.txt', '--limit', '127.0.0.9'], {
      cwd: dir,
    });
    expect(res.code).toBe(0);
    expect(res.stderr).toBe(
      'warning: --limit 0:127.0.0.9: no step targets this host; did you mean 0:127.0.0.1?\n',
    );
    expect(res.stdout).toContain(
      'limit: --limit 3 hosts (0:127.0.0.1, 0:127.0.0.3, 0:127.0.0.9): every step runs only on these\n',
    );
    expect(res.stdout).toContain('   targets:   2 hosts (0:127.0.0.1, 0:127.0.0.3)\n');
    expect(res.stdout).toContain('   rolling:   "1 50% +1": batches 1, 1 (2 batches), max_fail 0 (34%)');
    expect(res.stdout).toContain(
      '2. solo  (line 12)\n   targets:   0 hosts\n   skipped:   no host of --limit\n',
    );
    const json = JSON.parse(
      (await runCli(['plan', 'rb.yaml', '--json', '--limit', '127.0.0.4'], { cwd: dir })).stdout,
    );
    expect(json.limit).toEqual(['0:127.0.0.4']);
    expect(json.steps[0].skipReason).toBe('no host of --limit');
    expect(json.steps[0].request.ip_list).toEqual([]);
  });

  it.each([
    [['--limit', '@missing.txt'], '--limit @missing.txt: cannot read it: no such file'],
    [['--limit', '@empty.txt'], '--limit @empty.txt: the file names no host'],
    [['--limit', ''], '--limit "": give at least one host'],
    [['--limit', '127.0.0.1,127.0.0.01'], '--limit 127.0.0.01: invalid IPv4 address "127.0.0.01"'],
    [['--limit', '127.0.0.99'], '--limit names no host of any step (0:127.0.0.99): nothing would run'],
  ])('refuses %j with exit 2, saying why', async (args, why) => {
    const dir = await tempFiles({ 'rb.yaml': RUNBOOK, 'empty.txt': '\n# only a comment\n' });
    const res = await runCli(['plan', 'rb.yaml', ...args], { cwd: dir });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(why);
    expect(res.stdout).toBe('');
  });
});

describe('runbook apply refuses before sending', () => {
  it('a --limit on a step whose hosts JOB resolves: exit 2, the step named at its line, no call', async () => {
    const esb = await startEsb(INVENTORY);
    emu = esb.emu;
    const dir = await tempFiles({ 'rb.yaml': RUNBOOK + QUERY_STEP });
    const res = await runCli(['apply', 'rb.yaml', '--yes', '--limit', '127.0.0.1'], {
      cwd: dir,
      env: esb.env,
    });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(
      'rb.yaml:16:5: step "by-query" targets custom query 5, whose hosts JOB resolves only when the job starts, so --limit cannot narrow it',
    );
    expect(emu.calls().fast_execute_script ?? 0).toBe(0);
    expect(await onlyRecord(dir)).toBeUndefined();
    // Left out by --only, that step is no obstacle: the others run on their hosts in the limit.
    const only = await runCli(
      [
        'apply',
        'rb.yaml',
        '--yes',
        '--limit',
        '127.0.0.1',
        '--only',
        'solo',
        '--only',
        'web',
        '--poll-initial',
        '50ms',
      ],
      { cwd: dir, env: esb.env },
    );
    expect(only.stderr).toBe('');
    expect(only.code).toBe(0);
    expect(emu.jobs().map((j) => j.hosts.map((h) => h.ip))).toEqual([['127.0.0.1']]);
  });

  it('a rolling step whose hosts JOB resolves, on ESB v2 and on the API gateway v3', async () => {
    const text = `${RUNBOOK}${QUERY_STEP}    rolling: { batch: "1" }\n`;
    const dir = await tempFiles({ 'rb.yaml': text });
    for (const transport of ['v2', 'v3']) {
      const res = await runCli(['apply', 'rb.yaml', '--yes', '--local', '--transport', transport], {
        cwd: dir,
      });
      expect(res.code).toBe(2);
      expect(res.stderr).toContain(
        'rb.yaml:19:14: step "by-query" runs in rolling batches but targets custom query 5, whose hosts JOB resolves only when the job starts, so runbook cannot cut them into batches',
      );
      expect(await onlyRecord(dir)).toBeUndefined();
    }
  });
});

describe('runbook apply --limit', () => {
  it('sends each step only to its hosts in the limit, skips the others, shows and records the limit', async () => {
    const esb = await startEsb(INVENTORY);
    emu = esb.emu;
    const dir = await tempFiles({ 'rb.yaml': RUNBOOK.replace(/ {4}rolling: .*\n/, '') });
    const res = await runCli(
      ['apply', 'rb.yaml', '--yes', '--limit', '127.0.0.2,127.0.0.3', '--poll-initial', '50ms'],
      {
        cwd: dir,
        env: esb.env,
      },
    );
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('limit 2 hosts (0:127.0.0.2, 0:127.0.0.3): every step runs only on these\n');
    expect(res.stdout).toContain('[solo] skipped: no host of --limit\n');
    const jobs = emu.jobs();
    expect(jobs.map((j) => j.hosts.map((h) => h.ip))).toEqual([['127.0.0.2', '127.0.0.3']]);
    const record = await onlyRecord(dir);
    expect(record.limit).toEqual(['0:127.0.0.2', '0:127.0.0.3']);
    expect(record.steps.map((s: { state: string }) => s.state)).toEqual(['succeeded', 'skipped']);
  });

  it('is kept by --resume, and another --limit on resume is refused (exit 2, nothing sent)', async () => {
    const esb = await startEsb(INVENTORY);
    emu = esb.emu;
    const failing = RUNBOOK.replace(/ {4}rolling: .*\n/, '').replace('script: echo web', 'script: exit 3');
    const dir = await tempFiles({ 'rb.yaml': failing });
    const first = await runCli(
      ['apply', 'rb.yaml', '--yes', '--limit', '127.0.0.1', '--poll-initial', '50ms'],
      {
        cwd: dir,
        env: esb.env,
      },
    );
    expect(first.code).toBe(1);
    const runId = (await onlyRecord(dir)).runId as string;
    const calls = emu.calls().fast_execute_script;
    for (const other of [
      ['--limit', '127.0.0.2'],
      ['--limit', '127.0.0.1,127.0.0.2'],
    ]) {
      const res = await runCli(['apply', 'rb.yaml', '--yes', '--resume', runId, ...other], {
        cwd: dir,
        env: esb.env,
      });
      expect(res.code).toBe(2);
      expect(res.stderr).toContain(
        `cannot resume run ${runId} with another --limit: it runs on 1 host(s) (0:127.0.0.1)`,
      );
    }
    expect(emu.calls().fast_execute_script).toBe(calls);
    // Without --limit, and with the same one, the resume keeps the run's limit.
    for (const same of [[], ['--limit', '0:127.0.0.1']]) {
      const res = await runCli(
        ['apply', 'rb.yaml', '--yes', '--resume', runId, '--poll-initial', '50ms', ...same],
        {
          cwd: dir,
          env: esb.env,
        },
      );
      expect(res.code).toBe(1);
      expect(res.stdout).toContain('limit 1 host (0:127.0.0.1): every step runs only on these\n');
    }
    for (const job of emu.jobs()) expect(job.hosts.map((h) => h.ip)).toEqual(['127.0.0.1']);
    expect((await onlyRecord(dir)).limit).toEqual(['0:127.0.0.1']);
  });
});
