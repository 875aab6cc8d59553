import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseRunbook } from '@runbook/schema';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyLimit, LimitError, limitKeys, readLimitArgs, resumeLimitProblem, unselected } from './limit.js';
import { resolvePlan } from './resolve.js';

const keysOf = (values: string[], cloud = 0) => limitKeys(readLimitArgs(values), cloud);

async function file(text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'runbook-limit-'));
  await writeFile(join(dir, 'hosts.txt'), text);
  return join(dir, 'hosts.txt');
}

describe('--limit values', () => {
  it('reads HOST[,HOST...] values, repeated, as host keys in first-seen order', () => {
    expect(keysOf(['10.0.0.2,10.0.0.1', ' 2:10.0.0.1 ,id:7', '10.0.0.2'])).toEqual([
      '0:10.0.0.2',
      '0:10.0.0.1',
      '2:10.0.0.1',
      'id:7',
    ]);
  });

  it('reads a bare IP with the cloud of defaults.cloud, as the runbook does', () => {
    expect(keysOf(['10.0.0.1'], 3)).toEqual(['3:10.0.0.1']);
  });

  it('ignores empty pieces between commas, but refuses a value with no host', () => {
    expect(keysOf(['10.0.0.1,,'])).toEqual(['0:10.0.0.1']);
    for (const v of ['', ',', ' , ']) expect(() => keysOf([v])).toThrow(/give at least one host/);
  });

  it.each([
    ['10.0.0.256', 'invalid IPv4 address'],
    ['10.0.0.01', 'invalid IPv4 address'],
    ['10.0.0', 'invalid IPv4 address'],
    ['１０.0.0.1', 'a limit host is an IP, CLOUD:IP or id:N'],
    ['10.0.0.1\u200b', 'a limit host is an IP, CLOUD:IP or id:N'],
    ['web', 'a limit host is an IP, CLOUD:IP or id:N'],
    ['x:10.0.0.1', 'invalid cloud id'],
    ['id:0', 'a host id is id:N'],
    ['id:', 'a host id is id:N'],
    ['ID:7', 'a host id is id:N'],
    ['id:1000000000000000', 'a host id is id:N'],
    ['id:٧', 'a host id is id:N'],
  ])('refuses the look-alike %j, naming it', (text, why) => {
    expect(() => keysOf([text])).toThrow(LimitError);
    expect(() => keysOf([text])).toThrow(why);
    expect(() => keysOf([text])).toThrow(`--limit ${text}`);
  });

  it('reads @FILE: one host a line, # comments, blank lines, CRLF', async () => {
    const path = await file('# web tier\r\n10.0.0.1\r\n\r\n  10.0.0.2   # the second\r\nid:9\r\n');
    expect(keysOf([`@${path}`, '10.0.0.3'])).toEqual(['0:10.0.0.1', '0:10.0.0.2', 'id:9', '0:10.0.0.3']);
  });

  it('names the file and line of a bad host in @FILE', async () => {
    const path = await file('10.0.0.1\n10.0.0.300\n');
    expect(() => keysOf([`@${path}`])).toThrow(`--limit @${path}:2: 10.0.0.300: invalid IPv4 address`);
  });

  it('refuses a missing, empty or comment-only @FILE, and a bare @', async () => {
    expect(() => readLimitArgs(['@/nonexistent/hosts.txt'])).toThrow(
      '--limit @/nonexistent/hosts.txt: cannot read it: no such file',
    );
    for (const text of ['', '\n\n', '# nothing\n   # here\n']) {
      const path = await file(text);
      expect(() => readLimitArgs([`@${path}`])).toThrow('the file names no host');
    }
    expect(() => readLimitArgs(['@'])).toThrow('give a file after @');
    expect(() => readLimitArgs([`@${tmpdir()}`])).toThrow('it is a folder');
  });

  it('reads a huge @FILE quickly, and refuses one over 16 MiB', async () => {
    const hosts = Array.from(
      { length: 60_000 },
      (_, i) => `${i % 5}:10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
    );
    const path = await file(`${hosts.join('\n')}\n`);
    expect(keysOf([`@${path}`])).toHaveLength(60_000);
    const big = await file('#'.repeat(16 * 1024 * 1024 + 1));
    expect(() => readLimitArgs([`@${big}`])).toThrow('larger than 16 MiB');
  });
});

function plan(steps: string, transport: 'v2' | 'v3' = 'v2') {
  const text = `version: 1\nname: lp\nbiz: 2\ndefaults:\n  account: root\nsteps:\n${steps}`;
  const loaded = parseRunbook(text, { path: 'lp.yaml', checkFiles: false });
  if (!loaded.ok) throw new Error(loaded.issues.map((i) => i.message).join('\n'));
  const r = resolvePlan(loaded.runbook, { runId: 'r1', transport });
  if (!r.ok) throw new Error(r.issues.map((i) => i.message).join('\n'));
  return r.plan;
}

const STEPS =
  '  - name: web\n    hosts: ["10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4"]\n    script: "true"\n    rolling: { batch: "50%", max_fail: "50%" }\n' +
  '  - name: db\n    hosts: ["10.0.1.1"]\n    script: "true"\n';

describe('applyLimit', () => {
  it('narrows every step to its hosts in the limit: request, counts, batches and max_fail', () => {
    const {
      plan: p,
      problems,
      warnings,
    } = applyLimit(plan(STEPS), ['0:10.0.0.4', '0:10.0.0.2', '0:10.0.0.1']);
    expect(problems).toEqual([]);
    expect(warnings).toEqual([]);
    const web = p.steps[0]!;
    // The step's own order is kept, not the limit's.
    expect(web.hosts).toEqual(['0:10.0.0.1', '0:10.0.0.2', '0:10.0.0.4']);
    expect(web.request.ip_list).toEqual([
      { bk_cloud_id: 0, ip: '10.0.0.1' },
      { bk_cloud_id: 0, ip: '10.0.0.2' },
      { bk_cloud_id: 0, ip: '10.0.0.4' },
    ]);
    expect(web.hostCount).toBe(3);
    // 50% of the 3 hosts it runs on: 2, then 1; max_fail 50% of 3, rounded down.
    expect(web.batches).toEqual([['0:10.0.0.1', '0:10.0.0.2'], ['0:10.0.0.4']]);
    expect(web.rolling?.maxFail).toBe(1);
    expect(p.limit).toEqual(['0:10.0.0.4', '0:10.0.0.2', '0:10.0.0.1']);
  });

  it('skips a step left with no host, with an empty request and no batch', () => {
    const { plan: p } = applyLimit(plan(STEPS), ['0:10.0.0.1']);
    const db = p.steps[1]!;
    expect(db.skipReason).toBe('no host of --limit');
    expect(db.batches).toEqual([]);
    expect(db.request.ip_list).toEqual([]);
    expect(db.hostCount).toBe(0);
  });

  it('leaves a step the limit does not narrow as it was', () => {
    const p = plan(STEPS);
    const { plan: limited } = applyLimit(p, [
      '0:10.0.1.1',
      '0:10.0.0.1',
      '0:10.0.0.2',
      '0:10.0.0.3',
      '0:10.0.0.4',
    ]);
    expect(limited.steps[0]).toBe(p.steps[0]);
  });

  it('warns of a limit host no step targets, with a near one when there is', () => {
    const { warnings } = applyLimit(plan(STEPS), ['0:10.0.0.1', '0:10.0.0.5', '7:10.0.1.1', '0:192.168.9.9']);
    expect(warnings).toEqual([
      '--limit 0:10.0.0.5: no step targets this host; did you mean 0:10.0.0.1?',
      '--limit 7:10.0.1.1: no step targets this host; did you mean 0:10.0.1.1?',
      '--limit 0:192.168.9.9: no step targets this host',
    ]);
  });

  it('refuses a limit that names no host of any step: nothing would run', () => {
    expect(() => applyLimit(plan(STEPS), ['0:10.0.0.11'])).toThrow(
      '--limit names no host of any step (0:10.0.0.11): nothing would run; did you mean 0:10.0.0.1?',
    );
  });

  it('cannot narrow a step whose targets JOB resolves, and says which', () => {
    const p = plan(
      `${STEPS}  - name: q\n    custom_query: [3]\n    hosts: ["10.0.0.1"]\n    script: "true"\n`,
    );
    const { problems } = applyLimit(p, ['0:10.0.0.1']);
    expect(problems.map((x) => x.step.name)).toEqual(['q']);
    expect(problems[0]!.message).toContain('step "q" targets custom query 3, whose hosts JOB resolves');
    const topo = plan('  - name: t\n    topo: ["module:12"]\n    script: "true"\n', 'v3');
    expect(applyLimit(topo, ['0:10.0.0.1']).problems[0]!.message).toContain('topology node module:12');
  });

  it('leaves a step --only or --from-step leaves out alone, even one JOB resolves', () => {
    const p = plan(`  - name: q\n    custom_query: [3]\n    script: "true"\n${STEPS}`);
    expect(unselected(p, ['web'], undefined)).toEqual(new Set(['q', 'db']));
    expect(unselected(p, undefined, 'web')).toEqual(new Set(['q']));
    expect(unselected(p, [], 'nope')).toEqual(new Set());
    const { plan: limited, problems } = applyLimit(p, ['0:10.0.0.1'], new Set(['q']));
    expect(problems).toEqual([]);
    expect(limited.steps[0]).toBe(p.steps[0]);
    expect(limited.steps[1]!.hosts).toEqual(['0:10.0.0.1']);
    // Only the steps that run count: a limit on a left-out step's hosts alone would run nothing.
    expect(() => applyLimit(p, ['0:10.0.1.1'], new Set(['db', 'q']))).toThrow('nothing would run');
  });

  it('matches host ids by id:N', () => {
    const p = plan('  - name: ids\n    hosts: [{ host_id: 5 }, { host_id: 6 }]\n    script: "true"\n', 'v3');
    const { plan: limited } = applyLimit(p, ['id:6']);
    expect(limited.steps[0]!.request.host_id_list).toEqual([6]);
    expect(limited.steps[0]!.batches).toEqual([['id:6']]);
  });
});

describe('resumeLimitProblem', () => {
  it('takes the same hosts in any order, refuses others or a limit the run did not have', () => {
    expect(resumeLimitProblem('r', ['0:1.1.1.1', 'id:3'], ['id:3', '0:1.1.1.1'])).toBeUndefined();
    expect(resumeLimitProblem('r', ['0:1.1.1.1'], ['0:1.1.1.2'])).toContain('with another --limit');
    expect(resumeLimitProblem('r', ['0:1.1.1.1', '0:1.1.1.2'], ['0:1.1.1.1'])).toContain('another --limit');
    expect(resumeLimitProblem('r', undefined, ['0:1.1.1.1'])).toContain('it ran without one');
  });
});

describe('applyLimit, for any limit', () => {
  const HOSTS = Array.from({ length: 40 }, (_, i) => `10.0.${i % 3}.${i + 1}`);
  const p = plan(
    `  - name: big\n    hosts: [${HOSTS.map((h) => `"${h}"`).join(', ')}]\n    script: "true"\n    rolling: { batch: "1 10% *2", max_fail: "25%" }\n` +
      '  - name: small\n    hosts: ["10.0.0.1", "10.0.1.2"]\n    script: "true"\n',
  );
  it('keeps each step exactly its hosts in the limit, in its own order, in batches of them', () => {
    fc.assert(
      fc.property(
        fc.subarray(
          HOSTS.map((h) => `0:${h}`),
          { minLength: 1 },
        ),
        (chosen) => {
          const { plan: limited } = applyLimit(p, [...chosen].reverse());
          for (const [i, step] of limited.steps.entries()) {
            const want = p.steps[i]!.hosts.filter((h) => chosen.includes(h));
            expect(step.hosts).toEqual(want);
            expect(step.batches.flat()).toEqual(want);
            expect(step.request.ip_list?.map((t) => `${t.bk_cloud_id}:${t.ip}`)).toEqual(want);
            expect(step.hostCount).toBe(want.length);
            expect(step.skipReason === undefined).toBe(want.length > 0);
            for (const b of step.batches) expect(b.length).toBeGreaterThan(0);
          }
          const big = limited.steps[0]!;
          if (big.rolling) expect(big.rolling.maxFail).toBe(Math.floor(big.hostCount / 4));
        },
      ),
      { numRuns: 200 },
    );
  });
});
