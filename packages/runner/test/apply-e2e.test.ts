import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Emulator } from '@runbook/emulator';
import { afterEach, describe, expect, it } from 'vitest';
import { jobsOf, startEsb } from './esb.js';
import { block, onlyRecord, runCli, tempFiles } from './helpers.js';

const rb = (steps: string, head = '') => `version: 1
name: e2e
biz: 1
${head}
defaults:
  account: root
  timeout: 60
steps:
${steps}`;

const step = (name: string, hosts: string, script: string, extra = '') => `  - name: ${name}
    hosts: ${hosts}
${extra}    script: |
${block(script)}
`;

let emu: Emulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

describe('runbook apply against ESB (the emulator on loopback)', () => {
  it('runs a step on a group, an IP and a custom query, records it, and lists and prints the run', async () => {
    const esb = await startEsb({
      businesses: {
        '1': {
          hosts: [{ ip: '127.0.0.1' }, { ip: '127.0.0.2' }, { ip: '127.0.0.3' }],
          custom_queries: { '5': ['127.0.0.3'] },
        },
      },
    });
    emu = esb.emu;
    const text = rb(
      step(
        'greet',
        '[web, "127.0.0.1"]',
        'echo "hi $1 from $((40+2))"',
        '    custom_query: [5]\n    params: "${{ vars.who }}"\n',
      ),
      'vars:\n  who: world\ngroups:\n  web:\n    hosts: ["127.0.0.1", "0:127.0.0.2"]',
    );
    const dir = await tempFiles({ 'rb.yaml': text });
    const res = await runCli(['apply', 'rb.yaml', '--yes', '--var', 'who=there', '--poll-initial', '50ms'], {
      cwd: dir,
      env: esb.env,
    });
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toContain(`endpoint ${esb.emu.url} (ESB v2)`);
    // Three hosts with the same output: printed once, under their hosts folded.
    expect(res.stdout.split('hi there from 42').length - 1).toBe(1);
    expect(res.stdout).toContain('[greet] 127.0.0.[1-3] (3 hosts): ok\n    hi there from 42\n');

    const [job] = esb.emu.jobs();
    expect(esb.emu.jobs()).toHaveLength(1);
    expect(job!.request.ip_list).toEqual([
      { bk_cloud_id: 0, ip: '127.0.0.1' },
      { bk_cloud_id: 0, ip: '127.0.0.2' },
    ]);
    expect(job!.request.custom_query_id).toEqual(['5']);
    expect(job!.params).toBe('there');
    expect(job!.hosts.map((h) => h.ip).sort()).toEqual(['127.0.0.1', '127.0.0.2', '127.0.0.3']);

    const record = await onlyRecord(dir);
    expect(record).toMatchObject({ state: 'succeeded', exitCode: 0, vars: { who: 'there' } });
    expect(record.steps[0]).toMatchObject({
      name: 'greet',
      state: 'succeeded',
      jobInstanceId: job!.jobInstanceId,
    });
    const runDir = join(dir, '.runbook', 'runs', record.runId);
    expect((await stat(runDir)).mode & 0o777).toBe(0o700);
    expect((await stat(join(runDir, 'record.json'))).mode & 0o777).toBe(0o600);
    expect(await readdir(join(runDir, 'logs', 'greet'))).toEqual([
      '0-127.0.0.1.log',
      '0-127.0.0.2.log',
      '0-127.0.0.3.log',
    ]);
    expect((await stat(join(runDir, 'logs', 'greet', '0-127.0.0.3.log'))).mode & 0o777).toBe(0o600);

    const runs = await runCli(['runs'], { cwd: dir });
    expect(runs.code).toBe(0);
    expect(runs.stdout).toMatch(new RegExp(`${record.runId}\\s+succeeded\\s+e2e\\s+1/1`));
    const logs = await runCli(['logs', record.runId, '--step', 'greet', '--host', '127.0.0.3'], { cwd: dir });
    expect(logs.code).toBe(0);
    expect(logs.stdout).toContain('==> greet 0:127.0.0.3 (ok, exit 0) <==');
    expect(logs.stdout).toContain('hi there from 42');
    expect(logs.stdout).not.toContain('127.0.0.1');
  });

  for (const onFailure of ['abort', 'continue'] as const) {
    it(`with a failing host and on_failure: ${onFailure}, ${onFailure === 'abort' ? 'stops' : 'goes on'} and exits 1`, async () => {
      const esb = await startEsb({
        businesses: { '1': { hosts: [{ ip: '127.0.0.1' }, { ip: '127.0.0.2', agent: 'offline' }] } },
      });
      emu = esb.emu;
      const text = rb(
        step('first', '["127.0.0.1", "127.0.0.2"]', 'echo first ran', `    on_failure: ${onFailure}\n`) +
          step('second', '["127.0.0.1"]', 'echo second ran'),
      );
      const dir = await tempFiles({ 'rb.yaml': text });
      const res = await runCli(['apply', 'rb.yaml', '--yes'], { cwd: dir, env: esb.env });
      expect(res.code).toBe(1);
      expect(res.stdout).toContain('[first] FAILED');
      expect(res.stdout).toContain('[first] 127.0.0.2 (1 host): agent error');
      expect(jobsOf(esb.emu, 'e2e', 'first')).toHaveLength(1);
      const record = await onlyRecord(dir);
      expect(record.state).toBe('failed');
      expect(record.steps[0].state).toBe('failed');
      if (onFailure === 'abort') {
        expect(jobsOf(esb.emu, 'e2e', 'second')).toHaveLength(0);
        expect(res.stdout).toContain('[second] skipped: not run: step first failed');
        expect(record.steps[1].state).toBe('skipped');
      } else {
        expect(jobsOf(esb.emu, 'e2e', 'second')).toHaveLength(1);
        expect(res.stdout).toContain('[second] succeeded');
        expect(record.steps[1].state).toBe('succeeded');
      }
    });
  }

  it('without a terminal and without --yes, exits 4 and sends nothing', async () => {
    const esb = await startEsb();
    emu = esb.emu;
    const dir = await tempFiles({ 'rb.yaml': rb(step('one', '["127.0.0.1"]', 'echo one')) });
    const res = await runCli(['apply', 'rb.yaml', '--ui', 'stream'], { cwd: dir, env: esb.env });
    expect(res.code).toBe(4);
    expect(res.stderr).toContain('no terminal');
    expect(res.stderr).toContain('--yes');
    expect(esb.emu.calls().fast_execute_script ?? 0).toBe(0);
  });

  it('a secret missing from the environment: exit 2, nothing sent, nothing recorded', async () => {
    const esb = await startEsb();
    emu = esb.emu;
    const text = rb(
      step('one', '["127.0.0.1"]', 'echo "$1"', '    params: "--token ${{ secrets.token }}"\n'),
      'secrets:\n  token: { env: RB_TEST_TOKEN }',
    );
    const dir = await tempFiles({ 'rb.yaml': text });
    const res = await runCli(['apply', 'rb.yaml', '--yes'], { cwd: dir, env: esb.env });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('secret token is not set: export RB_TEST_TOKEN');
    expect(res.stderr).toMatch(/rb\.yaml:\d+:\d+:/);
    expect(Object.values(esb.emu.calls()).reduce((a, b) => a + b, 0)).toBe(0);
    expect(await onlyRecord(dir)).toBeUndefined();
  });

  it('never shows a secret: stdout, stderr, the record and the saved logs hold *** instead', async () => {
    const esb = await startEsb();
    emu = esb.emu;
    const canary = `canary-${process.pid}-s3cr3t`;
    const text = rb(
      step(
        'leak',
        '["127.0.0.1"]',
        'echo "token is $2"\necho "app secret is $BK_APP_SECRET"',
        '    params: "--token ${{ secrets.token }}"\n',
      ),
      'secrets:\n  token: RB_TEST_TOKEN',
    );
    const dir = await tempFiles({ 'rb.yaml': text });
    for (const ui of ['stream', 'json']) {
      const res = await runCli(['apply', 'rb.yaml', '--yes', '--ui', ui, '--debug'], {
        cwd: dir,
        env: { ...esb.env, RB_TEST_TOKEN: canary },
      });
      expect(res.code).toBe(0);
      expect(res.stdout).toContain('token is ***');
      expect(res.stdout + res.stderr).not.toContain(canary);
      expect(res.stdout + res.stderr).not.toContain(esb.env.BK_APP_SECRET);
    }
    const runsRoot = join(dir, '.runbook', 'runs');
    for (const run of await readdir(runsRoot)) {
      const files = await readdir(join(runsRoot, run), { recursive: true });
      for (const f of files) {
        const full = join(runsRoot, run, f);
        if ((await stat(full)).isFile()) expect(await readFile(full, 'utf8')).not.toContain(canary);
      }
      expect(await readFile(join(runsRoot, run, 'logs', 'leak', '0-127.0.0.1.log'), 'utf8')).toContain(
        'token is ***',
      );
    }
    // JOB was told the params are sensitive.
    expect(esb.emu.jobs().every((j) => j.request.is_param_sensitive === 1)).toBe(true);
  });

  it('--only and --from-step choose the steps that are sent', async () => {
    const esb = await startEsb();
    emu = esb.emu;
    const text = rb(['a', 'b', 'c'].map((n) => step(n, '["127.0.0.1"]', `echo ${n}`)).join(''));
    const dir = await tempFiles({ 'rb.yaml': text });
    const only = await runCli(['apply', 'rb.yaml', '--yes', '--only', 'b'], { cwd: dir, env: esb.env });
    expect(only.code).toBe(0);
    expect(only.stdout).toContain('[a] skipped: not selected by --only');
    expect(esb.emu.jobs().map((j) => j.name.split('@')[0])).toEqual(['e2e/b']);
    const from = await runCli(['apply', 'rb.yaml', '--yes', '--from-step', 'b'], { cwd: dir, env: esb.env });
    expect(from.code).toBe(0);
    expect(from.stdout).toContain('[a] skipped: before --from-step b');
    expect(esb.emu.jobs().map((j) => j.name.split('@')[0])).toEqual(['e2e/b', 'e2e/b', 'e2e/c']);
    const bad = await runCli(['apply', 'rb.yaml', '--yes', '--only', 'nope'], { cwd: dir, env: esb.env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--only nope: no such step; the steps are a, b, c');
    expect(esb.emu.jobs()).toHaveLength(3);
  });

  it('--ui json prints one versioned event per line, in order', async () => {
    const esb = await startEsb();
    emu = esb.emu;
    const dir = await tempFiles({
      'rb.yaml': rb(
        step('one', '["127.0.0.1", "127.0.0.2"]', 'echo json-$((1+1))') +
          step('two', '["127.0.0.1"]', 'exit 0'),
      ),
    });
    const res = await runCli(['apply', 'rb.yaml', '--yes', '--ui', 'json'], { cwd: dir, env: esb.env });
    expect(res.code).toBe(0);
    const lines = res.stdout.trimEnd().split('\n');
    const events = lines.map((l) => JSON.parse(l) as Record<string, any>);
    for (const e of events) {
      expect(e.v).toBe(1);
      expect(Number.isNaN(Date.parse(e.ts))).toBe(false);
    }
    const types = events.map((e) => e.type);
    expect(types[0]).toBe('run.started');
    expect(types.at(-1)).toBe('run.finished');
    expect(types.filter((t) => t === 'step.submitted')).toHaveLength(2);
    expect(types.indexOf('confirm.answered')).toBeLessThan(types.indexOf('step.submitting'));
    const started = events[0]!;
    expect(started.endpoint).toEqual({ url: esb.emu.url, local: false, transport: 'v2' });
    expect(started.steps.map((s: any) => [s.name, s.hostCount])).toEqual([
      ['one', 2],
      ['two', 1],
    ]);
    const finished = events.find((e) => e.type === 'step.finished' && e.step === 'one')!;
    expect(finished.ok).toBe(true);
    expect(finished.counts).toMatchObject({ total: 2, succeeded: 2 });
    expect(finished.hosts.map((h: any) => h.log)).toEqual([
      expect.stringContaining('json-2'),
      expect.stringContaining('json-2'),
    ]);
    expect(events.at(-1)).toMatchObject({ ok: true, exitCode: 0, runId: started.runId });
  });
});

describe('runbook plan', () => {
  it('prints each step: targets with counts, script SHA-256 and first lines, account, timeout, task name, masked params', async () => {
    const script = 'echo one\necho two\necho three\necho four\necho five\necho six';
    const text = rb(
      step(
        'first',
        '[web, "10.0.0.9"]',
        script,
        '    custom_query: ["3", 3]\n    params: "--who ${{ vars.who }} --token ${{ secrets.token }}"\n    timeout: 20m\n',
      ),
      'vars:\n  who: { type: string, default: ops }\nsecrets:\n  token: RB_TEST_TOKEN\ngroups:\n  web:\n    hosts: ["10.0.0.1", "0:10.0.0.9", { cloud: 2, ip: 10.0.0.1 }]',
    );
    const dir = await tempFiles({ 'rb.yaml': text });
    const sha = createHash('sha256').update(`${script}\n`).digest('hex');
    const res = await runCli(['plan', 'rb.yaml'], { cwd: dir, env: { RB_TEST_TOKEN: 'plan-canary-123' } });
    expect(res.code).toBe(0);
    expect(res.stdout).toContain(
      'targets:   3 hosts (0:10.0.0.1, 0:10.0.0.9, 2:10.0.0.1) + 1 custom query (3; JOB resolves the hosts)',
    );
    expect(res.stdout).toContain(`shell, inline, sha256 ${sha}`);
    expect(res.stdout).toContain('      | echo five');
    expect(res.stdout).not.toContain('echo six');
    expect(res.stdout).toContain('account:   root    timeout: 1200 s');
    expect(res.stdout).toMatch(/task name: e2e\/first(@\w+)?/);
    expect(res.stdout).toContain('params:    --who ops --token *** (sensitive)');
    expect(res.stdout).toContain('cannot be previewed');
    expect(res.stdout + res.stderr).not.toContain('plan-canary-123');

    const json = await runCli(['plan', 'rb.yaml', '--json', '--var', 'who=dev'], {
      cwd: dir,
      env: { RB_TEST_TOKEN: 'plan-canary-123' },
    });
    expect(json.code).toBe(0);
    expect(json.stdout).not.toContain('plan-canary-123');
    const plan = JSON.parse(json.stdout);
    expect(plan.steps[0]).toMatchObject({
      name: 'first',
      hostCount: 3,
      customQueries: ['3'],
      scriptSha256: sha,
      paramsDisplay: '--who dev --token ***',
      request: {
        bk_biz_id: 1,
        script_param: '***',
        is_param_sensitive: 1,
        script_timeout: 1200,
        script_type: 1,
        custom_query_id: ['3'],
        script_content: Buffer.from(`${script}\n`).toString('base64'),
      },
    });
  });

  it('warns about a missing secret but still shows the plan; reports runbook problems with their line', async () => {
    const text = rb(
      step('one', '["127.0.0.1"]', 'echo', '    params: "${{ secrets.token }}"\n'),
      'secrets:\n  token: RB_TEST_TOKEN',
    );
    const dir = await tempFiles({
      'rb.yaml': text,
      'bad.yaml': rb(step('one', '["127.0.0.1"]', 'echo ${{ vars.nope }}')),
    });
    const ok = await runCli(['plan', 'rb.yaml'], { cwd: dir });
    expect(ok.code).toBe(0);
    expect(ok.stderr).toContain('warning: secret token is not set (RB_TEST_TOKEN)');
    const bad = await runCli(['plan', 'bad.yaml'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/bad\.yaml:\d+:\d+: .*vars\.nope/);
  });

  it('takes var values by precedence: defaults, --vars-file, RUNBOOK_VAR_<NAME>, --var; a bad one exits 2', async () => {
    const text = rb(
      step(
        'one',
        '["127.0.0.1"]',
        'echo',
        '    params: "${{ vars.a }} ${{ vars.b }} ${{ vars.c }} ${{ vars.d }}"\n',
      ),
      'vars:\n  a: A0\n  b: B0\n  c: C0\n  d: { type: integer, default: 1, max: 5 }',
    );
    const dir = await tempFiles({ 'rb.yaml': text, 'vars.yaml': 'b: B1\nc: C1\nd: 2\n' });
    const res = await runCli(['plan', 'rb.yaml', '--vars-file', 'vars.yaml', '--var', 'd=4'], {
      cwd: dir,
      env: { RUNBOOK_VAR_c: 'C2', RUNBOOK_VAR_D: '3' },
    });
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('vars: a="A0", b="B1", c="C2", d=4');
    expect(res.stdout).toContain('params:    A0 B1 C2 4');
    const bad = await runCli(['plan', 'rb.yaml', '--var', 'd=9'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--var d: var d: 9 is above the maximum of 5');
  });
});
