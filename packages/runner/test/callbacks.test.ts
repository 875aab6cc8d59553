import { readdir, readFile } from 'node:fs/promises';
import { request } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import type { Emulator, EmulatorConfig, FaultRule } from '@runbook/emulator';
import { afterEach, describe, expect, it } from 'vitest';
import { startEsb } from './esb.js';
import { exited, onlyRecord, runCli, spawnCli, tempFiles, waitFor } from './helpers.js';

// Issue 18: JOB's callback wakes the follower, which confirms with one status call; polling stays
// as the fallback. Every case runs the CLI against the emulator on loopback, which posts callbacks
// as JOB does. Nothing here measures time: a poll interval of an hour means a step can only be
// noticed through its callback.

const runbook = (steps: string[], extra = '') => `version: 1
name: cb
biz: 1
defaults:
  account: root
  timeout: 60
steps:
${steps.map((s) => `  - name: ${s}\n    hosts: ["10.0.0.1", "10.0.0.2"]\n    script: echo ${s}\n${extra}`).join('')}`;

const SIMULATE: EmulatorConfig = {
  exec: 'simulate',
  simulate: { durationMs: [5, 30], failRate: 0, logLines: 1 },
};
/** Polling that never comes within a test: the first status call and the slow rate both an hour. */
const NO_POLL = ['--poll-initial', '1h', '--poll-max', '1h'];
const LISTEN = ['--callback-listen', '127.0.0.1:0'];

let emu: Emulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

async function esb(config: EmulatorConfig = SIMULATE, faults: FaultRule[] = []) {
  const e = await startEsb(config);
  emu = e.emu;
  e.emu.setFaults(faults);
  return e;
}

/** POSTs `body` to `url`; resolves to the HTTP status. */
function post(url: string, body: string, type = 'application/json'): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { 'content-type': type } }, (res) => {
      res.resume();
      res.once('end', () => resolve(res.statusCode ?? 0));
    });
    req.once('error', reject);
    req.end(body);
  });
}

/** Whether something accepts connections on host:port. */
function listening(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host, port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** Every file under `dir`, as text. */
async function filesText(dir: string): Promise<string> {
  let out = '';
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true }))
    if (e.isFile()) out += await readFile(join(e.parentPath, e.name), 'utf8');
  return out;
}

describe('JOB callbacks (--callback-listen, --callback-url)', () => {
  it('the callback wakes the follower: each step noticed with exactly one status call, the token never shown or recorded', async () => {
    const e = await esb();
    const dir = await tempFiles({ 'rb.yaml': runbook(['one', 'two', 'three']) });
    const res = await runCli(['apply', 'rb.yaml', '--yes', ...LISTEN, ...NO_POLL], { cwd: dir, env: e.env });
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    const jobs = e.emu.jobs();
    expect(jobs).toHaveLength(3);
    // One status call per step: the one the callback asked for (the polls are an hour away).
    expect(e.emu.calls().get_job_instance_status).toBe(3);
    const attempts = e.emu.callbacks();
    expect(attempts.map((a) => [a.attempt, a.contentType, a.status])).toEqual(
      Array(3).fill([1, 'application/json', 200]),
    );
    const url = new URL(jobs[0]!.callbackUrl!);
    expect(url.hostname).toBe('127.0.0.1');
    const token = url.pathname.slice(1);
    expect(token.length).toBeGreaterThanOrEqual(32);
    // One token for the run, in every submit; never in the output or the record.
    expect(new Set(jobs.map((j) => j.callbackUrl))).toEqual(new Set([url.toString()]));
    expect(`${res.stdout}${res.stderr}`).not.toContain(token);
    expect(await filesText(join(dir, '.runbook'))).not.toContain(token);
    // The port closed with the run.
    expect(await listening('127.0.0.1', Number(url.port))).toBe(false);
  });

  it('ESB v2 and the API gateway v3 both carry the URL (bk_callback_url / callback_url) and are woken', async () => {
    const e = await esb();
    const dir = await tempFiles({ 'rb.yaml': runbook(['one']) });
    const { BK_ESB_URL: _, ...env } = e.env;
    const args = ['apply', 'rb.yaml', '--yes', '--apigw-url', e.emu.url, ...LISTEN, ...NO_POLL];
    const res = await runCli(args, { cwd: dir, env });
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    const [job] = e.emu.jobs();
    expect(job!.transport).toBe('v3');
    expect(job!.request.callback_url).toBe(job!.callbackUrl);
    // One to follow (the callback's), one that v3's log read makes to list the step's hosts.
    expect(e.emu.calls().get_job_instance_status).toBe(2);
  });

  it('a forged callback (no token, a wrong one, a look-alike) is answered 404 and wakes nothing; the real one does', async () => {
    // JOB's callback is lost, so only a forged one could end the step before the genuine one is sent.
    const e = await esb(SIMULATE, [{ kind: 'callback_lost', call: 'callback' }]);
    const dir = await tempFiles({ 'rb.yaml': runbook(['one']) });
    const child = spawnCli(['apply', 'rb.yaml', '--yes', ...LISTEN, ...NO_POLL], { cwd: dir, env: e.env });
    child.stdin.end();
    const job = await waitFor('the job to end', () => {
      const j = e.emu.jobs()[0];
      return j && j.status === 3 ? j : undefined;
    });
    const real = new URL(job.callbackUrl!);
    const token = real.pathname.slice(1);
    const base = `http://${real.host}`;
    const body = JSON.stringify({ job_instance_id: job.jobInstanceId, status: 3 });
    const forged = [
      `${base}/`,
      `${base}/callback`,
      `${base}/${token.slice(0, -1)}`,
      `${base}/${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`,
      `${base}/${token}x`,
      `${base}/${'x'.repeat(5000)}`,
      `${base}/${encodeURIComponent('тoken')}`,
    ];
    for (const url of forged) expect(await post(url, body)).toBe(404);
    // The right token with a GET, or an unreadable body, is no callback either.
    expect(await post(real.toString(), '')).toBe(400);
    expect(await post(real.toString(), '{"job_instance_id": "x"}')).toBe(400);
    expect(await post(real.toString(), 'x'.repeat(70_000))).toBe(413);
    expect(child.exitCode).toBeNull();
    expect(e.emu.calls().get_job_instance_status ?? 0).toBe(0);
    // JOB's own form retry (the JSON text as application/x-www-form-urlencoded) is understood.
    expect(await post(real.toString(), body, 'application/x-www-form-urlencoded')).toBe(200);
    const res = await exited(child);
    expect(res.code).toBe(0);
    expect(e.emu.calls().get_job_instance_status).toBe(1);
    expect(`${res.stdout}${res.stderr}`).not.toContain(token);
  });

  it('a callback is a hint: one saying a running job finished costs one status call, and the step goes on', async () => {
    const e = await esb({ ...SIMULATE, simulate: { durationMs: 600_000, logLines: 1 } });
    const dir = await tempFiles({ 'rb.yaml': runbook(['long']) });
    const child = spawnCli(['apply', 'rb.yaml', '--yes', ...LISTEN, ...NO_POLL], { cwd: dir, env: e.env });
    child.stdin.end();
    const job = await waitFor('the job', () => e.emu.jobs()[0]);
    const body = JSON.stringify({ job_instance_id: job.jobInstanceId, status: 3 });
    expect(await post(job.callbackUrl!, body)).toBe(200);
    await waitFor('the status call the callback asked for', () =>
      (e.emu.calls().get_job_instance_status ?? 0) >= 1 ? true : undefined,
    );
    const record = await waitFor('the record of a running step', async () => {
      const r = await onlyRecord(dir);
      return r?.steps[0].state === 'running' ? r : undefined;
    });
    expect(record.state).toBe('running');
    child.kill('SIGINT');
    const res = await exited(child);
    expect(res.code).toBe(130);
    expect((await onlyRecord(dir)).steps[0].state).toBe('detached');
    // The port closed with the interrupted run too.
    expect(await listening('127.0.0.1', Number(new URL(job.callbackUrl!).port))).toBe(false);
  });

  it('a lost callback falls back to polling at the slow rate', async () => {
    const e = await esb(SIMULATE, [{ kind: 'callback_lost', call: 'callback' }]);
    const dir = await tempFiles({ 'rb.yaml': runbook(['one', 'two']) });
    const res = await runCli(['apply', 'rb.yaml', '--yes', ...LISTEN, '--poll-max', '1s'], {
      cwd: dir,
      env: e.env,
    });
    expect(res.code).toBe(0);
    expect(e.emu.callbacks()).toEqual([]);
    expect(e.emu.faultsInjected().callback_lost).toBe(2);
    // Jobs of milliseconds, the first status call a second later: one call each.
    expect(e.emu.calls().get_job_instance_status).toBe(2);
  });

  it('a duplicated or late callback costs no extra submit, and at most one status call each', async () => {
    const e = await esb(SIMULATE, [
      { kind: 'callback_duplicate', call: 'callback', times: 1 },
      { kind: 'callback_late', call: 'callback', ms: 300 },
    ]);
    const dir = await tempFiles({ 'rb.yaml': runbook(['one', 'two']) });
    const res = await runCli(['apply', 'rb.yaml', '--yes', ...LISTEN, ...NO_POLL], { cwd: dir, env: e.env });
    expect(res.code).toBe(0);
    expect(e.emu.calls().fast_execute_script).toBe(2);
    expect(e.emu.calls().get_job_instance_status).toBe(2);
    expect(e.emu.faultsInjected()).toMatchObject({ callback_duplicate: 1, callback_late: 2 });
  });

  it("a step's own callback_url wins (JOB takes one URL): that step is followed by polling, the others by callback", async () => {
    const e = await esb();
    const own = 'http://127.0.0.1:9/hooks/deploy';
    const text = `version: 1
name: cb
biz: 1
defaults:
  account: root
  timeout: 60
steps:
  - name: mine
    hosts: ["10.0.0.1"]
    callback_url: ${own}
    script: echo mine
  - name: ours
    hosts: ["10.0.0.1"]
    script: echo ours
`;
    const dir = await tempFiles({ 'rb.yaml': text });
    const res = await runCli(['apply', 'rb.yaml', '--yes', ...LISTEN], { cwd: dir, env: e.env });
    expect(res.code).toBe(0);
    const [mine, ours] = e.emu.jobs();
    expect(mine!.callbackUrl).toBe(own);
    expect(ours!.callbackUrl).not.toBe(own);
    expect(ours!.callbackUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/[\w-]{32}$/);
  });

  it('behind NAT or a proxy: --callback-url is what JOB calls, the token appended to its path', async () => {
    const e = await esb({ ...SIMULATE, job: { callbackAllowList: ['http://127.0.0.1:9/hooks'] } });
    const dir = await tempFiles({ 'rb.yaml': runbook(['one']) });
    const res = await runCli(
      [
        'apply',
        'rb.yaml',
        '--yes',
        ...LISTEN,
        '--callback-url',
        'http://127.0.0.1:9/hooks/',
        '--poll-max',
        '1s',
      ],
      { cwd: dir, env: e.env },
    );
    expect(res.code).toBe(0);
    const [job] = e.emu.jobs();
    expect(job!.callbackUrl).toMatch(/^http:\/\/127\.0\.0\.1:9\/hooks\/[\w-]{32}$/);
  });

  it('--local listens on loopback by default: one status call per step; --no-callback polls instead', async () => {
    const dir = await tempFiles({ 'rb.yaml': runbook(['one', 'two']).replaceAll('10.0.0.', '127.0.0.') });
    const res = await runCli(['apply', 'rb.yaml', '--local', '--yes', '--debug', ...NO_POLL], { cwd: dir });
    expect(res.code).toBe(0);
    expect(res.stderr).toMatch(/debug: JOB's callbacks are received on 127\.0\.0\.1:\d+\n/);
    expect(res.stderr.match(/debug: get_job_instance_status /g)).toHaveLength(2);
    const off = await runCli(['apply', 'rb.yaml', '--local', '--yes', '--debug', '--no-callback'], {
      cwd: dir,
    });
    expect(off.code).toBe(0);
    expect(off.stderr).not.toContain('callbacks are received');
  });

  it('--local with an emulator allow-list that refuses loopback follows by polling', async () => {
    const dir = await tempFiles({
      'rb.yaml': runbook(['one']).replaceAll('10.0.0.', '127.0.0.'),
      'emulator.local.yaml': 'job:\n  callbackAllowList: ["https://ops.example.com/hooks"]\n',
    });
    const res = await runCli(['apply', 'rb.yaml', '--local', '--yes', '--debug', '--poll-max', '1s'], {
      cwd: dir,
    });
    expect(res.code).toBe(0);
    expect(res.stderr).toContain("the emulator's job.callbackAllowList refuses");
  });

  it.each([
    [['--callback-url', 'http://gw.example.com/cb'], 'give --callback-listen HOST:PORT too'],
    [['--callback-listen', '0.0.0.0:8089'], 'listens on every address'],
    [['--callback-listen', '[::]:8089'], 'listens on every address'],
    [['--callback-listen', 'localhost'], 'give HOST:PORT'],
    [['--callback-listen', '127.0.0.1:70000'], 'give HOST:PORT'],
    [['--callback-listen', ''], 'give HOST:PORT'],
    [['--callback-listen', '127.0.0.1:0', '--callback-url', 'ftp://x/'], 'http or https'],
    [['--callback-listen', '127.0.0.1:0', '--callback-url', 'http://u:p@x/'], 'user name or password'],
    [['--callback-listen', '127.0.0.1:0', '--callback-url', 'x'], 'not a URL'],
    [['--callback-listen', '127.0.0.1:0', '--callback-url', `http://x/${'p'.repeat(1000)}`], 'at most'],
    [['--no-callback', '--callback-listen', '127.0.0.1:0'], 'cannot be combined'],
  ])('%j is refused before anything is sent (exit 2)', async (flags, message) => {
    const e = await esb();
    const dir = await tempFiles({ 'rb.yaml': runbook(['one']) });
    const res = await runCli(['apply', 'rb.yaml', '--yes', ...flags], { cwd: dir, env: e.env });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(message);
    expect(e.emu.jobs()).toEqual([]);
  });

  it('an address that cannot be bound is a local problem (exit 5), nothing sent', async () => {
    const e = await esb();
    const dir = await tempFiles({ 'rb.yaml': runbook(['one']) });
    const res = await runCli(['apply', 'rb.yaml', '--yes', '--callback-listen', '192.0.2.1:8089'], {
      cwd: dir,
      env: e.env,
    });
    expect(res.code).toBe(5);
    expect(res.stderr).toContain("cannot listen for JOB's callbacks on 192.0.2.1:8089");
    expect(e.emu.jobs()).toEqual([]);
  });
});
