import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { b64, onlyHost } from './helpers.js';

const BIN = fileURLToPath(new URL('../bin/runbook-emulator.js', import.meta.url));
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'emu-bin-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

function run(args: string[]): {
  child: ChildProcess;
  stdout: () => string;
  out: Promise<{ code: number | null; stdout: string; stderr: string }>;
} {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (b) => (stdout += b));
  child.stderr!.on('data', (b) => (stderr += b));
  return {
    child,
    stdout: () => stdout,
    out: new Promise((r) => child.on('close', (code) => r({ code, stdout, stderr }))),
  };
}

describe('the runbook-emulator command (built dist)', () => {
  it('--help explains the options', async () => {
    const r = await run(['--help']).out;
    expect(r.code).toBe(0);
    for (const opt of [
      '--port',
      '--config',
      '--host',
      '--allow-non-loopback',
      '--exec',
      '--job-generation',
      '--seed',
    ])
      expect(r.stdout).toContain(opt);
  });

  it('refuses bad options and a public host without --allow-non-loopback', async () => {
    expect((await run(['--job-generation', '4']).out).code).toBe(2);
    const r = await run(['--host', '0.0.0.0', '--port', '0']).out;
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--allow-non-loopback');
    const bad = join(dir, 'bad.yaml');
    await writeFile(bad, 'exec: remote\n');
    const c = await run(['--port', '0', '--config', bad]).out;
    expect(c.code).toBe(2);
    expect(c.stderr).toContain('exec must be');
  });

  it('serves with a config file, runs a script, stops on SIGTERM', async () => {
    const config = join(dir, 'emulator.yaml');
    await writeFile(
      config,
      'apps: { cli: pw }\nbusinesses: { "5": { hosts: [{ ip: 10.1.1.1 }], accounts: [root] } }\n',
    );
    const { child, out, stdout } = run(['--port', '0', '--config', config, '--job-generation', '3']);
    let url = '';
    for (let i = 0; i < 500 && !url; i++) {
      url = /listening on (http:\/\/\S+)/.exec(stdout())?.[1] ?? '';
      if (!url) await new Promise((r) => setTimeout(r, 10));
    }
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const auth = { bk_app_code: 'cli', bk_app_secret: 'pw', bk_username: 'u' };
    const post = async (name: string, body: object) =>
      (await (
        await fetch(`${url}/api/c/compapi/v2/job/${name}/`, { method: 'POST', body: JSON.stringify(body) })
      ).json()) as any;
    const submit = await post('fast_execute_script', {
      ...auth,
      bk_biz_id: 5,
      script_content: b64('echo "<cli>"'),
      script_type: 1,
      account: 'root',
      ip_list: [{ bk_cloud_id: 0, ip: '10.1.1.1' }],
    });
    expect(submit).toMatchObject({ result: true, data: { step_instance_id: expect.any(Number) } });
    const ref = { ...auth, bk_biz_id: 5, job_instance_id: submit.data.job_instance_id };
    let finished = false;
    for (let i = 0; i < 500 && !finished; i++) {
      finished = (await post('get_job_instance_status', ref)).data.is_finished;
      if (!finished) await new Promise((r) => setTimeout(r, 10));
    }
    expect(onlyHost(await post('get_job_instance_log', ref)).log_content).toBe('&lt;cli&gt;\n');
    child.kill('SIGTERM');
    expect((await out).code).toBe(0);
  });
});
