import { spawn } from 'node:child_process';
import type { Emulator } from '@runbook/emulator';
import { afterEach, describe, expect, it } from 'vitest';
import { jobsOf, startEsb } from './esb.js';
import { CLI, tempFiles, waitFor } from './helpers.js';

const text = `version: 1
name: pr
biz: 1
defaults: { account: root, timeout: 60 }
steps:
  - name: first
    hosts: ["127.0.0.1"]
    script: echo first
  - name: risky
    hosts: ["127.0.0.1"]
    confirm: Restart the database?
    script: echo risky
`;

let emu: Emulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

/** Runs the CLI in a pseudo-terminal (util-linux `script`), answering each prompt as it appears. */
async function inTerminal(args: string[], env: NodeJS.ProcessEnv, cwd: string, answers: string[]) {
  const quoted = [process.execPath, CLI, ...args].map((a) => `'${a}'`).join(' ');
  const child = spawn('script', ['-qec', quoted, '/dev/null'], {
    cwd,
    env: { ...process.env, CI: '1', ...env },
  });
  let out = '';
  child.stdout.on('data', (b: Buffer) => {
    out += b.toString('utf8');
  });
  const done = new Promise<number | null>((resolve) => child.on('close', resolve));
  for (const [i, answer] of answers.entries()) {
    await waitFor(`prompt ${i + 1}`, () => (out.split('[y/N]').length - 1 > i ? true : undefined));
    child.stdin.write(`${answer}\r`);
  }
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  const code = await done;
  clearTimeout(timer);
  return { code, out };
}

describe('apply asks a person on the terminal', () => {
  it('yes to the run, no to the step confirm: the step is not sent, exit 4', async () => {
    const esb = await startEsb();
    emu = esb.emu;
    const dir = await tempFiles({ 'rb.yaml': text });
    const res = await inTerminal(['apply', 'rb.yaml', '--ui', 'stream'], esb.env, dir, ['y', 'n']);
    expect(res.out).toContain('Run 2 steps of pr on 1 host? [y/N]');
    expect(res.out).toContain('Restart the database? [y/N]');
    expect(res.code).toBe(4);
    expect(res.out).toContain('step risky was declined');
    expect(jobsOf(esb.emu, 'pr', 'first')).toHaveLength(1);
    expect(jobsOf(esb.emu, 'pr', 'risky')).toHaveLength(0);
  });

  it('yes to both: every step runs, exit 0', async () => {
    const esb = await startEsb();
    emu = esb.emu;
    const dir = await tempFiles({ 'rb.yaml': text });
    const res = await inTerminal(['apply', 'rb.yaml', '--ui', 'stream'], esb.env, dir, ['y', 'yes']);
    expect(res.code).toBe(0);
    expect(jobsOf(esb.emu, 'pr', 'risky')).toHaveLength(1);
  });
});
