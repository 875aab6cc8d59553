// biome-ignore-all lint/suspicious/noTemplateCurlyInString: runbook expressions are ${{ … }} text
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Emulator, startEmulator } from '@runbook/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, exited, runCli, spawnCli, waitFor } from '../helpers.js';
import { caseSeed, cases, createRng, report, size, tally, Violations } from './campaign.js';
import { type WordsCase, wordsCase, wordsRunbook } from './own-words.js';

/** Canaries: distinctive, with characters that JSON, HTML and shells escape. */
const APP_SECRET = 'CANARY-app-7Hq2x9';
const TOKEN = 'CANARY-tok-Zp41wK';
const RB_SECRET = 'CANARY-rb-<&>"q\'-3Kd';
const CANARIES = { bk_app_secret: APP_SECRET, bk_token: TOKEN, runbook_secret: RB_SECRET };

/** Every way a value can be written down: as is, JSON-, HTML-, URL-escaped, base64, shell-quoted. */
function forms(value: string): string[] {
  const html = value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
  return [
    value,
    JSON.stringify(value).slice(1, -1),
    html,
    encodeURIComponent(value),
    Buffer.from(value).toString('base64'),
    Buffer.from(value).toString('base64').replace(/=+$/, ''),
    value.replace(/'/g, `'\\''`),
    // The distinctive core alone: a partly masked value still leaks.
    value.slice(0, 12),
  ];
}

/** Where a canary shows up in these bytes, by name and form (empty: nowhere). */
function findCanaries(where: string, bytes: Buffer): string[] {
  const found: string[] = [];
  for (const [name, value] of Object.entries(CANARIES)) {
    for (const f of forms(value)) {
      if (bytes.includes(Buffer.from(f))) found.push(`${name} (${JSON.stringify(f)}) in ${where}`);
    }
  }
  return found;
}

function filesUnder(root: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(p);
    }
  };
  walk(root);
  return out;
}

const RUNBOOK = `version: 1
name: secret-paths
biz: 1
secrets:
  api_key: { env: RB_API_KEY, description: a canary }
defaults:
  account: root
  timeout: 60
steps:
  - name: echo-params
    hosts: ["127.0.0.1"]
    params: "--key \${{ secrets.api_key }} --again \${{ secrets.api_key }}"
    script: |
      echo "my params: $@"
      echo "to stderr: $2" >&2
      printf '%s' "$2" | base64
  - name: fails-loudly
    hosts: ["127.0.0.1"]
    params: "\${{ secrets.api_key }}"
    script: |
      echo "failing with $1"
      exit 3
  - name: slow
    hosts: ["127.0.0.1"]
    params: "\${{ secrets.api_key }}"
    script: |
      echo "waiting with $1"
      sleep 20
`;

let emu: Emulator;
let emu3: Emulator;
let dir: string;
beforeAll(async () => {
  const config = {
    apps: { 'sec-app': APP_SECRET },
    users: { alice: { token: TOKEN, permissions: 'all' as const } },
  };
  emu = await startEmulator({ config });
  emu3 = await startEmulator({ config, jobGeneration: 3 });
  dir = await mkdtemp(join(tmpdir(), 'runbook-secrets-'));
  await writeFile(join(dir, 'rb.yaml'), RUNBOOK);
  await writeFile(join(dir, 'ok.yaml'), RUNBOOK.replace(/ {2}- name: fails-loudly[\s\S]*$/, ''));
});
afterAll(async () => {
  await emu?.close();
  await emu3?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** The CLI's environment for ESB v2 (default) or the emulator's API gateway v3 (`BK_APIGW_URL`). */
const env = (e: Emulator, secret = APP_SECRET, transport: 'v2' | 'v3' = 'v2') => ({
  [transport === 'v3' ? 'BK_APIGW_URL' : 'BK_ESB_URL']: e.url,
  BK_APP_CODE: 'sec-app',
  BK_APP_SECRET: secret,
  BK_TOKEN: TOKEN,
  RB_API_KEY: RB_SECRET,
});

describe('secrets: canary bk_app_secret, bk_token and a runbook secret through every path', () => {
  const counts = tally();
  afterAll(() => report('secrets', counts));

  it('found in no byte of stdout, stderr or .runbook/ (success, failure, interrupt, --debug, every UI, plan, runs, logs, report, errors)', async () => {
    const violations = new Violations('secrets');
    const outputs: Array<[string, CliResult]> = [];
    const run = async (what: string, args: string[], e: NodeJS.ProcessEnv, timeoutMs = 60_000) => {
      const out = await runCli(args, { cwd: dir, env: e, timeoutMs });
      outputs.push([what, out]);
      counts.runs++;
      return out;
    };
    const apply = ['apply', '--yes', '--poll-initial', '20'];
    for (const ui of ['stream', 'json', 'tui']) {
      for (const debug of [false, true]) {
        const flags = ['--ui', ui, ...(debug ? ['--debug'] : [])];
        await run(`apply ok ${flags.join(' ')}`, [...apply, 'ok.yaml', ...flags], env(emu));
        await run(`apply failing ${flags.join(' ')}`, [...apply, 'rb.yaml', ...flags], env(emu));
      }
    }
    // JOB 3.x HTML-escapes logs: the secret comes back as &lt;&amp;&gt; and must still be masked.
    await run('apply on JOB 3.x --debug', [...apply, 'ok.yaml', '--ui', 'json', '--debug'], env(emu3));
    // Over the API gateway v3 the credentials go in a header; the same runs must leak nothing.
    for (const ui of ['stream', 'json']) {
      const flags = ['--ui', ui, '--debug'];
      await run(
        `apply ok over v3 ${flags.join(' ')}`,
        [...apply, 'ok.yaml', ...flags],
        env(emu, APP_SECRET, 'v3'),
      );
      await run(
        `apply failing over v3 ${flags.join(' ')}`,
        [...apply, 'rb.yaml', ...flags],
        env(emu, APP_SECRET, 'v3'),
      );
    }
    const badV3 = await run(
      'apply over v3 with a rejected app secret --debug',
      [...apply, 'ok.yaml', '--debug'],
      env(emu, `${APP_SECRET}-wrong`, 'v3'),
    );
    if (badV3.code !== 3) violations.add(0, `a rejected app secret over v3 exited ${badV3.code}`);
    await run('plan --json over v3', ['plan', 'rb.yaml', '--json'], env(emu, APP_SECRET, 'v3'));
    // A wrong app secret: the error must not echo the one that was sent.
    const bad = await run(
      'apply with a rejected app secret --debug',
      [...apply, 'ok.yaml', '--debug'],
      env(emu, `${APP_SECRET}-wrong`),
    );
    if (bad.code !== 3) violations.add(0, `a rejected app secret exited ${bad.code}`);
    // Interrupted while the slow step runs, then resumed and interrupted again.
    for (const [k, signal] of (['SIGINT', 'SIGTERM'] as const).entries()) {
      const slow = [
        'apply',
        '--yes',
        '--ui',
        'json',
        '--debug',
        '--poll-initial',
        '20',
        '--only',
        'slow',
        'rb.yaml',
      ];
      const child = spawnCli(slow, { cwd: dir, env: env(emu) });
      child.stdin.end();
      await waitFor(
        'the slow step to be submitted',
        () => (child.output().stdout.includes('"step.submitted"') ? true : undefined),
        20_000,
      );
      child.kill(signal);
      counts.signals++;
      const out = await exited(child, 30_000);
      outputs.push([`apply interrupted by ${signal}`, out]);
      counts.runs++;
      if (out.code !== 130) violations.add(k, `${signal} exited ${out.code}`);
    }
    await run('plan', ['plan', 'rb.yaml'], env(emu));
    await run('plan --json', ['plan', 'rb.yaml', '--json'], env(emu));
    await run('plan --debug with a bad var', ['plan', 'rb.yaml', '--debug', '--var', 'nope=1'], env(emu));
    await run('validate', ['validate', 'rb.yaml'], env(emu));
    await run('runs', ['runs'], env(emu));
    const list = await run('runs --json', ['runs', '--json'], env(emu));
    for (const line of list.stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .slice(0, 6)) {
      const id = (JSON.parse(line) as { runId: string }).runId;
      await run(`logs ${id}`, ['logs', id], env(emu));
    }
    // The report gathers the failed hosts' output from the same logs, and the record's texts: the
    // first runs (one that succeeded, one that failed), and the newest in HTML, printed and written.
    for (const line of list.stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .slice(0, 2)) {
      const id = (JSON.parse(line) as { runId: string }).runId;
      await run(`report ${id}`, ['report', id], env(emu));
    }
    await run('report --format html', ['report', 'last', '--format', 'html'], env(emu));
    const reportFile = join('.runbook', 'report.html');
    const written = await run('report -o', ['report', 'last', '-o', reportFile], env(emu));
    if (written.code !== 0) violations.add(0, `report -o exited ${written.code}: ${written.stderr}`);
    const ids = list.stdout.split('\n').filter((l) => l.startsWith('{'));
    const interrupted = ids
      .map((l) => JSON.parse(l) as { runId: string; state: string })
      .find((r) => r.state === 'interrupted');
    if (interrupted) {
      const child = spawnCli(
        [
          'apply',
          'rb.yaml',
          '--resume',
          interrupted.runId,
          '--yes',
          '--ui',
          'stream',
          '--debug',
          '--only',
          'slow',
        ],
        { cwd: dir, env: env(emu) },
      );
      child.stdin.end();
      await waitFor(
        'the resumed run to start',
        () => (child.output().stdout.length > 0 || child.exitCode !== null ? true : undefined),
        20_000,
      );
      child.kill('SIGINT');
      counts.signals++;
      outputs.push(['resume --debug, interrupted', await exited(child, 30_000)]);
      counts.runs++;
    } else violations.add(0, 'no interrupted run to resume');

    for (const [what, out] of outputs) {
      for (const x of [
        ...findCanaries(`${what}: stdout`, Buffer.from(out.stdout)),
        ...findCanaries(`${what}: stderr`, Buffer.from(out.stderr)),
      ]) {
        counts.secrets++;
        violations.add(0, x);
      }
    }
    const files = filesUnder(join(dir, '.runbook'));
    if (files.length < 10) violations.add(0, `only ${files.length} files under .runbook`);
    for (const f of files) {
      for (const x of findCanaries(f, readFileSync(f))) {
        counts.secrets++;
        violations.add(0, x);
      }
    }
    // No v3 call carried a credential in its body or query string.
    for (const e of [emu, emu3]) {
      const inParams = e.credentialsInParams();
      if (Object.keys(inParams).length > 0) {
        counts.secrets++;
        violations.add(0, `v3 calls carried a credential in body or query: ${JSON.stringify(inParams)}`);
      }
    }
    // The scripts did receive the secret: masking, not absence, is what is tested.
    const echoed = emu.jobs().some((j) => j.hosts.length > 0 && j.name.endsWith('echo-params'));
    if (!echoed) violations.add(0, 'the echo step never ran');
    counts.violations += violations.list.length;
    expect(violations.list, violations.summary()).toEqual([]);
  }, 300_000);
});

describe('secrets: the run’s own words as secrets never rewrite the run', () => {
  const counts = tally();
  afterAll(() => report('secrets-words', counts));

  it(
    'every step recorded with its state, a resume submits nothing again, no canary anywhere',
    async () => {
      const violations = new Violations('secrets-words');
      for (const i of cases(size(3, 80))) {
        for (const v of await wordsRun(i, counts)) violations.add(i, v);
      }
      counts.violations += violations.list.length;
      expect(violations.list, violations.summary()).toEqual([]);
    },
    size(90_000, 900_000),
  );
});

/** One case: apply with two word secrets and the canary, check the record, resume, search for leaks. */
async function wordsRun(i: number, counts: ReturnType<typeof tally>): Promise<string[]> {
  const c = wordsCase(createRng(caseSeed('secrets-words', i)));
  // Every third case runs over the API gateway v3 (its resume too: a run resumes on its transport).
  const transport = i % 3 === 1 ? 'v3' : 'v2';
  const problems: string[] = [];
  const say = (what: string) =>
    problems.push(`${what} (words ${JSON.stringify(c.words)}: ${c.kinds.join(', ')}; ${transport})`);
  const cwd = join(dir, `words-${i}`);
  await mkdir(cwd, { recursive: true });
  await writeFile(join(cwd, 'rb.yaml'), wordsRunbook(c));
  const e = c.job3 ? emu3 : emu;
  const runEnv = { ...env(e, APP_SECRET, transport), RB_W1: c.words[0], RB_W2: c.words[1] };
  const submits = () => e.calls().fast_execute_script ?? 0;
  const calls = () => Object.values(e.calls()).reduce((a, b) => a + b, 0);
  const outputs: CliResult[] = [];
  const before = { submits: submits(), calls: calls() };
  const flags = ['--ui', c.ui, ...(c.debug ? ['--debug'] : [])];
  const first = await runCli(['apply', 'rb.yaml', '--yes', ...flags], {
    cwd,
    env: runEnv,
    timeoutMs: 60_000,
  });
  outputs.push(first);
  counts.runs++;
  const failing = c.steps.filter((s) => s.fails).map((s) => s.name);
  if (c.short) {
    if (first.code !== 2) say(`a secret shorter than 4 characters: exit ${first.code}, not 2`);
    if (!first.stderr.includes('(RB_W2) is shorter than 4 characters'))
      say('the refusal does not name RB_W2');
    if (calls() !== before.calls) say('a call was sent although a secret was refused');
  } else {
    const expected = failing.length > 0 ? 1 : 0;
    if (first.code !== expected)
      say(`apply exited ${first.code}, not ${expected}: ${first.stderr.slice(0, 300)}`);
    if (submits() - before.submits !== c.steps.length)
      say(`${submits() - before.submits} submits for ${c.steps.length} steps`);
    const { runId, problems: recorded } = checkWordsRecord(c, cwd);
    for (const p of recorded) say(p);
    const jobsOf = (step: string) =>
      e.jobs().filter((j) => j.name.split('@')[0] === `${c.name}/${step}`).length;
    const jobsBefore = c.steps.map((s) => jobsOf(s.name));
    const resumed = await runCli(['apply', 'rb.yaml', '--resume', runId, '--yes', ...flags], {
      cwd,
      env: runEnv,
      timeoutMs: 60_000,
    });
    outputs.push(resumed);
    counts.runs++;
    if (resumed.code !== expected) say(`the resume exited ${resumed.code}, not ${expected}`);
    c.steps.forEach((s, k) => {
      const again = jobsOf(s.name) - jobsBefore[k]!;
      // Only a failed step runs again; a succeeded one is never submitted twice.
      if (again !== (s.fails ? 1 : 0)) say(`the resume submitted step ${s.name} ${again} time(s)`);
    });
  }
  for (const out of outputs) {
    for (const x of [
      ...findCanaries(`case ${i} stdout`, Buffer.from(out.stdout)),
      ...findCanaries(`case ${i} stderr`, Buffer.from(out.stderr)),
    ]) {
      counts.secrets++;
      problems.push(x);
    }
  }
  const inParams = e.credentialsInParams();
  if (Object.keys(inParams).length > 0) {
    counts.secrets++;
    problems.push(`v3 calls carried a credential in body or query: ${JSON.stringify(inParams)}`);
  }
  const state = join(cwd, '.runbook');
  for (const f of c.short ? [] : filesUnder(state)) {
    for (const x of findCanaries(f, readFileSync(f))) {
      counts.secrets++;
      problems.push(x);
    }
  }
  return problems;
}

/** The record lists every step, in order, with the state its script gave it, its job and its hosts. */
function checkWordsRecord(c: WordsCase, cwd: string): { runId: string; problems: string[] } {
  const problems: string[] = [];
  const runs = join(cwd, '.runbook', 'runs');
  const ids = readdirSync(runs);
  if (ids.length !== 1) return { runId: '', problems: [`${ids.length} run folders`] };
  const record = JSON.parse(readFileSync(join(runs, ids[0]!, 'record.json'), 'utf8'));
  if (record.runId !== ids[0])
    problems.push(`the record's run id ${record.runId} is not its folder ${ids[0]}`);
  const failed = c.steps.some((s) => s.fails);
  if (record.state !== (failed ? 'failed' : 'succeeded'))
    problems.push(`the run is recorded ${record.state}`);
  const names = (record.steps ?? []).map((s: { name: string }) => s.name);
  if (JSON.stringify(names) !== JSON.stringify(c.steps.map((s) => s.name)))
    problems.push(`the record lists steps ${JSON.stringify(names)}`);
  c.steps.forEach((s, k) => {
    const r = record.steps?.[k];
    if (!r) return;
    const want = s.fails ? 'failed' : 'succeeded';
    if (r.state !== want) problems.push(`step ${s.name} recorded ${r.state}, not ${want}`);
    if (typeof r.jobInstanceId !== 'number') problems.push(`step ${s.name} has no job id`);
    const ips = (r.hosts ?? []).map((h: { ip: string }) => h.ip).sort();
    if (JSON.stringify(ips) !== JSON.stringify([...s.hosts].sort()))
      problems.push(`step ${s.name} recorded hosts ${JSON.stringify(ips)}`);
    for (const h of r.hosts ?? []) {
      if (!statSync(join(runs, ids[0]!, h.log), { throwIfNoEntry: false })?.isFile())
        problems.push(`step ${s.name}: no saved log ${h.log}`);
    }
  });
  return { runId: record.runId, problems };
}
