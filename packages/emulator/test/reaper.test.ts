import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../src/index.js';
import { call, scriptRequest } from './helpers.js';

const DIST = new URL('../dist/index.js', import.meta.url).href;
let scratch: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'emu-reaper-'));
});
afterAll(() => rm(scratch, { recursive: true, force: true }));

/**
 * A process that embeds the emulator, starts a long script (which writes its process group id and
 * its directory), then leaves the way argv[4] says: process.exit, an uncaught throw, or a SIGTERM
 * handler that exits (as a CLI does); it prints "ready" once the script runs.
 */
const PROGRAM = `
import { startEmulator } from ${JSON.stringify(DIST)};
import { readFileSync } from 'node:fs';
const [pgidFile, dirFile, how] = process.argv.slice(1);
const emu = await startEmulator();
const res = await fetch(emu.url + '/api/c/compapi/v2/job/fast_execute_script/', {
  method: 'POST',
  body: JSON.stringify({
    bk_app_code: 'a', bk_app_secret: 's', bk_username: 'u', bk_biz_id: 1, script_type: 1, account: 'root',
    script_content: Buffer.from('sleep 30 & echo $$ > "$1"; pwd > "$2"; sleep 30').toString('base64'),
    script_param: Buffer.from(pgidFile + ' ' + dirFile).toString('base64'),
    ip_list: [{ bk_cloud_id: 0, ip: '10.0.0.1' }],
  }),
});
if (!(await res.json()).result) process.exit(9);
for (let i = 0; i < 1000; i++) {
  try { if (readFileSync(dirFile, 'utf8')) break; } catch {}
  await new Promise((r) => setTimeout(r, 10));
}
if (how === 'exit') process.exit(130);
if (how === 'throw') setTimeout(() => { throw new Error('crash on purpose'); }, 0);
if (how === 'sigterm') {
  process.on('SIGTERM', () => process.exit(143));
  console.log('ready');
  setInterval(() => {}, 1000);
}
`;

/** True while a process of the group is alive (a zombie waiting for its parent does not count). */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch {
    return false;
  }
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    let s: string;
    try {
      s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue;
    }
    const fields = s.slice(s.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) === pgid && fields[0] !== 'Z') return true;
  }
  return false;
}

async function leave(how: 'exit' | 'throw' | 'sigterm') {
  const pgidFile = join(scratch, `${how}.pgid`);
  const dirFile = join(scratch, `${how}.dir`);
  const child = spawn(process.execPath, ['--input-type=module', '-e', PROGRAM, pgidFile, dirFile, how], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (b) => {
    out += b;
    if (how === 'sigterm' && out.includes('ready')) child.kill('SIGTERM');
  });
  child.stderr.on('data', (b) => (err += b));
  const code = await new Promise((r) => child.on('close', r));
  const pgid = Number(await readFile(pgidFile, 'utf8'));
  const dir = (await readFile(dirFile, 'utf8')).trim();
  let alive = true;
  for (let i = 0; i < 300 && alive; i++) {
    alive = groupAlive(pgid);
    if (alive) await new Promise((r) => setTimeout(r, 10));
  }
  if (alive) process.kill(-pgid, 'SIGKILL');
  return { code, err, pgid, dir, alive };
}

describe('a process that embeds the emulator and exits without close()', () => {
  it('process.exit: its scripts’ process groups and temporary directories go with it', async () => {
    const r = await leave('exit');
    expect(r.code).toBe(130);
    expect(r.pgid).toBeGreaterThan(1);
    expect(r.dir).toContain('runbook-emu-');
    expect(r.alive).toBe(false);
    await expect(stat(r.dir)).rejects.toThrow(/ENOENT/);
  });

  it('an uncaught exception: the same', async () => {
    const r = await leave('throw');
    expect(r.code).toBe(1);
    expect(r.err).toContain('crash on purpose');
    expect(r.alive).toBe(false);
    await expect(stat(r.dir)).rejects.toThrow(/ENOENT/);
  });

  it('SIGTERM turned into process.exit by the program: the same', async () => {
    const r = await leave('sigterm');
    expect(r.code).toBe(143);
    expect(r.alive).toBe(false);
  });
});

describe('the process exit hook', () => {
  it('is registered once per local emulator and removed by close()', async () => {
    const base = process.listenerCount('exit');
    const a = await startEmulator();
    const b = await startEmulator();
    expect(process.listenerCount('exit')).toBe(base + 2);
    await call(a, 'fast_execute_script', scriptRequest('true'));
    await call(a, 'fast_execute_script', scriptRequest('true'));
    expect(process.listenerCount('exit')).toBe(base + 2);
    await a.close();
    expect(process.listenerCount('exit')).toBe(base + 1);
    await b.close();
    await b.close();
    expect(process.listenerCount('exit')).toBe(base);
    const sim = await startEmulator({ exec: 'simulate' });
    expect(process.listenerCount('exit')).toBe(base);
    await sim.close();
  });
});
