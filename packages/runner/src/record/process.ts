import { readFileSync } from 'node:fs';

let bootId: string | undefined | null = null;

/** This boot of the machine: Linux's boot id, else its boot time from `/proc/stat`; undefined elsewhere. */
function currentBoot(): string | undefined {
  if (bootId !== null) return bootId;
  bootId = undefined;
  try {
    bootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || undefined;
  } catch {
    try {
      bootId = /^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1];
    } catch {
      // not Linux
    }
  }
  return bootId;
}

/**
 * When process `pid` started, as `<boot>:<clock ticks after boot>` (field 22 of `/proc/<pid>/stat`),
 * so that a pid reused by another process is told apart from the one recorded. Undefined where
 * `/proc` is not there (then only the pid's liveness can be checked), or when no such process runs.
 * A zombie (exited, not yet reaped) has no start: it runs no more.
 */
export function processStart(pid: number): string | undefined {
  const boot = currentBoot();
  if (boot === undefined) return undefined;
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) is in parentheses and may hold spaces and parentheses itself.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // rest[0] is field 3 (the state), so field 22 is rest[19].
  if (rest[0] === 'Z' || rest[0] === 'X') return undefined;
  const ticks = rest[19];
  return ticks && /^\d+$/.test(ticks) ? `${boot}:${ticks}` : undefined;
}
