import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// Worker threads load the built module, so this test uses the build (loaded by URL so that
// typechecking does not need one).
const DIST = new URL('../dist/index.js', import.meta.url).href;
const { validateFiles } = (await import(DIST)) as typeof import('../src/index.js');

describe('validateFiles', () => {
  it('gives the same results, in order, on one thread and on several', async () => {
    const env = process.env;
    const dir = await mkdtemp(join(tmpdir(), 'runbook-many-'));
    const paths: string[] = [];
    for (let i = 0; i < 40; i++) {
      const path = join(dir, `rb-${i}.yaml`);
      const timeout = i % 7 === 3 ? '30s' : '10m';
      await writeFile(
        path,
        `version: 1\nname: rb-${i}\nbiz: 2\ndefaults:\n  account: root\nsteps:\n  - name: s\n    hosts: ["10.0.0.1"]\n    script: echo ${i}\n    timeout: ${timeout}\n`,
      );
      paths.push(path);
    }
    paths.push(join(dir, 'missing.yaml'));
    const one = await validateFiles(paths, { threads: 1 });
    const three = await validateFiles(paths, { threads: 3, minFilesPerThread: 1 });
    expect(three).toEqual(one);
    // This thread may take every file before a worker has started: the workers alone, too.
    const workers = await validateFiles(paths, { threads: 3, minFilesPerThread: 1, inThisThread: false });
    expect(workers).toEqual(one);
    expect(one.map((r) => r.file)).toEqual(paths);
    const bad = one.filter((r) => r.issues.length > 0).map((r) => r.file);
    expect(bad).toEqual([
      ...[3, 10, 17, 24, 31, 38].map((i) => join(dir, `rb-${i}.yaml`)),
      join(dir, 'missing.yaml'),
    ]);
    expect(one[3]!.issues.map((i) => `${i.line}:${i.col}: ${i.message}`)).toEqual([
      '10:14: timeout 30s is below the minimum of 60 s',
    ]);
    // The environment is a plain copy only while this thread validates.
    expect(process.env).toBe(env);
  });
});
