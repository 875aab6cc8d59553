/**
 * `runbook apply` over the API gateway v3, through the CLI and real HTTP against the emulator's
 * gateway (`--apigw-url` / `BK_APIGW_URL`, or `--local --transport v3`): success, a failing host,
 * 600 hosts, host ids, topology and dynamic-group targets, a refused secret, the gateway's HTML
 * error page, terminate, plan --json and the record's transport. After every run the emulator
 * counts no v3 call that carried a secret in its body or query string.
 */

import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Emulator, parseEmulatorConfig, startEmulator } from '@runbook/emulator';
import { afterEach, describe, expect, it } from 'vitest';
import { exited, onlyRecord, runCli, spawnCli, tempFiles, waitFor } from './helpers.js';
import { startEmulatorProcess } from './reliability/emulator-process.js';
import { readRecordFile } from './reliability/invariants.js';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const SECRET = `v3-app-secret-${process.pid}-canary`;

/** Business 1: three local hosts, two with CMDB ids, a dynamic group and a topology. */
const CONFIG = `apps: { runbook-test: ${SECRET} }
businesses:
  "1":
    hosts:
      - { ip: 127.0.0.1, bk_host_id: 101 }
      - { ip: 127.0.0.2, bk_host_id: 102 }
      - { ip: 127.0.0.3 }
    custom_queries:
      dg1: [102, "127.0.0.3"]
    topology:
      "3":
        "12": [101]
        "13": ["127.0.0.2"]
`;

const runbook = (steps: string) => `version: 1
name: gw
biz: 1
defaults:
  account: root
  timeout: 60
steps:
${steps}`;

const step = (name: string, target: string, script: string) =>
  `  - name: ${name}\n    ${target}\n    script: ${script}\n`;

let emu: Emulator | undefined;
const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  await emu?.close();
  emu = undefined;
  for (const stop of stops.splice(0)) await stop();
});

/** An in-process emulator whose gateway the CLI reaches through BK_APIGW_URL. */
async function gateway(configYaml = CONFIG) {
  emu = await startEmulator({ config: parseEmulatorConfig(configYaml) });
  const env = {
    BK_APIGW_URL: emu.url,
    BK_APP_CODE: 'runbook-test',
    BK_APP_SECRET: SECRET,
    BK_USERNAME: 'tester',
  };
  return { emu, env };
}

/** No secret in output, and no v3 call carried one in its body or query string. */
function expectNoCredentials(e: Emulator, res: { stdout: string; stderr: string }) {
  expect(e.credentialsInParams()).toEqual({});
  expect(res.stdout + res.stderr).not.toContain(SECRET);
}

describe('apply over the API gateway v3', () => {
  it('runs steps by IP, host id, topology node and dynamic group; the record says v3', async () => {
    const { emu: e, env } = await gateway();
    const dir = await tempFiles({
      'rb.yaml': runbook(
        step('by-ip', 'hosts: ["127.0.0.1"]', 'echo by ip') +
          step('by-id', 'hosts: [{ host_id: 102 }]', 'echo by id') +
          step('by-topo', 'topo: ["module:12", { node_type: set, id: 3 }]', 'echo by topo') +
          step('by-group', 'custom_query: ["dg1"]', 'echo by group'),
      ),
    });
    const res = await runCli(['apply', 'rb.yaml', '--yes'], { cwd: dir, env, timeoutMs: 60_000 });
    expect(res.code, res.stdout + res.stderr).toBe(0);
    expect(res.stdout).toContain(`endpoint ${e.url} (API gateway v3)`);
    for (const text of ['by ip', 'by id', 'by topo', 'by group']) expect(res.stdout).toContain(text);
    const jobs = e.jobs();
    expect(jobs.map((j) => j.transport)).toEqual(['v3', 'v3', 'v3', 'v3']);
    const target = (i: number) =>
      (jobs[i]!.request as { target_server: Record<string, unknown> }).target_server;
    const hostsOf = (i: number) => jobs[i]!.hosts.map((h) => h.bk_host_id).sort();
    expect(target(1)).toMatchObject({ host_id_list: [102] });
    expect(hostsOf(1)).toEqual([102]);
    expect(target(2).topo_node_list).toEqual(
      expect.arrayContaining([
        { node_type: 'module', id: 12 },
        { node_type: 'set', id: 3 },
      ]),
    );
    expect(hostsOf(2)).toEqual([101, 102]);
    expect(target(3).dynamic_group_list).toEqual([{ id: 'dg1' }]);
    expect(hostsOf(3)).toHaveLength(2);
    for (const j of jobs) expect(JSON.stringify(j.request)).not.toContain(SECRET);
    const record = await onlyRecord(dir);
    expect(record.endpoint).toEqual({ url: e.url, local: false, transport: 'v3' });
    expect(JSON.stringify(record)).not.toContain(SECRET);
    expectNoCredentials(e, res);
  });

  it('a failing host fails the run: exit 1', async () => {
    const { emu: e, env } = await gateway();
    const dir = await tempFiles({ 'rb.yaml': runbook(step('bad', 'hosts: [{ host_id: 101 }]', 'exit 3')) });
    const res = await runCli(['apply', 'rb.yaml', '--yes'], { cwd: dir, env });
    expect(res.code, res.stdout + res.stderr).toBe(1);
    expect(e.jobs()).toHaveLength(1);
    expect(e.jobs()[0]!.hosts[0]).toMatchObject({ bk_host_id: 101, exitCode: 3 });
    expect((await onlyRecord(dir)).steps[0].state).toBe('failed');
    expectNoCredentials(e, res);
  });

  it('600 hosts: their logs come in two calls of at most 500 hosts', async () => {
    const { emu: e, env } = await gateway(
      `exec: simulate\nsimulate: { durationMs: 1, failRate: 0, agentErrorRate: 0, logLines: 1 }\n`,
    );
    const ips = Array.from({ length: 600 }, (_, i) => `"10.0.${Math.floor(i / 200)}.${(i % 200) + 1}"`);
    const dir = await tempFiles({
      'rb.yaml': runbook(step('many', `hosts: [${ips.join(', ')}]`, 'echo hi')),
    });
    const res = await runCli(['apply', 'rb.yaml', '--yes', '--debug'], { cwd: dir, env, timeoutMs: 60_000 });
    expect(res.code, res.stdout + res.stderr).toBe(0);
    expect(e.jobs()[0]!.hosts).toHaveLength(600);
    expect(e.calls().batch_get_job_instance_ip_log).toBe(2);
    expect(res.stderr.match(/debug: batch_get_job_instance_ip_log attempt 1 /g)).toHaveLength(2);
    expectNoCredentials(e, res);
  });

  it('a wrong app secret is refused by the gateway: exit 3, nothing ran, the secret not printed', async () => {
    const dir = await tempFiles({ 'rb.yaml': runbook(step('one', 'hosts: ["127.0.0.1"]', 'echo one')) });
    const proc = await startEmulatorProcess(dir, CONFIG);
    stops.push(proc.stop);
    const wrong = `wrong-secret-${process.pid}-canary`;
    const res = await runCli(['apply', 'rb.yaml', '--yes', '--apigw-url', proc.url], {
      cwd: dir,
      env: { BK_APP_CODE: 'runbook-test', BK_APP_SECRET: wrong, BK_USERNAME: 'tester' },
    });
    expect(res.code, res.stdout + res.stderr).toBe(3);
    expect(res.stdout + res.stderr).not.toContain(wrong);
    expect(await proc.jobs()).toHaveLength(0);
    expect(await proc.credentials()).toEqual({});
    const record = await onlyRecord(dir);
    if (record) expect(JSON.stringify(record)).not.toContain(wrong);
  });

  it("the gateway's HTML error page on a read call is retried; the run succeeds", async () => {
    const { emu: e, env } = await gateway();
    e.setFaults([{ call: 'get_job_instance_status', kind: 'gateway_html', status: 502, times: 2 }]);
    const dir = await tempFiles({ 'rb.yaml': runbook(step('one', 'hosts: ["127.0.0.1"]', 'echo one')) });
    const res = await runCli(['apply', 'rb.yaml', '--yes'], { cwd: dir, env });
    expect(res.code, res.stdout + res.stderr).toBe(0);
    expect(e.faultsInjected().gateway_html).toBe(2);
    expect(e.calls().fast_execute_script).toBe(1);
    expect(e.jobs()).toHaveLength(1);
    expectNoCredentials(e, res);
  });

  it("the gateway's HTML error page on submit: may have started, never resubmitted", async () => {
    const { emu: e, env } = await gateway();
    e.setFaults([{ call: 'fast_execute_script', kind: 'gateway_html', status: 502, times: 1 }]);
    const dir = await tempFiles({ 'rb.yaml': runbook(step('one', 'hosts: ["127.0.0.1"]', 'echo one')) });
    const res = await runCli(['apply', 'rb.yaml', '--yes'], { cwd: dir, env });
    expect(res.code, res.stdout + res.stderr).toBe(3);
    expect(res.stdout).toContain('the job MAY HAVE STARTED');
    expect(e.calls().fast_execute_script).toBe(1);
    const record = await onlyRecord(dir);
    expect(record.steps[0].state).toBe('may-have-started');
    const again = await runCli(['apply', 'rb.yaml', '--yes', '--resume', record.runId], { cwd: dir, env });
    expect(again.code).toBe(4);
    expect(e.calls().fast_execute_script).toBe(1);
    expectNoCredentials(e, res);
    expectNoCredentials(e, again);
  });

  it('--terminate-on-interrupt with SIGINT terminates the job through operate_job_instance', async () => {
    const { emu: e, env } = await gateway();
    const dir = await tempFiles({ 'rb.yaml': runbook(step('slow', 'hosts: ["127.0.0.1"]', 'sleep 20')) });
    const child = spawnCli(
      ['apply', 'rb.yaml', '--yes', '--terminate-on-interrupt', '--poll-initial', '50ms'],
      {
        cwd: dir,
        env,
      },
    );
    const job = await waitFor('the job to run', () => e.jobs().find((j) => j.status === 2));
    await waitFor('the record to hold the job', async () =>
      (await onlyRecord(dir))?.steps?.[0]?.jobInstanceId ? true : undefined,
    );
    child.kill('SIGINT');
    const res = await exited(child);
    expect(res.code).toBe(130);
    expect(res.stdout).toContain('interrupted (SIGINT): terminating the running job');
    expect(e.calls().operate_job_instance).toBe(1);
    const ended = await waitFor('the job to be terminated', () =>
      e.jobs().find((j) => j.jobInstanceId === job.jobInstanceId && j.status !== 2),
    );
    expect(ended.status).toBe(11);
    expectNoCredentials(e, res);
  });
});

describe('--local --transport v3 and plan', () => {
  it('runbooks/maintenance.yaml runs unchanged; the record says v3; a resume without --transport v3 is refused', async () => {
    const state = await mkdtemp(join(tmpdir(), 'runbook-v3-state-'));
    const args = ['apply', 'runbooks/maintenance.yaml', '--local', '--yes', '--state-dir', state];
    const res = await runCli([...args, '--transport', 'v3'], { cwd: REPO, timeoutMs: 120_000 });
    expect(res.code, res.stdout + res.stderr).toBe(0);
    expect(res.stdout).toContain('(API gateway v3)');
    const runId = /^\S+ run (\S+)$/m.exec(res.stdout)?.[1];
    expect(runId).toBeTruthy();
    expect(readRecordFile(state, runId!).endpoint).toMatchObject({ local: true, transport: 'v3' });
    const refused = await runCli([...args, '--resume', runId!], { cwd: REPO });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`run ${runId} ran over API gateway v3, not ESB v2`);
  });

  it('plan --json --transport v3 shows the v3 body, with no credential', async () => {
    const dir = await tempFiles({
      'rb.yaml': runbook(step('by-id', 'hosts: [{ host_id: 101 }]', 'echo hi')),
    });
    const res = await runCli(['plan', 'rb.yaml', '--json', '--transport', 'v3'], {
      cwd: dir,
      env: { BK_APIGW_URL: 'http://127.0.0.1:9', BK_APP_CODE: 'runbook-test', BK_APP_SECRET: SECRET },
    });
    expect(res.code, res.stderr).toBe(0);
    const plan = JSON.parse(res.stdout);
    expect(plan.transport).toBe('v3');
    expect(plan.steps[0].request).toMatchObject({
      bk_scope_type: 'biz',
      bk_scope_id: '1',
      script_language: 1,
      account_alias: 'root',
      target_server: { host_id_list: [101] },
    });
    for (const key of ['bk_app_code', 'bk_app_secret', 'bk_username', 'bk_token', 'script_type', 'ip_list'])
      expect(plan.steps[0].request).not.toHaveProperty(key);
    expect(res.stdout).not.toContain(SECRET);
    expect(res.stdout).not.toMatch(/bk_app_secret|bk_token/);
  });
});
