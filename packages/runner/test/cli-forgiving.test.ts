import { rm } from 'node:fs/promises';
import type { Emulator } from '@runbook/emulator';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEsb } from './esb.js';
import { block, runCli, tempFiles } from './helpers.js';

/** A CLI that forgives: "did you mean", `apply --json`, `--no-color` everywhere, plan's colour and totals. */

const rb = (steps: string, head = '') => `version: 1
name: forgiving
biz: 1
${head}
defaults:
  account: root
  timeout: 60
steps:
${steps}`;

const step = (name: string, hosts: string, script = 'echo ok', extra = '') => `  - name: ${name}
    hosts: ${hosts}
${extra}    script: |
${block(script)}
`;

const ESC = '\x1b[';
let emu: Emulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

let dir: string;
beforeAll(async () => {
  dir = await tempFiles({
    'rb.yaml': rb(
      step('check-disk', '["127.0.0.1", "127.0.0.2"]') +
        step('rotate-logs', '["127.0.0.2", "0:127.0.0.1"]') +
        step('verify', '["127.0.0.1"]', 'echo verified'),
    ),
  });
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('did you mean, for commands', () => {
  it('suggests the near command, says nothing of a far one, exits 2', async () => {
    const near = await runCli(['aply', 'rb.yaml'], { cwd: dir });
    expect(near.code).toBe(2);
    expect(near.stderr).toBe('runbook: unknown command "aply"; did you mean "apply"? See runbook --help\n');
    for (const [typed, meant] of [
      ['valdiate', 'validate'],
      ['pla', 'plan'],
      ['Runs', 'runs'],
      ['log', 'logs'],
    ] as const) {
      const res = await runCli([typed], { cwd: dir });
      expect(res.code).toBe(2);
      expect(res.stderr).toContain(`did you mean "${meant}"?`);
    }
    const far = await runCli(['deploy'], { cwd: dir });
    expect(far.code).toBe(2);
    expect(far.stderr).toBe('runbook: unknown command "deploy"; see runbook --help\n');
    const top = await runCli(['--verison'], { cwd: dir });
    expect(top.code).toBe(2);
    expect(top.stderr).toContain('unknown option "--verison"; did you mean --version?');
  });

  it('degenerate commands: one character, empty, unicode look-alike, 100 KB', async () => {
    const one = await runCli(['a'], { cwd: dir });
    expect(one.code).toBe(2);
    expect(one.stderr).not.toContain('did you mean');
    const empty = await runCli([''], { cwd: dir });
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('unknown command ""');
    // A Cyrillic "а" in "аpply" is one edit away: suggested, never run.
    const lookAlike = await runCli(['\u0430pply', 'rb.yaml'], { cwd: dir });
    expect(lookAlike.code).toBe(2);
    expect(lookAlike.stderr).toContain('did you mean "apply"?');
    const huge = await runCli(['x'.repeat(100_000)], { cwd: dir });
    expect(huge.code).toBe(2);
    expect(huge.stderr).not.toContain('did you mean');
    // The message names the word, shortened: one line, not 100 KB.
    expect(huge.stderr.length).toBeLessThan(300);
  });
});

describe('did you mean, for options (each command its own)', () => {
  it('suggests an option of the command typed', async () => {
    const cases: Array<[string[], string]> = [
      [['apply', 'rb.yaml', '--jsn'], '--json'],
      [['apply', 'rb.yaml', '--from-stpe', 'verify'], '--from-step'],
      [['apply', 'rb.yaml', '--ony=verify'], '--only'],
      [['apply', 'rb.yaml', '-yes'], '--yes'],
      [['plan', 'rb.yaml', '--no-colour'], '--no-color'],
      [['plan', 'rb.yaml', '--tranport', 'v3'], '--transport'],
      [['validate', 'rb.yaml', '--jsno'], '--json'],
      [['runs', '--state-dri', 'x'], '--state-dir'],
      [['logs', 'r', '--stpe', 'x'], '--step'],
    ];
    for (const [args, meant] of cases) {
      const res = await runCli(args, { cwd: dir });
      expect(res.code, args.join(' ')).toBe(2);
      expect(res.stderr).toMatch(
        new RegExp(
          `^runbook: ${args[0]}: unknown option \\S+; did you mean ${meant}\\? See runbook ${args[0]} --help\\n$`,
        ),
      );
    }
  });

  it("never suggests another command's option, a one-letter guess or a far word", async () => {
    // `--step` is an option of logs, not of runs; `--local` of apply, not of plan.
    for (const args of [
      ['runs', '--step', 'x'],
      ['plan', 'rb.yaml', '--local'],
      ['apply', 'rb.yaml', '-x'],
      ['apply', 'rb.yaml', '--zzzzzzzz'],
      ['apply', 'rb.yaml', `--${'o'.repeat(100_000)}`],
    ]) {
      const res = await runCli(args, { cwd: dir });
      expect(res.code, args[2]?.slice(0, 20)).toBe(2);
      expect(res.stderr).toMatch(/unknown option \S+; see runbook \w+ --help\n$/);
      expect(res.stderr.length).toBeLessThan(300);
    }
  });
});

describe('did you mean, for step names', () => {
  it('--only and --from-step suggest the near step and send nothing', async () => {
    const esb = await startEsb();
    emu = esb.emu;
    const only = await runCli(['apply', 'rb.yaml', '--yes', '--only', 'chek-disk'], {
      cwd: dir,
      env: esb.env,
    });
    expect(only.code).toBe(2);
    expect(only.stderr).toContain(
      '--only chek-disk: no such step; did you mean --only check-disk? The steps are check-disk, rotate-logs, verify',
    );
    const from = await runCli(['apply', 'rb.yaml', '--yes', '--from-step', 'rotate_logs'], {
      cwd: dir,
      env: esb.env,
    });
    expect(from.code).toBe(2);
    expect(from.stderr).toContain('did you mean --from-step rotate-logs?');
    // Unicode look-alike (Cyrillic "е"), a truncated name, one character, 100 KB.
    const look = await runCli(['apply', 'rb.yaml', '--yes', '--only', 'v\u0435rify'], {
      cwd: dir,
      env: esb.env,
    });
    expect(look.stderr).toContain('did you mean --only verify?');
    const prefix = await runCli(['apply', 'rb.yaml', '--yes', '--only', 'rotate'], {
      cwd: dir,
      env: esb.env,
    });
    expect(prefix.stderr).toContain('did you mean --only rotate-logs?');
    const one = await runCli(['apply', 'rb.yaml', '--yes', '--only', 'v'], { cwd: dir, env: esb.env });
    expect(one.code).toBe(2);
    expect(one.stderr).toContain('--only v: no such step; the steps are check-disk, rotate-logs, verify');
    const huge = await runCli(['apply', 'rb.yaml', '--yes', '--only', 'v'.repeat(100_000)], {
      cwd: dir,
      env: esb.env,
    });
    expect(huge.code).toBe(2);
    expect(huge.stderr).toMatch(/no such step; the steps are/);
    expect(huge.stderr.length).toBeLessThan(500);
    expect(esb.emu.jobs()).toHaveLength(0);
  });

  it('logs --step suggests a step of the run', async () => {
    const esb = await startEsb();
    emu = esb.emu;
    const run = await runCli(['apply', 'rb.yaml', '--yes', '--only', 'verify'], { cwd: dir, env: esb.env });
    expect(run.code).toBe(0);
    const runId = /run (\S+)/.exec(run.stdout)?.[1];
    const listed = await runCli(['runs', '--json'], { cwd: dir });
    const id = (JSON.parse(listed.stdout.trim().split('\n').at(-1)!) as { runId: string }).runId;
    expect(runId === undefined || run.stdout.includes(id)).toBe(true);
    const res = await runCli(['logs', id, '--step', 'verfy'], { cwd: dir });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(`run ${id} has no step "verfy"; did you mean --step verify? Its steps are`);
    const ok = await runCli(['logs', id, '--step', 'verify', '--no-color'], { cwd: dir });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('verified');
  });
});

describe('apply --json and --no-color', () => {
  it('--json is --ui json; with another --ui it is refused before anything is sent', async () => {
    const esb = await startEsb();
    emu = esb.emu;
    const res = await runCli(['apply', 'rb.yaml', '--yes', '--json', '--only', 'verify'], {
      cwd: dir,
      env: esb.env,
    });
    expect(res.code).toBe(0);
    const events = res.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { v: number; type: string });
    expect(events[0]!.type).toBe('run.started');
    expect(events.at(-1)!.type).toBe('run.finished');
    expect(events.every((e) => e.v === 1)).toBe(true);
    const same = await runCli(['apply', 'rb.yaml', '--yes', '--json', '--ui', 'json', '--only', 'verify'], {
      cwd: dir,
      env: esb.env,
    });
    expect(same.code).toBe(0);
    const clash = await runCli(['apply', 'rb.yaml', '--yes', '--json', '--ui', 'stream'], {
      cwd: dir,
      env: esb.env,
    });
    expect(clash.code).toBe(2);
    expect(clash.stderr).toContain('--json and --ui stream contradict each other');
    expect(esb.emu.jobs()).toHaveLength(2);
  });

  it('every command takes --no-color', async () => {
    for (const args of [
      ['validate', 'rb.yaml', '--no-color'],
      ['plan', 'rb.yaml', '--no-color'],
      ['runs', '--no-color'],
      ['--help'],
    ]) {
      const res = await runCli(args, { cwd: dir });
      expect(res.code, args.join(' ')).toBe(0);
      expect(res.stdout + res.stderr).not.toContain(ESC);
    }
    for (const command of ['apply', 'plan', 'validate', 'runs', 'logs']) {
      const help = await runCli([command, '--help'], { cwd: dir });
      expect(help.code).toBe(0);
      expect(help.stdout, command).toContain('--no-color');
    }
    const top = await runCli(['--help'], { cwd: dir });
    expect(top.stdout).toContain('--no-color');
    // Before the command too, as people write global options.
    const first = await runCli(['--no-color', 'plan', 'rb.yaml'], { cwd: dir, env: { FORCE_COLOR: '1' } });
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('1. check-disk');
    expect(first.stdout).not.toContain(ESC);
    const alone = await runCli(['--no-color'], { cwd: dir });
    expect(alone.code).toBe(2);
    expect(alone.stdout).toContain('Usage:');
  });

  it('apply --no-color wins over FORCE_COLOR in the stream; without it the stream is coloured', async () => {
    const esb = await startEsb();
    emu = esb.emu;
    const args = ['apply', 'rb.yaml', '--yes', '--ui', 'stream', '--only', 'verify'];
    const coloured = await runCli(args, { cwd: dir, env: { ...esb.env, FORCE_COLOR: '1' } });
    expect(coloured.code).toBe(0);
    expect(coloured.stdout).toContain(ESC);
    const plain = await runCli([...args, '--no-color'], { cwd: dir, env: { ...esb.env, FORCE_COLOR: '1' } });
    expect(plain.code).toBe(0);
    expect(plain.stdout).not.toContain(ESC);
    expect(plain.stdout).toContain('verified');
  });
});

describe('plan: colour on a terminal, totals of distinct hosts', () => {
  it('colours only when asked by the terminal or FORCE_COLOR; --no-color and NO_COLOR win', async () => {
    const piped = await runCli(['plan', 'rb.yaml'], { cwd: dir });
    expect(piped.code).toBe(0);
    expect(piped.stdout).not.toContain(ESC);
    const forced = await runCli(['plan', 'rb.yaml'], { cwd: dir, env: { FORCE_COLOR: '1' } });
    expect(forced.stdout).toContain(`${ESC}1mPlan for forgiving${ESC}22m`);
    expect(forced.stdout).toContain(`${ESC}1m1. check-disk${ESC}22m`);
    const flag = await runCli(['plan', 'rb.yaml', '--no-color'], { cwd: dir, env: { FORCE_COLOR: '1' } });
    expect(flag.stdout).not.toContain(ESC);
    const env = await runCli(['plan', 'rb.yaml'], { cwd: dir, env: { FORCE_COLOR: '1', NO_COLOR: '' } });
    expect(env.stdout).not.toContain(ESC);
    // The text is the same, colour or not.
    expect(forced.stdout.replace(/\x1b\[\d+m/g, '')).toBe(piped.stdout);
    // --json is never coloured.
    const json = await runCli(['plan', 'rb.yaml', '--json'], { cwd: dir, env: { FORCE_COLOR: '1' } });
    expect(json.stdout).not.toContain(ESC);
  });

  it('counts each host once however many steps name it', async () => {
    const res = await runCli(['plan', 'rb.yaml'], { cwd: dir });
    // 127.0.0.1 and 127.0.0.2 (0:127.0.0.1 is the same host): 5 targets over 3 steps.
    expect(res.stdout).toContain('3 steps on 2 distinct hosts (5 host targets over all steps).');
    // A step --limit leaves without a host does not run: counted apart.
    const limited = await runCli(['plan', 'rb.yaml', '--limit', '127.0.0.2'], { cwd: dir });
    expect(limited.code).toBe(0);
    expect(limited.stdout).toContain(
      '2 steps on 1 distinct host (2 host targets over all steps); 1 step skipped.',
    );
    const single = await tempFiles({ 'one.yaml': rb(step('x', '["127.0.0.1"]')) });
    const one = await runCli(['plan', 'one.yaml'], { cwd: single });
    expect(one.stdout).toContain('1 step on 1 distinct host.');
    const mixed = await tempFiles({
      'mix.yaml': rb(
        step('a', '["10.0.0.1", "1:10.0.0.1", "0:10.0.0.1"]') +
          step('b', '[{ host_id: 7 }]', 'echo b', '    custom_query: [3]\n') +
          step('c', '[{ host_id: 7 }]', 'echo c', '    custom_query: [3]\n    topo: ["module:12"]\n'),
      ),
    });
    const mix = await runCli(['plan', 'mix.yaml', '--transport', 'v3'], { cwd: mixed });
    expect(mix.stderr).toBe('');
    expect(mix.code).toBe(0);
    // 0:10.0.0.1, 1:10.0.0.1 (another cloud, another host) and host id 7; the query counted once.
    expect(mix.stdout).toContain(
      '3 steps on 3 distinct hosts (4 host targets over all steps), and the hosts of 1 custom query and 1 topology node (JOB resolves them).',
    );
    await rm(single, { recursive: true, force: true });
    await rm(mixed, { recursive: true, force: true });
  });
});
