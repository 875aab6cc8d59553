import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Emulator } from '@runbook/emulator';
import { afterEach, describe, expect, it } from 'vitest';
import { startEsb } from './esb.js';
import { onlyRecord, runCli, tempFiles } from './helpers.js';

/** One step on the emulator's host 127.0.0.1, and optionally one more step. */
const runbook = (extra = '') => `version: 1
name: tr
biz: 1
defaults:
  account: root
  timeout: 60
steps:
  - name: hello
    hosts: ["127.0.0.1"]
    script: echo hello
${extra}`;

const BY_ID = `  - name: by-id
    hosts: [{ host_id: 101 }]
    script: echo by id
  - name: by-topo
    topo: ["module:12"]
    script: echo by topo
`;

let emu: Emulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

const recordPath = (dir: string, runId: string) => join(dir, '.runbook', 'runs', runId, 'record.json');

describe('the transport of plan and apply', () => {
  it('ESB v2 refuses host ids and topology nodes before sending anything: exit 2, naming the step', async () => {
    const esb = await startEsb();
    emu = esb.emu;
    const dir = await tempFiles({ 'rb.yaml': runbook(BY_ID) });
    // validate does not know the endpoint: it accepts them.
    expect((await runCli(['validate', 'rb.yaml'], { cwd: dir })).code).toBe(0);
    for (const args of [
      ['apply', 'rb.yaml', '--yes'],
      ['plan', 'rb.yaml'],
    ]) {
      const res = await runCli(args, { cwd: dir, env: esb.env });
      expect(res.code, res.stderr).toBe(2);
      expect(res.stderr).toContain(
        'rb.yaml:12:13: step "by-id" names hosts by id (host_id 101), which ESB v2 cannot address; run it through the API gateway v3',
      );
      expect(res.stderr).toContain(
        'rb.yaml:15:12: step "by-topo" targets topology nodes (module:12), which ESB v2 cannot address',
      );
      expect(res.stdout).toBe('');
    }
    expect(esb.emu.jobs()).toHaveLength(0);
    expect(await onlyRecord(dir)).toBeUndefined();
  });

  it('two URLs, as options or in the environment, exit 2 naming both, and nothing is sent', async () => {
    const esb = await startEsb();
    emu = esb.emu;
    const dir = await tempFiles({ 'rb.yaml': runbook() });
    const flags = await runCli(
      ['apply', 'rb.yaml', '--yes', '--esb-url', esb.emu.url, '--apigw-url', esb.emu.url],
      { cwd: dir, env: esb.env },
    );
    expect(flags.code).toBe(2);
    expect(flags.stderr).toMatch(/^runbook: --esb-url and --apigw-url are both given; give one of them/);
    const env = await runCli(['apply', 'rb.yaml', '--yes'], {
      cwd: dir,
      env: { ...esb.env, BK_APIGW_URL: esb.emu.url },
    });
    expect(env.code).toBe(2);
    expect(env.stderr).toMatch(/^runbook: BK_ESB_URL and BK_APIGW_URL are both given; give one of them/);
    const plan = await runCli(['plan', 'rb.yaml'], { cwd: dir, env: { ...esb.env, BK_APIGW_URL: 'x' } });
    expect(plan.code).toBe(2);
    expect(plan.stderr).toContain('BK_ESB_URL and BK_APIGW_URL are both given');
    expect(esb.emu.jobs()).toHaveLength(0);
    expect(await onlyRecord(dir)).toBeUndefined();
  });

  it('--transport takes v2 or v3; one that does not fit the URL is refused', async () => {
    const dir = await tempFiles({ 'rb.yaml': runbook() });
    const bad = await runCli(['apply', 'rb.yaml', '--local', '--yes', '--transport', 'v1'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--transport v1: give v2 (ESB, the default) or v3 (the API gateway)');
    const misfit = await runCli(['apply', 'rb.yaml', '--yes', '--transport', 'v3'], {
      cwd: dir,
      env: { BK_ESB_URL: 'http://127.0.0.1:9' },
    });
    expect(misfit.code).toBe(2);
    expect(misfit.stderr).toContain('--transport v3 does not fit BK_ESB_URL, which is the URL of ESB v2');
    expect(await onlyRecord(dir)).toBeUndefined();
  });

  it('plan --transport v3 shows the plan over the API gateway v3: host ids and topology nodes', async () => {
    const dir = await tempFiles({ 'rb.yaml': runbook(BY_ID) });
    const res = await runCli(['plan', 'rb.yaml', '--transport', 'v3'], {
      cwd: dir,
      env: { BK_ESB_URL: 'http://127.0.0.1:9' },
    });
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout.split('\n')[0]).toMatch(/, scope biz 1, over API gateway v3$/);
    expect(res.stdout).toContain('targets:   1 host (host_id 101)');
    expect(res.stdout).toContain('targets:   1 topology node (module:12; JOB resolves the hosts)');
  });

  it('the header and the record say ESB v2; a resume over another transport is refused', async () => {
    const esb = await startEsb();
    emu = esb.emu;
    const dir = await tempFiles({ 'rb.yaml': runbook() });
    const first = await runCli(['apply', 'rb.yaml', '--yes', '--ui', 'json'], { cwd: dir, env: esb.env });
    expect(first.code, first.stderr).toBe(0);
    const started = JSON.parse(first.stdout.split('\n')[0]!);
    expect(started).toMatchObject({ type: 'run.started', endpoint: { url: esb.emu.url, transport: 'v2' } });
    const record = await onlyRecord(dir);
    expect(record.endpoint).toEqual({ url: esb.emu.url, local: false, transport: 'v2' });

    // The same run, as if it had gone through the API gateway: resuming it over ESB v2 is refused.
    const path = recordPath(dir, record.runId);
    await writeFile(path, JSON.stringify({ ...record, endpoint: { ...record.endpoint, transport: 'v3' } }));
    const refused = await runCli(['apply', 'rb.yaml', '--yes', '--resume', record.runId], {
      cwd: dir,
      env: esb.env,
    });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(
      `runbook: run ${record.runId} ran over API gateway v3, not ESB v2; resume it on the same transport (--apigw-url ${esb.emu.url})\n`,
    );
    expect(JSON.parse(await readFile(path, 'utf8')).endpoint.transport).toBe('v3');

    // A record from before transports were recorded ran over ESB v2: it resumes there.
    const { transport: _, ...old } = record.endpoint;
    await writeFile(path, JSON.stringify({ ...record, endpoint: old }));
    const resumed = await runCli(['apply', 'rb.yaml', '--yes', '--resume', record.runId], {
      cwd: dir,
      env: esb.env,
    });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toContain(`[hello] skipped: succeeded in run ${record.runId}`);
    expect(esb.emu.jobs()).toHaveLength(1);
  });

  it('a --local run records ESB v2, and resuming it with --transport v3 is refused', async () => {
    const dir = await tempFiles({ 'rb.yaml': runbook() });
    const first = await runCli(['apply', 'rb.yaml', '--local', '--yes'], { cwd: dir });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/endpoint the local emulator at http:\/\/127\.0\.0\.1:\d+ \(ESB v2\)/);
    const record = await onlyRecord(dir);
    expect(record.endpoint).toMatchObject({ local: true, transport: 'v2' });
    const refused = await runCli(
      ['apply', 'rb.yaml', '--local', '--transport', 'v3', '--yes', '--resume', record.runId],
      { cwd: dir },
    );
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(
      `runbook: run ${record.runId} ran over ESB v2, not API gateway v3; resume it on the same transport (--local)\n`,
    );
  });

  it('apply --help and plan --help name the transport options', async () => {
    const apply = await runCli(['apply', '--help']);
    expect(apply.stdout).toContain('--apigw-url URL');
    expect(apply.stdout).toContain('--transport v2|v3');
    expect(apply.stdout).toContain('BK_APIGW_URL');
    const plan = await runCli(['plan', '--help']);
    expect(plan.stdout).toContain('--transport v2|v3');
  });
});
