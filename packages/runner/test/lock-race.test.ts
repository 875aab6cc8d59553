import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { acquireLock } from '../src/record/lock.js';
import { waitFor } from './helpers.js';

// The lock itself, raced by separate processes: whatever the interleaving, one holder at a time,
// also while several take over the same stale lock.

const LOCK_JS = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'record', 'lock.js');

/** A process that, on "go", tries the lock once, prints ok or busy, and holds until its stdin closes. */
function contender(path: string) {
  const code = `
    import { acquireLock } from ${JSON.stringify(LOCK_JS)};
    process.stdout.write('ready\\n');
    process.stdin.once('data', () => {
      const got = acquireLock(${JSON.stringify(path)}, 'race');
      process.stdout.write(got.ok ? (got.tookOverFrom ? 'took-over\\n' : 'ok\\n') : 'busy\\n');
      process.stdin.once('end', () => { if (got.ok) got.lock.release(); });
    });`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', code], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (b: Buffer) => {
    out += b.toString();
  });
  const closed = new Promise<void>((r) => child.on('close', () => r()));
  const lines = () => out.split('\n').filter(Boolean);
  return { child, ready: () => lines()[0] === 'ready', out: () => lines()[1] ?? '', closed };
}

async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await new Promise((r) => child.on('close', r));
  return child.pid!;
}

describe('lock: separate processes racing for one lock', () => {
  it('exactly one of six holds it, for a free lock and for a stale one taken over by all at once', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'runbook-lock-'));
    const dead = await deadPid();
    for (let round = 0; round < 6; round++) {
      const path = join(dir, '.locks', `r${round}.lock`);
      const stale = round % 2 === 1;
      if (stale) {
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(
          path,
          JSON.stringify({ pid: dead, host: hostname(), since: 'x', command: 'gone', nonce: 'n' }),
        );
      }
      const kids = Array.from({ length: 6 }, () => contender(path));
      // Every process is up (its module loaded) before any is told to go.
      await waitFor('every contender to be ready', () => (kids.every((k) => k.ready()) ? true : undefined));
      for (const k of kids) k.child.stdin.write('go\n');
      const outs = await waitFor('every answer', () =>
        kids.every((k) => k.out() !== '') ? kids.map((k) => k.out()) : undefined,
      );
      const holders = outs.filter((o) => o !== 'busy');
      expect(holders, `round ${round}: ${outs.join(' ')}`).toEqual([stale ? 'took-over' : 'ok']);
      for (const k of kids) k.child.stdin.end();
      await Promise.all(kids.map((k) => k.closed));
      // Released: nothing of the lock or its chain is left, and it can be taken again.
      expect(existsSync(dirname(path)) ? readdirSync(dirname(path)) : []).toEqual([]);
      const again = acquireLock(path, 'after');
      expect(again.ok).toBe(true);
      if (again.ok) again.lock.release();
    }
  });

  it('a lock held by this process is refused to a second taker, and free again once released', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'runbook-lock-'));
    const path = join(dir, '.locks', 'x.lock');
    const first = acquireLock(path, 'first');
    expect(first.ok).toBe(true);
    const second = acquireLock(path, 'second');
    expect(second).toMatchObject({ ok: false, holder: { pid: process.pid, command: 'first' } });
    if (first.ok) first.lock.release();
    const third = acquireLock(path, 'third');
    expect(third.ok).toBe(true);
    if (third.ok) third.lock.release();
  });
});
