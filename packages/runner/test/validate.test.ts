import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLI } from './helpers.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI, optionally with extra node flags; bounded by a timeout. */
function run(args: string[], nodeFlags: string[] = [], cwd = REPO): Promise<Result> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [...nodeFlags, CLI, ...args],
      { cwd, timeout: 20_000, env: { ...process.env, CI: '1' } },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

let dir: string;
let bad: string;
let hooks: string;
const BAD = `version: 1
name: demo
biz: 2
defaults: { account: root }
steps:
  - name: a
    hosts: ["10.0.0.1"]
    script: echo hi
    timeout: 30s
  - name: b
    hosts: [web]
    scirpt: echo
`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'runbook-validate-'));
  bad = join(dir, 'bad.yaml');
  await writeFile(bad, BAD);
  // A module hook that fails any import of React, ink or the emulator.
  hooks = join(dir, 'hooks.mjs');
  await writeFile(
    hooks,
    `export async function resolve(s, c, next) {
  if (/^(react|ink)(\\/|$)|@runbook\\/emulator/.test(s)) throw new Error('forbidden import: ' + s);
  return next(s, c);
}\n`,
  );
  await writeFile(
    join(dir, 'register.mjs'),
    `import { register } from 'node:module';\nregister(${JSON.stringify(new URL(`file://${hooks}`).href)});\n`,
  );
});

describe('runbook validate', () => {
  it('accepts the example runbooks and exits 0', async () => {
    const r = await run(['validate', 'runbooks/hello.yaml', 'runbooks/maintenance.yaml']);
    expect(r).toMatchObject({ code: 0, stdout: '' });
    expect(r.stderr).toBe('runbook: 2 files valid\n');
  });

  it('prints every issue with its position and a caret, and exits 2', async () => {
    const r = await run(['validate', bad, 'runbooks/hello.yaml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      [
        `${bad}:9:14: timeout 30s is below the minimum of 60 s`,
        '        timeout: 30s',
        '                 ^',
        `${bad}:11:13: unknown group "web"; no groups are defined`,
        '        hosts: [web]',
        '                ^',
        `${bad}:12:5: unknown key "scirpt" in a step; did you mean "script"?`,
        '        scirpt: echo',
        '        ^',
        'runbook: 3 issues in 1 of 2 files',
        '',
      ].join('\n'),
    );
  });

  it('prints JSON on stdout with --json', async () => {
    const r = await run(['validate', '--json', bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('');
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ version: 1, ok: false, files: [{ file: bad, ok: false }] });
    expect(report.issues).toHaveLength(3);
    expect(report.issues[0]).toEqual({
      file: bad,
      line: 9,
      col: 14,
      code: 'SCHEMA_TIMEOUT_RANGE',
      message: 'timeout 30s is below the minimum of 60 s',
    });
    const ok = await run(['validate', '--json', 'runbooks/hello.yaml']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toEqual({
      version: 1,
      ok: true,
      files: [{ file: 'runbooks/hello.yaml', ok: true }],
      issues: [],
    });
  });

  it("rejects each of JOB's limits with FILE:LINE:COL, as the schema's corpus expects", async () => {
    const corpus = 'packages/schema/test/corpus/';
    const names = ['limit-params', 'limit-params-sensitive', 'limit-task-name', 'limit-callback-url'];
    const r = await run(['validate', '--json', ...names.map((n) => `${corpus}${n}.yaml`)]);
    expect(r.code).toBe(2);
    const got = JSON.parse(r.stdout).issues.map(
      (i: { file: string; line: number; col: number; code: string; message: string }) =>
        `${i.file}:${i.line}:${i.col}: ${i.code}: ${i.message}`,
    );
    const want: string[] = [];
    for (const n of names) {
      const text = await readFile(join(REPO, corpus, `${n}.expected`), 'utf8');
      want.push(
        ...text
          .trimEnd()
          .split('\n')
          .map((l) => `${corpus}${l}`),
      );
    }
    expect(want).toHaveLength(4);
    expect(got).toEqual(want);
  });

  it('reports a missing file and usage errors with exit 2', async () => {
    const r = await run(['validate', join(dir, 'nope.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${join(dir, 'nope.yaml')}:1:1: cannot read the runbook: no such file`);
    const none = await run(['validate']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('validate needs at least one runbook file');
    const flag = await run(['validate', '--nope', bad]);
    expect(flag.code).toBe(2);
  });

  it('never loads React, ink or the emulator', async () => {
    const flags = ['--import', join(dir, 'register.mjs')];
    // The hook works: importing react under it fails.
    const control = await run(
      ['-e', "import('react').then(() => process.exit(0), () => process.exit(7))"],
      flags,
    );
    expect(control.code).not.toBe(0);
    const r = await run(['validate', 'runbooks/hello.yaml', bad], flags);
    expect(r.stderr).not.toContain('forbidden import');
    expect(r.code).toBe(2);
  });
});
