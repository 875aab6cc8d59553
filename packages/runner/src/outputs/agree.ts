/** One host's result as later steps read it. */
export interface HostOutcome {
  /** `CLOUD:IP`, or `id:N` for a host known by its id. */
  key: string;
  ok: boolean;
  outputs: Record<string, string>;
}

export type Agreed = { ok: true; value: string } | { ok: false; why: string };

const MAX_SHOWN = 5;

/**
 * The value of an output over a step's hosts: the value when every host that printed it agrees.
 * Otherwise why not, naming hosts and values (at most five of each, then a count).
 */
export function agreedOutput(step: string, hosts: readonly HostOutcome[], name: string): Agreed {
  const byValue = new Map<string, string[]>();
  for (const h of hosts) {
    if (!Object.hasOwn(h.outputs, name)) continue;
    const v = h.outputs[name]!;
    const list = byValue.get(v);
    if (list) list.push(h.key);
    else byValue.set(v, [h.key]);
  }
  if (byValue.size === 1) return { ok: true, value: [...byValue.keys()][0]! };
  if (byValue.size === 0) {
    const n = hosts.length;
    return {
      ok: false,
      why: `none of the ${n} host${n === 1 ? '' : 's'} of step ${step} printed "::output ${name}=..."`,
    };
  }
  const groups = [...byValue.entries()].sort((a, b) => b[1].length - a[1].length);
  const shown = groups
    .slice(0, MAX_SHOWN)
    .map(([v, keys]) => `${JSON.stringify(short(v))} on ${listHosts(keys)}`)
    .join('; ');
  const more = groups.length > MAX_SHOWN ? `; and ${groups.length - MAX_SHOWN} other values` : '';
  return { ok: false, why: `the hosts of step ${step} disagree: ${shown}${more}` };
}

function listHosts(keys: string[]): string {
  const head = keys.slice(0, MAX_SHOWN).join(', ');
  return keys.length > MAX_SHOWN ? `${head} and ${keys.length - MAX_SHOWN} more` : head;
}

const short = (v: string) => (v.length > 60 ? `${v.slice(0, 57)}...` : v);

/** The hosts of a step that match a `{ from_step, status, output }` entry, in the step's order. */
export function selectHosts(
  hosts: readonly HostOutcome[],
  status: 'succeeded' | 'failed' | 'any' = 'any',
  output: Record<string, string | number | boolean> = {},
): string[] {
  const want = Object.entries(output).map(([k, v]) => [k, String(v)] as const);
  return hosts
    .filter((h) => status === 'any' || h.ok === (status === 'succeeded'))
    .filter((h) => want.every(([k, v]) => Object.hasOwn(h.outputs, k) && h.outputs[k] === v))
    .map((h) => h.key);
}
