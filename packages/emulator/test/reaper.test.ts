import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const DIST = new URL('../dist/index.js', import.meta.url).href;
let scratch: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'emu-reaper-'));
});
afterAll(() => rm(scratch, { recursive: true, force: true }));

/** A process that embeds the emulator, starts a long script, and leaves with process.exit. */
const PROGRAM = `
import { startEmulator } from ${JSON.stringify(DIST)};
const [pidFile, dirFile] = process.argv.slice(1);
const emu = await startEmulator();
const res = await fetch(emu.url + '/api/c/compapi/v2/job/fast_execute_script/', {
  method: 'POST',
  body: JSON.stringify({
    bk_app_code: 'a', bk_app_secret: 's', bk_username: 'u', bk_biz_id: 1, script_type: 1, account: 'root',
    script_content: Buffer.from('sleep 30 & echo $! > "$1"; pwd > "$2"; sleep 30').toString('base64'),
    script_param: Buffer.from(pidFile + ' ' + dirFile).toString('base64'),
    ip_list: [{ bk_cloud_id: 0, ip: '10.0.0.1' }],
  }),
});
console.log(JSON.stringify(await res.json()));
const { readFileSync } = await import('node:fs');
for (let i = 0; i < 1000; i++) {
  try { if (readFileSync(dirFile, 'utf8')) break; } catch {}
  await new Promise((r) => setTimeout(r, 10));
}
process.exit(130);
`;

describe('a process that embeds the emulator and exits without close()', () => {
  it('takes its scripts and their temporary directories with it', async () => {
    const pidFile = join(scratch, 'pid');
    const dirFile = join(scratch, 'dir');
    const child = spawn(process.execPath, ['--input-type=module', '-e', PROGRAM, pidFile, dirFile], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (b) => (out += b));
    const code = await new Promise((r) => child.on('close', r));
    expect(code).toBe(130);
    expect(JSON.parse(out)).toMatchObject({ result: true });
    const pid = Number(await readFile(pidFile, 'utf8'));
    const dir = (await readFile(dirFile, 'utf8')).trim();
    expect(dir).toContain('runbook-emu-');
    let gone = false;
    for (let i = 0; i < 200 && !gone; i++) {
      const s = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
      gone = s === '' || / Z /.test(s);
      if (!gone) await new Promise((r) => setTimeout(r, 10));
    }
    expect(gone).toBe(true);
    await expect(stat(dir)).rejects.toThrow(/ENOENT/);
  });
});
