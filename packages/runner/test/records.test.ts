import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Emulator } from '@runbook/emulator';
import { afterEach, describe, expect, it } from 'vitest';
import { startEsb } from './esb.js';
import { onlyRecord, runCli, tempFiles } from './helpers.js';

// Issue 12, item 9: one record missing fields made `runbook runs` crash and hide every good run, and
// unreadable ones vanished silently. Records are now checked against their format on read.

let emu: Emulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

const RUNBOOK = `version: 1
name: rec
biz: 1
defaults:
  account: root
  timeout: 60
steps:
  - name: one
    hosts: ["127.0.0.1"]
    script: echo one
`;

describe('broken records', () => {
  it('runs lists every run, names the broken ones with the reason, exits 0; --resume and logs refuse them with RUNNER_BAD_RECORD', async () => {
    const esb = await startEsb();
    emu = esb.emu;
    const dir = await tempFiles({ 'rb.yaml': RUNBOOK });
    expect((await runCli(['apply', 'rb.yaml', '--yes'], { cwd: dir, env: esb.env })).code).toBe(0);
    const good = await onlyRecord(dir);
    const runs = join(dir, '.runbook', 'runs');
    const text = await readFile(join(runs, good.runId, 'record.json'), 'utf8');
    const bad = async (id: string, content?: string) => {
      await mkdir(join(runs, id));
      if (content !== undefined) await writeFile(join(runs, id, 'record.json'), content);
    };
    const missing = JSON.parse(text);
    missing.runId = '20261127-000001-aaaaaa';
    delete missing.steps[0].request;
    await bad(missing.runId, JSON.stringify(missing));
    await bad('20261127-000002-bbbbbb', '{"version": 1, "runId": ');
    await bad('20261127-000003-cccccc');
    await bad('20261127-000004-dddddd', text); // another run's record copied into this folder
    const before = await readFile(join(runs, missing.runId, 'record.json'), 'utf8');

    const listed = await runCli(['runs'], { cwd: dir });
    expect(listed.code).toBe(0);
    expect(listed.stderr).toBe('');
    expect(listed.stdout).toMatch(new RegExp(`${good.runId}\\s+succeeded\\s+rec\\s+1/1`));
    expect(listed.stdout).toContain('4 records cannot be used:');
    expect(listed.stdout).toContain('20261127-000001-aaaaaa: steps[0].request: missing');
    expect(listed.stdout).toContain('20261127-000002-bbbbbb: not valid JSON');
    expect(listed.stdout).toContain('20261127-000003-cccccc: no record.json');
    expect(listed.stdout).toContain(`20261127-000004-dddddd: runId: says "${good.runId}"`);

    const json = await runCli(['runs', '--json'], { cwd: dir });
    expect(json.code).toBe(0);
    const lines = json.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(5);
    expect(lines.find((l) => l.runId === good.runId)).toMatchObject({ state: 'succeeded', steps: [{}] });
    expect(lines.find((l) => l.runId === missing.runId)).toEqual({
      runId: missing.runId,
      problem: 'steps[0].request: missing',
      code: 'RUNNER_BAD_RECORD',
    });

    const resume = await runCli(['apply', 'rb.yaml', '--yes', '--resume', missing.runId, '--debug'], {
      cwd: dir,
      env: esb.env,
    });
    expect(resume.code).toBe(2);
    expect(resume.stderr).toContain(
      `the record of run "${missing.runId}" cannot be used: steps[0].request: missing`,
    );
    expect(resume.stderr).toContain('code: RUNNER_BAD_RECORD');
    expect(esb.emu.jobs()).toHaveLength(1);
    // The broken record is left as it was, for a person to look at.
    expect(await readFile(join(runs, missing.runId, 'record.json'), 'utf8')).toBe(before);

    const logs = await runCli(['logs', '20261127-000002-bbbbbb'], { cwd: dir });
    expect(logs.code).toBe(2);
    expect(logs.stderr).toContain(
      'the record of run "20261127-000002-bbbbbb" cannot be used: not valid JSON',
    );
    expect(logs.stdout).toBe('');
  });
});
