/**
 * Stand-ins with the signatures of the shared render helpers (render/host-ranges.ts, gather.ts,
 * job-link.ts, status-words.ts: contracts.md) until they are merged; the report imports them from
 * here only, so switching to the shared ones is an edit of one import line per helper.
 */

/** `10.0.1.[1-8,10]`: IPv4 hosts folded by their last part; cloud prefix when not 0; others as they are. */
export function foldHosts(keys: string[]): string {
  const groups = new Map<string, number[]>();
  const other: string[] = [];
  for (const key of keys) {
    const m = /^(\d+):(\d{1,3}\.\d{1,3}\.\d{1,3})\.(\d{1,3})$/.exec(key);
    if (!m) {
      other.push(key);
      continue;
    }
    const prefix = `${m[1] === '0' ? '' : `${m[1]}:`}${m[2]}.`;
    const list = groups.get(prefix) ?? [];
    list.push(Number(m[3]));
    groups.set(prefix, list);
  }
  const out: string[] = [];
  for (const [prefix, nums] of groups) {
    const sorted = [...new Set(nums)].sort((a, b) => a - b);
    if (sorted.length === 1) {
      out.push(`${prefix}${sorted[0]}`);
      continue;
    }
    const parts: string[] = [];
    for (let i = 0; i < sorted.length; ) {
      let j = i;
      while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
      parts.push(j === i ? String(sorted[i]) : `${sorted[i]}-${sorted[j]}`);
      i = j + 1;
    }
    out.push(`${prefix}[${parts.join(',')}]`);
  }
  return [...out, ...other].join(',');
}

/** JOB's own first line of a script's log: `[2026-12-01 10:00:00][PID:123] job_start`, different per host. */
const JOB_START = /^\[[^\]]*\]\[PID:\d+\] job_start\s*$/;

export function gatherOutput(
  hosts: Array<{ ip: string; cloud: number; status: number; exitCode: number | null; log: string }>,
): Array<{ hosts: string; count: number; failed: boolean; statusText: string; lines: string[] }> {
  const groups = new Map<string, { keys: string[]; failed: boolean; statusText: string; lines: string[] }>();
  for (const h of hosts) {
    const lines = h.log.split('\n').filter((l) => !JOB_START.test(l));
    while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
    const statusText = hostStatusWords(h.status, h.exitCode);
    const key = `${statusText}\0${lines.join('\n')}`;
    const g = groups.get(key) ?? { keys: [], failed: !(h.status === 9 || h.status === 3), statusText, lines };
    g.keys.push(`${h.cloud}:${h.ip}`);
    groups.set(key, g);
  }
  return [...groups.values()]
    .sort((a, b) => Number(b.failed) - Number(a.failed) || b.keys.length - a.keys.length)
    .map((g) => ({
      hosts: foldHosts(g.keys),
      count: g.keys.length,
      failed: g.failed,
      statusText: g.statusText,
      lines: g.lines,
    }));
}

/** JOB's page of a job instance, under the scope it ran in. */
export function jobWebUrl(
  base: string,
  scope: { type: 'biz' | 'biz_set'; id: number | string },
  jobInstanceId: number,
): string {
  return `${base.replace(/\/+$/, '')}/${scope.type === 'biz_set' ? 'biz_set' : 'biz'}/${scope.id}/execute/task/${jobInstanceId}`;
}

const HOST_WORDS: Record<number, string> = {
  0: 'unknown error',
  1: 'agent error',
  2: 'invalid host',
  3: 'succeeded earlier',
  5: 'waiting',
  7: 'running',
  9: 'succeeded',
  11: 'failed',
  12: 'dispatch failed',
  13: 'task timed out',
  18: 'agent not installed',
  101: 'script failed',
  102: 'timed out',
  103: 'terminated',
  310: 'agent error',
  311: 'account missing on host',
  312: 'wrong password',
  403: 'terminated',
};

/** `failed, exit 3`, `timed out`, `agent error`: a host's JOB status in words. */
export function hostStatusWords(status: number, exitCode: number | null): string {
  if (status === 104) return exitCode === null ? 'failed, no exit code' : `failed, exit ${exitCode}`;
  return HOST_WORDS[status] ?? `failed (JOB status ${status})`;
}
