import { chmod, mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadRunbook, repositoryRoot } from '../src/index.js';

const runbook = (file: string) =>
  `version: 1\nname: demo\nbiz: 2\ndefaults:\n  account: root\nsteps:\n  - name: s\n    hosts: ["10.0.0.1"]\n    script_file: ${file}\n`;

let base: string;
beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'runbook-files-'));
  // base/repo is a git work tree holding runbooks/ and scripts/; base/secret.sh is outside it.
  await mkdir(join(base, 'repo', '.git'), { recursive: true });
  await mkdir(join(base, 'repo', 'runbooks'), { recursive: true });
  await mkdir(join(base, 'repo', 'scripts'), { recursive: true });
  await mkdir(join(base, 'plain', 'sub'), { recursive: true });
  await writeFile(join(base, 'secret.sh'), 'echo outside\n');
  await writeFile(join(base, 'repo', 'scripts', 'ok.sh'), 'echo ${{ run.id }}\n');
  await writeFile(join(base, 'plain', 'up.sh'), 'echo up\n');
  await symlink(join(base, 'secret.sh'), join(base, 'repo', 'scripts', 'link.sh'));
});

async function issues(dir: string, file: string): Promise<string[]> {
  const path = join(base, dir, 'rb.yaml');
  await writeFile(path, runbook(file));
  const res = await loadRunbook(path);
  return res.ok ? [] : res.issues.map((i) => `${i.line}:${i.col}: ${i.message}`);
}

describe('script_file', () => {
  it('finds the git work tree by walking up to .git, else uses the runbook directory', () => {
    expect(repositoryRoot(join(base, 'repo', 'runbooks'))).toBe(join(base, 'repo'));
    expect(repositoryRoot(join(base, 'plain', 'sub'))).toBe(join(base, 'plain', 'sub'));
  });

  it('may point anywhere inside the repository, and its contents are kept', async () => {
    const path = join(base, 'repo', 'runbooks', 'rb.yaml');
    await writeFile(path, runbook('../scripts/ok.sh'));
    const res = await loadRunbook(path);
    expect(res.ok).toBe(true);
    if (res.ok) {
      expect(res.runbook.scriptFiles.get(0)).toEqual({
        path: join(base, 'repo', 'scripts', 'ok.sh'),
        text: 'echo ${{ run.id }}\n',
      });
    }
  });

  it('may not leave the repository, by path or by symbolic link', async () => {
    expect(await issues('repo/runbooks', '../../secret.sh')).toEqual([
      '9:18: script_file "../../secret.sh" is outside the git repository',
    ]);
    expect(await issues('repo/runbooks', '../scripts/link.sh')).toEqual([
      '9:18: script_file "../scripts/link.sh" is a link to a file outside the git repository',
    ]);
  });

  it("outside git, may not leave the runbook's directory", async () => {
    expect(await issues('plain/sub', '../up.sh')).toEqual([
      `9:18: script_file "../up.sh" is outside the runbook's directory`,
    ]);
  });

  it('must be readable', async () => {
    const path = join(base, 'repo', 'scripts', 'locked.sh');
    await writeFile(path, 'echo locked\n');
    await chmod(path, 0o000);
    const out = await issues('repo/runbooks', '../scripts/locked.sh');
    // root reads any file; everyone else is told why the file cannot be used.
    expect(out).toEqual(
      process.getuid?.() === 0
        ? []
        : ['9:18: script_file "../scripts/locked.sh" cannot be read: permission denied'],
    );
  });
});
