import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Emulator } from '@runbook/emulator';
import { afterEach, describe, expect, it } from 'vitest';
import { jobsOf, startEsb } from './esb.js';
import { block, onlyRecord, runCli, tempFiles } from './helpers.js';
import { inTerminal } from './terminal.js';

const CANARY = `canary-resume-${process.pid}-secret`;

/** prep (reads var region) → fix (fails on 127.0.0.2 unless fixed; a secret in its params) → after. */
const runbook = (
  o: { fixScript?: string; prepScript?: string; extra?: string; account?: string } = {},
) => `version: 1
name: rf
biz: 1
vars:
  region: { type: string, default: north }
secrets:
  tok: RB_TEST_TOKEN
defaults:
  account: ${o.account ?? 'root'}
  timeout: 60
steps:
  - name: prep
    hosts: ["127.0.0.1"]
    script: |
${block(o.prepScript ?? 'echo prep in ${{ vars.region }}')}
  - name: fix
    hosts: ["127.0.0.1", "127.0.0.2"]
    params: "--token \${{ secrets.tok }}"
    script: |
${block(
  o.fixScript ??
    'echo fixing on "$RUNBOOK_EMU_HOST_IP"\nif [ "$RUNBOOK_EMU_HOST_IP" = 127.0.0.2 ]; then echo broken; exit 3; fi\necho fixed',
)}
  - name: after
    hosts: ["127.0.0.1"]
    script: |
${block('echo after done')}
${o.extra ?? ''}`;

const FIXED = 'echo fixing on "$RUNBOOK_EMU_HOST_IP"\necho fixed for good';

let emu: Emulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

/** Every file of a folder, recursively, as text. */
async function allText(dir: string): Promise<string> {
  let out = '';
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) out += await readFile(join(e.parentPath, e.name), 'utf8');
  }
  return out;
}

async function failedRun() {
  const esb = await startEsb();
  emu = esb.emu;
  const env = { ...esb.env, RB_TEST_TOKEN: CANARY };
  const dir = await tempFiles({ 'rb.yaml': runbook() });
  const first = await runCli(['apply', 'rb.yaml', '--yes', '--ui', 'json'], { cwd: dir, env });
  expect(first.code).toBe(1);
  const record = await onlyRecord(dir);
  return { esb, env, dir, first, record };
}

describe('fix and continue: --resume of a changed runbook', () => {
  it('a failed step fixed: the change is shown and taken with --yes, recorded with both versions; only what did not succeed runs', async () => {
    const { esb, env, dir, first, record } = await failedRun();
    // The next command, in the JSON run.finished event and on stderr.
    const finished = first.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .find((e) => e.type === 'run.finished');
    expect(finished).toMatchObject({ exitCode: 1, next: `runbook apply rb.yaml --resume ${record.runId}` });
    expect(first.stderr).toContain(
      `runbook: run ${record.runId} has a failed step; fix the cause (the runbook, or the hosts), then continue it (succeeded steps are not run again) with:\n  runbook apply rb.yaml --resume ${record.runId}\n`,
    );
    expect(record.steps.map((s: { state: string }) => s.state)).toEqual(['succeeded', 'failed', 'skipped']);
    // Each step's version is kept in the run folder, the script as sent.
    const runDir = join(dir, '.runbook', 'runs', record.runId);
    const fixVersion = JSON.parse(
      await readFile(join(runDir, 'steps', `${record.steps[1].snapshot}.json`), 'utf8'),
    );
    expect(fixVersion.script).toContain('echo broken; exit 3');
    expect(fixVersion.params).toBe('--token ***');

    // The fix pastes the secret's value into the script (as an operator in a hurry might): it is sent,
    // and masked in everything the runner shows or writes, the diff and the step version included.
    await writeFile(join(dir, 'rb.yaml'), runbook({ fixScript: `${FIXED}\n: ${CANARY}` }));
    const res = await runCli(['apply', 'rb.yaml', '--yes', '--resume', record.runId], { cwd: dir, env });
    expect(res.code).toBe(0);
    expect(res.stderr).toContain('      + : ***\n');
    expect(res.stderr).toContain(
      `runbook: the runbook changed since run ${record.runId}; the resume takes these changes:
  step fix (not succeeded yet) changed: script
    script: sha256 ${record.steps[1].request.scriptSha256.slice(0, 12)} → `,
    );
    expect(res.stderr).toContain(`      at line 2:
      - if [ "$RUNBOOK_EMU_HOST_IP" = 127.0.0.2 ]; then echo broken; exit 3; fi
      - echo fixed
      + echo fixed for good
`);
    expect(res.stdout).toContain(`[prep] skipped: succeeded in run ${record.runId}`);
    expect(jobsOf(esb.emu, 'rf', 'prep')).toHaveLength(1);
    expect(jobsOf(esb.emu, 'rf', 'fix')).toHaveLength(2);
    expect(jobsOf(esb.emu, 'rf', 'after')).toHaveLength(1);
    const done = await onlyRecord(dir);
    expect(done.state).toBe('succeeded');
    expect(done.resumes).toHaveLength(1);
    expect(done.resumes[0]).toMatchObject({
      operator: 'tester',
      previousHash: record.runbook.contentHash,
      changes: [{ step: 'fix', fields: ['script'] }],
    });
    expect(done.resumes[0].runbookHash).not.toBe(record.runbook.contentHash);
    expect(done.runbook.contentHash).toBe(done.resumes[0].runbookHash);
    expect(done.steps[1].request.scriptSha256).not.toBe(record.steps[1].request.scriptSha256);
    // Both versions of the step stay in the run folder.
    expect(done.steps[1].snapshot).not.toBe(record.steps[1].snapshot);
    const fixed = JSON.parse(await readFile(join(runDir, 'steps', `${done.steps[1].snapshot}.json`), 'utf8'));
    expect(fixed.script).toContain('echo fixed for good');
    await readFile(join(runDir, 'steps', `${record.steps[1].snapshot}.json`), 'utf8');
    // The secret in the step's params was sent, and is nowhere in what the runner wrote or printed.
    expect(esb.emu.jobs().some((j) => j.params.includes(CANARY))).toBe(false);
    expect(jobsOf(esb.emu, 'rf', 'fix')[1]!.script.content).toContain(CANARY);
    expect(await allText(join(dir, '.runbook'))).not.toContain(CANARY);
    expect(first.stdout + first.stderr + res.stdout + res.stderr).not.toContain(CANARY);
  });

  it('a change to a succeeded step, or to a var it read, is refused with the command that works; nothing is sent', async () => {
    const { esb, env, dir, record } = await failedRun();
    await writeFile(
      join(dir, 'rb.yaml'),
      runbook({ fixScript: FIXED, prepScript: 'echo prep again in ${{ vars.region }}' }),
    );
    const refused = await runCli(['apply', 'rb.yaml', '--yes', '--resume', record.runId], { cwd: dir, env });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(
      `runbook: cannot resume run ${record.runId} with this runbook: a resume never runs again a step that succeeded, nor changes a step whose job may still run
  step prep already succeeded and changed: script
nothing was sent
hint: restore what a succeeded step was and resume, or start a new run from step prep that takes the change:
  runbook apply rb.yaml --from-step prep --var region=north
`,
    );
    await writeFile(join(dir, 'rb.yaml'), runbook({ fixScript: FIXED }));
    const byVar = await runCli(
      ['apply', 'rb.yaml', '--yes', '--resume', record.runId, '--var', 'region=sоuth'],
      { cwd: dir, env },
    );
    expect(byVar.code).toBe(2);
    // A look-alike value (Cyrillic о) is shown as it is, and the command quotes it.
    expect(byVar.stderr).toContain(
      '  var region: "north" → "sоuth"; step prep reads it and already succeeded\n',
    );
    expect(byVar.stderr).toContain("  runbook apply rb.yaml --from-step prep --var 'region=sоuth'\n");
    expect(esb.emu.jobs()).toHaveLength(2);
    const after = await onlyRecord(dir);
    expect(after.resumes).toBeUndefined();
    expect(after.runbook.contentHash).toBe(record.runbook.contentHash);

    // The command given works: a new run from prep.
    const again = await runCli(
      ['apply', 'rb.yaml', '--yes', '--from-step', 'prep', '--var', 'region=north', '--ui', 'stream'],
      { cwd: dir, env },
    );
    expect(again.code).toBe(0);
  });

  it('steps added after the failed one are taken; a failed step removed is kept in the record, skipped; a new step before a succeeded one is refused', async () => {
    const { esb, env, dir, record } = await failedRun();
    const extra = `  - name: extra\n    hosts: ["127.0.0.1"]\n    script: echo extra\n`;
    const before = runbook({ fixScript: FIXED }).replace(
      '  - name: prep',
      `  - name: early\n    hosts: ["127.0.0.1"]\n    script: echo early\n  - name: prep`,
    );
    await writeFile(join(dir, 'rb.yaml'), before);
    const refused = await runCli(['apply', 'rb.yaml', '--yes', '--resume', record.runId], { cwd: dir, env });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('  new step early comes before step prep, which already succeeded\n');
    expect(refused.stderr).toContain('  runbook apply rb.yaml --from-step prep --var region=north\n');

    // fix removed, extra added at the end.
    const text = runbook({ extra }).replace(/ {2}- name: fix[\s\S]*?(?= {2}- name: after)/, '');
    await writeFile(join(dir, 'rb.yaml'), text);
    const res = await runCli(['apply', 'rb.yaml', '--yes', '--resume', record.runId], { cwd: dir, env });
    expect(res.code).toBe(0);
    expect(res.stderr).toContain('  step extra: new step: 1 host, script sha256 ');
    expect(res.stderr).toContain('  step fix: removed from the runbook (it was failed); it will not run\n');
    expect(jobsOf(esb.emu, 'rf', 'extra')).toHaveLength(1);
    expect(jobsOf(esb.emu, 'rf', 'fix')).toHaveLength(1);
    const done = await onlyRecord(dir);
    expect(done.steps.map((s: { name: string; state: string }) => `${s.name}:${s.state}`)).toEqual([
      'prep:succeeded',
      'after:succeeded',
      'extra:succeeded',
      'fix:skipped',
    ]);
    expect(done.steps[3].note).toMatch(/^removed from the runbook on resume at .* \(it was failed\)$/);
    expect(
      done.resumes[0].changes.map((c: { step: string; fields: string[] }) => `${c.step}:${c.fields}`),
    ).toEqual(['extra:new', 'fix:removed']);
  });

  it('without --yes: asks on the terminal; no leaves the record as it was (exit 4); without a terminal nothing is sent', async () => {
    const { esb, env, dir, record } = await failedRun();
    await writeFile(join(dir, 'rb.yaml'), runbook({ fixScript: FIXED }));
    const noTerminal = await runCli(['apply', 'rb.yaml', '--resume', record.runId], { cwd: dir, env });
    expect(noTerminal.code).toBe(4);
    expect(noTerminal.stderr).toContain('step fix (not succeeded yet) changed: script');
    expect(noTerminal.stderr).toContain(
      `(and before taking the changed runbook), and there is no terminal to answer; nothing was sent.\nhint: review it with runbook plan rb.yaml, then run again with --yes:\n  runbook apply rb.yaml --resume ${record.runId} --yes\n`,
    );
    const declined = await inTerminal(
      ['apply', 'rb.yaml', '--resume', record.runId, '--ui', 'stream'],
      env,
      dir,
      ['n'],
    );
    expect(declined.code).toBe(4);
    expect(declined.out).toContain(`Resume run ${record.runId} with these changes? [y/N]`);
    expect(declined.out).toContain('the changed runbook was not taken; nothing was sent');
    expect(esb.emu.jobs()).toHaveLength(2);
    const kept = await onlyRecord(dir);
    expect(kept.resumes).toBeUndefined();
    expect(kept.steps[1].request.scriptSha256).toBe(record.steps[1].request.scriptSha256);

    const accepted = await inTerminal(
      ['apply', 'rb.yaml', '--resume', record.runId, '--ui', 'stream'],
      env,
      dir,
      ['y', 'y'],
    );
    expect(accepted.code).toBe(0);
    expect(jobsOf(esb.emu, 'rf', 'fix')).toHaveLength(2);
    expect((await onlyRecord(dir)).resumes).toHaveLength(1);
  });

  it('JOB refusing what the runbook asks (an account it does not know) says to fix the runbook, then resume', async () => {
    const esb = await startEsb({ businesses: { '1': { accounts: ['root'] } } });
    emu = esb.emu;
    const env = { ...esb.env, RB_TEST_TOKEN: CANARY };
    const dir = await tempFiles({ 'rb.yaml': runbook({ account: 'nobody', fixScript: FIXED }) });
    const res = await runCli(['apply', 'rb.yaml', '--yes'], { cwd: dir, env });
    expect(res.code).toBe(3);
    const record = await onlyRecord(dir);
    expect(res.stderr).toContain(
      `runbook: run ${record.runId} stopped because JOB refused what the runbook asks (CORE_BAD_REQUEST); fix the runbook, then resume it with:\n  runbook apply rb.yaml --resume ${record.runId}\n`,
    );
    expect(res.stderr).not.toContain('once JOB can be used again');
    await writeFile(join(dir, 'rb.yaml'), runbook({ fixScript: FIXED }));
    const fixed = await runCli(['apply', 'rb.yaml', '--yes', '--resume', record.runId], { cwd: dir, env });
    expect(fixed.stderr).toContain(
      'step prep (not succeeded yet) changed: account\n    account: nobody → root\n',
    );
    expect(fixed.code).toBe(0);
    expect(esb.emu.jobs()).toHaveLength(3);
  });
});
