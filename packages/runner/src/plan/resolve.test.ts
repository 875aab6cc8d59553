import { execFileSync } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadRunbook } from '@runbook/schema';
import { describe, expect, it } from 'vitest';
import { gitInfoOf } from './git.js';
import { resolvePlan } from './resolve.js';

const RUNBOOK = `version: 1
name: res
biz: \${{ vars.biz }}
vars:
  biz: 3
  who: ops
secrets:
  token: RES_TOKEN
groups:
  web:
    hosts: ["10.0.0.1", "0:10.0.0.2"]
    custom_query: [7]
defaults:
  account: root
  cloud: 2
  type: bat
steps:
  - name: file
    hosts: [web, "10.0.0.1", "2:10.0.0.1", { ip: 10.0.0.3 }]
    script_file: scripts/run.py
    params: "--who \${{ vars.who }} --token \${{ secrets.token }}"
    timeout: 1h30m
  - name: stored
    custom_query: ["8", 7]
    script_id: 12
    task_name: "\${{ runbook.name }} run \${{ run.id }} by \${{ env.RES_USER }}"
`;

async function fixture(git: boolean) {
  const dir = await mkdtemp(join(tmpdir(), 'runbook-resolve-'));
  await writeFile(join(dir, 'rb.yaml'), RUNBOOK);
  const { mkdir } = await import('node:fs/promises');
  await mkdir(join(dir, 'scripts'));
  await writeFile(join(dir, 'scripts', 'run.py'), 'print("hi")\n');
  if (git) {
    const run = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'ignore' });
    run('init', '-q');
    run('add', '.');
    run('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', 'init');
  }
  return dir;
}

async function resolve(dir: string) {
  const loaded = await loadRunbook(join(dir, 'rb.yaml'));
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.issues));
  return resolvePlan(loaded.runbook, {
    runId: 'R1',
    env: { RES_TOKEN: 'tok en', RES_USER: 'alice' },
    requireSecrets: true,
  });
}

describe('resolvePlan', () => {
  it('builds the exact requests: targets deduplicated, base64 of the whole params, types, timeouts, stored scripts', async () => {
    const dir = await fixture(false);
    const res = await resolve(dir);
    if (!res.ok) throw new Error(JSON.stringify(res.issues));
    const [file, stored] = res.plan.steps;
    expect(res.plan.biz).toBe(3);
    expect(res.plan.scope).toEqual({ type: 'biz', id: 3 });
    expect(res.secretValues).toEqual(['tok en']);
    expect(file!.request).toEqual({
      bk_biz_id: 3,
      bk_scope_type: 'biz',
      bk_scope_id: '3',
      task_name: 'res/file',
      script_content: Buffer.from('print("hi")\n').toString('base64'),
      script_param: Buffer.from('--who ops --token tok en').toString('base64'),
      script_timeout: 5400,
      account: 'root',
      is_param_sensitive: 1,
      script_type: 4,
      ip_list: [
        { bk_cloud_id: 2, ip: '10.0.0.1' },
        { bk_cloud_id: 0, ip: '10.0.0.2' },
        { bk_cloud_id: 2, ip: '10.0.0.3' },
      ],
      custom_query_id: ['7'],
    });
    expect(file).toMatchObject({
      paramsDisplay: '--who ops --token ***',
      sensitive: true,
      // The file's extension (.py) wins over defaults.type (bat).
      scriptType: 'python',
      hostCount: 3,
    });
    expect(stored!.request).toEqual({
      bk_biz_id: 3,
      bk_scope_type: 'biz',
      bk_scope_id: '3',
      task_name: 'res run R1 by alice',
      script_id: 12,
      script_timeout: 1000,
      account: 'root',
      is_param_sensitive: 0,
      custom_query_id: ['8', '7'],
    });
    expect(stored!.source).toEqual({ kind: 'stored', scriptId: 12 });
    expect(Object.keys(res.plan.files)).toEqual(['rb.yaml', 'scripts/run.py']);
  });

  it('names tasks <runbook>/<step>@<short sha>, with +dirty when a file it reads has uncommitted changes', async () => {
    const dir = await fixture(true);
    const sha = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: dir, encoding: 'utf8' }).trim();
    const clean = await resolve(dir);
    if (!clean.ok) throw new Error('does not resolve');
    expect(clean.plan.git).toEqual({ sha, dirty: false });
    expect(clean.plan.steps[0]!.taskName).toBe(`res/file@${sha}`);
    await writeFile(join(dir, 'scripts', 'run.py'), 'print("changed")\n');
    const dirty = await resolve(dir);
    if (!dirty.ok) throw new Error('does not resolve');
    expect(dirty.plan.steps[0]!.taskName).toBe(`res/file@${sha}+dirty`);
    expect(dirty.plan.contentHash).not.toBe(clean.plan.contentHash);
  });

  it('gitInfoOf (both git commands at once, as apply asks) says what the resolver finds itself', async () => {
    const dir = await fixture(true);
    const loaded = await loadRunbook(join(dir, 'rb.yaml'));
    if (!loaded.ok) throw new Error('does not load');
    const ask = () => gitInfoOf(loaded.runbook.path, loaded.runbook.runbook);
    const sha = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: dir, encoding: 'utf8' }).trim();
    expect(await ask()).toEqual({ sha, dirty: false });
    await writeFile(join(dir, 'scripts', 'run.py'), 'print("changed")\n');
    expect(await ask()).toEqual({ sha, dirty: true });
    const outside = await fixture(false);
    const alone = await loadRunbook(join(outside, 'rb.yaml'));
    if (!alone.ok) throw new Error('does not load');
    expect(await gitInfoOf(alone.runbook.path, alone.runbook.runbook)).toEqual({});
  });

  it('a missing secret is an error at the line that uses it', async () => {
    const dir = await fixture(false);
    const loaded = await loadRunbook(join(dir, 'rb.yaml'));
    if (!loaded.ok) throw new Error('does not load');
    const res = resolvePlan(loaded.runbook, { runId: 'R1', env: { RES_USER: 'a' }, requireSecrets: true });
    expect(res.ok).toBe(false);
    if (!res.ok) {
      expect(res.issues).toEqual([
        expect.objectContaining({
          code: 'RUNNER_SECRET_MISSING',
          line: 21,
          col: 13,
          message: 'secret token is not set: export RES_TOKEN before applying (nothing was sent)',
        }),
      ]);
    }
  });

  it('a secret shorter than 4 characters (blanks at its ends not counted) is refused at its declaration, by name only', async () => {
    const dir = await fixture(false);
    const loaded = await loadRunbook(join(dir, 'rb.yaml'));
    if (!loaded.ok) throw new Error('does not load');
    for (const value of ['abc', ' é9x ', '🔑🔑🔑']) {
      for (const requireSecrets of [true, false]) {
        const res = resolvePlan(loaded.runbook, {
          runId: 'R1',
          env: { RES_TOKEN: value, RES_USER: 'a' },
          requireSecrets,
        });
        expect(res.ok).toBe(false);
        if (res.ok) continue;
        expect(res.issues).toEqual([
          expect.objectContaining({
            code: 'RUNNER_SECRET_SHORT',
            line: 8,
            source: '  token: RES_TOKEN',
            message:
              'secret token (RES_TOKEN) is shorter than 4 characters; use a longer value (nothing was sent)',
          }),
        ]);
      }
    }
    for (const value of ['abcd', ' é9xy ', '🔑🔑🔑🔑'])
      expect(resolvePlan(loaded.runbook, { runId: 'R1', env: { RES_TOKEN: value, RES_USER: 'a' } }).ok).toBe(
        true,
      );
  });
});
