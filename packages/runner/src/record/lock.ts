import { createHash, randomBytes } from 'node:crypto';
import { linkSync, readFileSync, rmdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { makeDir } from './local.js';
import { processStart } from './process.js';

/**
 * Exclusive locks in the state directory, without native code: a lock is a file made complete in a
 * temporary file and `link`ed into place (`link` fails when the name exists, like `O_EXCL`, and a
 * reader never sees half a file). A lock whose process is gone is taken over by linking a successor
 * named after the exact bytes of the stale one, `<lock>.after-<hash>`: only one process can create
 * that name, so exactly one takes over. The holder is the end of that chain; the holder removes the
 * whole chain when it releases (the head first, so a newcomer never extends a released chain).
 */

/** What a lock file says about its holder. */
export interface LockHolder {
  pid: number;
  /** `<boot id>:<start ticks>` of the process (Linux), so a reused pid is not taken for the holder. */
  start?: string;
  host: string;
  /** When the lock was taken (ISO 8601). */
  since: string;
  /** The command line of the holder, for the person who finds the lock. */
  command: string;
  nonce: string;
}

export interface Lock {
  path: string;
  holder: LockHolder;
  /** Removes the lock; safe to call twice and from an `exit` handler (synchronous). */
  release(): void;
}

export type Acquired =
  | { ok: true; lock: Lock; tookOverFrom?: LockHolder }
  | { ok: false; holder: LockHolder | undefined };

interface Link {
  file: string;
  raw: string;
  holder: LockHolder | undefined;
}

const MAX_CHAIN = 1000;
const MAX_ATTEMPTS = 50;

const hashOf = (raw: string) => createHash('sha256').update(raw).digest('hex').slice(0, 24);

function readLink(file: string): Link | undefined {
  let raw: string;
  try {
    raw = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  return { file, raw, holder: parseHolder(raw) };
}

function parseHolder(raw: string): LockHolder | undefined {
  try {
    const h = JSON.parse(raw) as Partial<LockHolder>;
    if (!Number.isInteger(h?.pid) || h.pid! <= 0 || typeof h.host !== 'string' || typeof h.nonce !== 'string')
      return undefined;
    return {
      pid: h.pid!,
      ...(typeof h.start === 'string' ? { start: h.start } : {}),
      host: h.host,
      since: typeof h.since === 'string' ? h.since : '?',
      command: typeof h.command === 'string' ? h.command : '?',
      nonce: h.nonce,
    };
  } catch {
    return undefined;
  }
}

/** The lock's chain from its head: the last link is the holder (empty: nobody holds it). */
function follow(path: string): Link[] {
  const chain: Link[] = [];
  let link = readLink(path);
  while (link && chain.length < MAX_CHAIN) {
    chain.push(link);
    link = readLink(`${path}.after-${hashOf(link.raw)}`);
  }
  return chain;
}

/**
 * Whether the process a lock names still runs. `elsewhere`: another machine (shared state folder),
 * which cannot be checked from here. A pid that runs a process started at another time than the
 * holder's (a reused pid), or a zombie, is `gone`. Without `/proc`, a live pid is taken as the holder.
 */
export function holderState(h: LockHolder | undefined): 'alive' | 'gone' | 'elsewhere' {
  if (!h) return 'gone';
  if (h.host !== hostname()) return 'elsewhere';
  let otherUser = false;
  try {
    process.kill(h.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return 'gone';
    otherUser = true;
  }
  if (h.start === undefined) return 'alive';
  const now = processStart(h.pid);
  // Another user's process may be hidden from /proc (hidepid): then the live pid has to do.
  if (now === undefined) return otherUser ? 'alive' : 'gone';
  return now === h.start ? 'alive' : 'gone';
}

/** The live holder of a lock, if any (for `runbook runs`). */
export function liveHolder(path: string): LockHolder | undefined {
  const end = follow(path).at(-1);
  if (!end) return undefined;
  return holderState(end.holder) === 'gone' ? undefined : end.holder;
}

/** `link` that answers false when the name exists. */
function tryLink(from: string, to: string): boolean {
  try {
    linkSync(from, to);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

function unlinkQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // already gone
  }
}

/** Takes the lock at `path` for this process, or says who holds it; never waits. */
export function acquireLock(path: string, command: string): Acquired {
  const holder: LockHolder = {
    pid: process.pid,
    ...(processStart(process.pid) !== undefined ? { start: processStart(process.pid)! } : {}),
    host: hostname(),
    since: new Date().toISOString(),
    command,
    nonce: randomBytes(12).toString('hex'),
  };
  const raw = `${JSON.stringify(holder)}\n`;
  const mine = hashOf(raw);
  const dir = dirname(path);
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      try {
        makeDir(dir);
        writeFileSync(tmp, raw, { mode: 0o600, flag: 'wx' });
      } catch (err) {
        // A releasing process removed the empty folder meanwhile: make it again.
        if ((err as NodeJS.ErrnoException).code === 'ENOENT' && attempt + 1 < MAX_ATTEMPTS) continue;
        throw err;
      }
      const chain = follow(path);
      const end = chain.at(-1);
      let stale: LockHolder | undefined;
      let target = path;
      if (end) {
        const state = holderState(end.holder);
        if (end.holder && state !== 'gone') return { ok: false, holder: end.holder };
        stale = end.holder;
        target = `${path}.after-${hashOf(end.raw)}`;
      }
      const linked = tryLink(tmp, target);
      unlinkQuietly(tmp);
      if (!linked) continue;
      // Held only if the chain from the head still ends here (the stale one was not released meanwhile).
      const now = follow(path);
      if (now.at(-1) && hashOf(now.at(-1)!.raw) === mine) {
        const files = now.map((l) => l.file);
        let released = false;
        return {
          ok: true,
          ...(stale ? { tookOverFrom: stale } : {}),
          lock: {
            path,
            holder,
            release() {
              if (released) return;
              released = true;
              for (const f of files) unlinkQuietly(f);
              try {
                rmdirSync(dir);
              } catch {
                // other locks are in it, or it is gone
              }
            },
          },
        };
      }
      unlinkQuietly(target);
    }
  } finally {
    unlinkQuietly(tmp);
  }
  // Only a storm of processes taking and releasing this very lock gets here.
  return { ok: false, holder: follow(path).at(-1)?.holder };
}
