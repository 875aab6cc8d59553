// biome-ignore-all lint/suspicious/noTemplateCurlyInString: runbook expressions are ${{ … }} text
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Emulator } from '@runbook/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobsOf, startEsb } from './esb.js';
import { exited, onlyRecord, runCli, spawnCli, tempFiles, waitFor } from './helpers.js';

/**
 * Secrets that are the run's own words: step names and their pieces, event types, the year, a
 * target's IP, the runbook's name. Masking must hide them in free text and never touch the run's
 * structure: the record, the resume and the commands the operator pastes must stay whole.
 */
const NAME = 'nightly-ops';
const CANARY = 'CANARY-struct-9fQ2x';
const STEPS = ['backup-db', 'rotate-logs'];
/** The runbook; its `wait` step runs until the file `go` exists in `dir` (at most 30 s). */
const runbook = (dir: string) => `version: 1
name: ${NAME}
biz: 1
secrets:
  word: { env: RB_WORD }
  canary: { env: RB_CANARY }
defaults:
  account: root
  timeout: 60
steps:
  - name: backup-db
    hosts: ["127.0.0.1", "127.0.0.2"]
    params: "\${{ secrets.canary }} \${{ secrets.word }}"
    script: |
      echo "backup finished step 2026 on 127.0.0.2 for ${NAME}: $1"
  - name: rotate-logs
    hosts: ["127.0.0.2"]
    params: "\${{ secrets.canary }}"
    script: |
      echo "rotated with $1"
  - name: wait
    hosts: ["127.0.0.1"]
    script: |
      for i in $(seq 300); do [ -e '${dir}/go' ] && break; sleep 0.1; done
`;

/** A folder holding the runbook; `go` says whether its `wait` step finishes at once. */
async function runbookDir(go: boolean): Promise<string> {
  const dir = await tempFiles(go ? { go: '' } : {});
  await writeFile(join(dir, `${NAME}.yaml`), runbook(dir));
  return dir;
}

let esb: Awaited<ReturnType<typeof startEsb>>;
let emu: Emulator;
beforeAll(async () => {
  esb = await startEsb();
  emu = esb.emu;
});
afterAll(async () => {
  await emu?.close();
});

/** Every byte under `.runbook/`. */
async function stateBytes(dir: string): Promise<string> {
  const root = join(dir, '.runbook');
  let all = '';
  for (const f of await readdir(root, { recursive: true })) {
    const p = join(root, f);
    if ((await stat(p)).isFile()) all += await readFile(p, 'utf8');
  }
  return all;
}

const submits = () => emu.calls().fast_execute_script ?? 0;

describe('a secret that is one of the run’s own words never rewrites the run', () => {
  const year = String(new Date().getUTCFullYear());
  const cases: Array<[string, string]> = [
    ['a step name', 'backup-db'],
    ['a piece of a step name', 'backup'],
    ['an event type word', 'finished'],
    ['another event type word', 'step'],
    ['a JSON key of the record', 'steps'],
    ['the year, digits of the run id and the times', year],
    ['the IP of a target', '127.0.0.2'],
    ['the runbook’s name', NAME],
  ];
  for (const [what, word] of cases) {
    it(`secret = ${what} (${word}): the run succeeds, the record is whole, a resume submits nothing, names print whole`, async () => {
      const dir = await runbookDir(true);
      const env = { ...esb.env, RB_WORD: word, RB_CANARY: CANARY };
      const before = submits();
      const res = await runCli(['apply', `${NAME}.yaml`, '--yes', '--ui', 'stream'], { cwd: dir, env });
      expect(res.stderr).toBe('');
      expect(res.code).toBe(0);
      expect(submits() - before).toBe(3);
      const record = await onlyRecord(dir);
      expect(record.state).toBe('succeeded');
      expect(record.steps.map((s: { name: string; state: string }) => [s.name, s.state])).toEqual([
        ['backup-db', 'succeeded'],
        ['rotate-logs', 'succeeded'],
        ['wait', 'succeeded'],
      ]);
      expect(
        record.steps.every((s: { jobInstanceId?: unknown }) => typeof s.jobInstanceId === 'number'),
      ).toBe(true);
      expect(record.steps[0].hosts.map((h: { ip: string }) => h.ip).sort()).toEqual([
        '127.0.0.1',
        '127.0.0.2',
      ]);
      expect(record.steps[0].hosts.map((h: { log: string }) => h.log).sort()).toEqual([
        'logs/backup-db/0-127.0.0.1.log',
        'logs/backup-db/0-127.0.0.2.log',
      ]);
      // The run id, step names and the runbook print whole; the word is hidden in the host output.
      expect(res.stdout).toContain(`run ${record.runId}`);
      expect(res.stdout).toContain(`runbook ${NAME}.yaml`);
      for (const s of STEPS) expect(res.stdout).toContain(`[${s}] succeeded`);
      expect(res.stdout).toContain('[backup-db] 127.0.0.[1-2] (2 hosts): ok');
      expect(res.stdout).toMatch(/^ {4}.*: \*\*\*$/m);
      // A resume of the finished run submits nothing again.
      const resumed = await runCli(['apply', `${NAME}.yaml`, '--resume', record.runId, '--yes'], {
        cwd: dir,
        env,
      });
      expect(resumed.code).toBe(0);
      expect(submits() - before).toBe(3);
      for (const s of STEPS) expect(resumed.stdout).toContain(`[${s}] skipped`);
      const logs = await runCli(['logs', record.runId, '--step', 'backup-db', '--host', '127.0.0.2'], {
        cwd: dir,
      });
      expect(logs.code).toBe(0);
      expect(logs.stdout).toContain('==> backup-db 0:127.0.0.2 (ok, exit 0) <==');
      for (const text of [
        res.stdout,
        res.stderr,
        resumed.stdout,
        resumed.stderr,
        logs.stdout,
        await stateBytes(dir),
      ])
        expect(text).not.toContain(CANARY);
    });
  }

  it('an interrupted run prints a resume command that pastes as is, the year in its run id whole', async () => {
    const dir = await runbookDir(false);
    const env = { ...esb.env, RB_WORD: year, RB_CANARY: CANARY };
    const child = spawnCli(['apply', `${NAME}.yaml`, '--yes', '--ui', 'stream', '--only', 'wait'], {
      cwd: dir,
      env,
    });
    child.stdin.end();
    await waitFor('the wait step to be submitted', () =>
      child.output().stdout.includes('[wait] submitted') ? true : undefined,
    );
    child.kill('SIGTERM');
    const out = await exited(child, 30_000);
    expect(out.code).toBe(130);
    const record = await onlyRecord(dir);
    expect(record.runId).toContain(year);
    const command = `runbook apply ${NAME}.yaml --resume ${record.runId}`;
    expect(out.stderr).toContain(`resume it with:\n  ${command}\n`);
    expect(out.stdout).toContain(`run ${record.runId}\n`);
    const wait = record.steps.find((s: { name: string }) => s.name === 'wait');
    expect(wait.state).toBe('detached');
    expect(Number.isNaN(Date.parse(wait.submittedAt))).toBe(false);
    // Pasted as printed: it re-attaches to the running job instead of submitting it again.
    const waits = () => jobsOf(emu, NAME, 'wait').length;
    const before = waits();
    await writeFile(join(dir, 'go'), '');
    const again = await runCli([...command.split(' ').slice(1), '--yes'], { cwd: dir, env });
    expect(again.stdout).toContain('[wait] re-attached to job');
    expect(again.code).toBe(0);
    expect(waits()).toBe(before);
    expect(out.stdout + out.stderr + again.stdout + again.stderr).not.toContain(CANARY);
  }, 60_000);

  it('a secret shorter than 4 characters is refused before anything is sent, naming its variable', async () => {
    const dir = await runbookDir(true);
    const before = Object.values(emu.calls()).reduce((a, b) => a + b, 0);
    for (const value of ['jb9', ' é9 ']) {
      const env = { ...esb.env, RB_WORD: value, RB_CANARY: CANARY };
      for (const args of [
        ['apply', `${NAME}.yaml`, '--yes'],
        ['plan', `${NAME}.yaml`],
      ]) {
        const res = await runCli(args, { cwd: dir, env });
        expect(res.code).toBe(2);
        expect(res.stderr).toContain('secret word (RB_WORD) is shorter than 4 characters');
        expect(res.stderr).toMatch(new RegExp(`${NAME}\\.yaml:\\d+:\\d+:`));
        expect(res.stderr + res.stdout).not.toContain(value.trim());
      }
    }
    expect(Object.values(emu.calls()).reduce((a, b) => a + b, 0)).toBe(before);
    expect(await onlyRecord(dir)).toBeUndefined();
  });
});

describe('runbook plan masks the ESB credentials too', () => {
  it('BK_APP_SECRET and BK_TOKEN never print in plan or plan --json, even as a var value', async () => {
    const dir = await tempFiles({
      'rb.yaml': `version: 1
name: creds
biz: 1
vars:
  note: { type: string, default: none }
defaults:
  account: root
steps:
  - name: show
    hosts: ["127.0.0.1"]
    params: "--note \${{ vars.note }}"
    script: echo "$@"
`,
    });
    const env = { BK_APP_SECRET: 'CANARY-plan-app-4Rt', BK_TOKEN: 'CANARY-plan-tok-8Zq' };
    for (const value of [env.BK_APP_SECRET, env.BK_TOKEN]) {
      for (const json of [false, true]) {
        const res = await runCli(['plan', 'rb.yaml', '--var', `note=${value}`, ...(json ? ['--json'] : [])], {
          cwd: dir,
          env,
        });
        expect(res.code).toBe(0);
        expect(res.stdout).toContain('--note ***');
        expect(res.stdout).toContain('show');
        expect(res.stdout + res.stderr).not.toContain(value);
      }
    }
  });
});
