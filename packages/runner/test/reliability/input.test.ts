// biome-ignore-all lint/suspicious/noTemplateCurlyInString: runbook expressions are ${{ … }} text
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Issue, parseRunbook } from '@runbook/schema';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { resolvePlan } from '../../src/plan/resolve.js';
import { displayPlan, formatPlan } from '../../src/render/plan.js';
import { runCli } from '../helpers.js';
import { caseSeed, cases, createRng, report, SEED, STACK, size, tally, Violations } from './campaign.js';
import { mutate, mutateVar } from './mutate.js';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
/** Bound on one input through parse + resolve + plan display, in ms (generous: 2 cores, other suites running). */
const BOUND_MS = 5_000;

const work = mkdtempSync(join(tmpdir(), 'runbook-inputs-'));
cpSync(join(REPO, 'runbooks'), join(work, 'runbooks'), { recursive: true });
cpSync(join(REPO, 'packages', 'schema', 'test', 'corpus'), join(work, 'corpus'), { recursive: true });
afterAll(() => process.env.KEEP || rmSync(work, { recursive: true, force: true }));

/** The seed corpus: the example runbooks and the schema's corpus of invalid ones, each in its own folder. */
const SEEDS = [
  ...readdirSync(join(work, 'runbooks'))
    .filter((f) => f.endsWith('.yaml') && !f.startsWith('emulator'))
    .map((f) => join(work, 'runbooks', f)),
  ...readdirSync(join(work, 'corpus'))
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => join(work, 'corpus', f)),
].map((path) => ({ path, bytes: readFileSync(path) }));

const varNames = (text: string) => [...text.matchAll(/^ {2}(\w+): \{ type/gm)].map((m) => m[1]!);

/** What is wrong with one problem report (empty: fine). */
function issueProblems(issue: Issue, mainFile: string, lineCount: number): string[] {
  const out: string[] = [];
  if (!Number.isInteger(issue.line) || issue.line < 1) out.push(`line ${issue.line}`);
  if (!Number.isInteger(issue.col) || issue.col < 1) out.push(`col ${issue.col}`);
  if (issue.file === mainFile && issue.line > lineCount + 1)
    out.push(`line ${issue.line} beyond the file (${lineCount})`);
  if (typeof issue.message !== 'string' || issue.message.trim() === '') out.push('empty message');
  else if (/\[object Object\]/.test(issue.message) || STACK.test(issue.message))
    out.push(`message: ${issue.message}`);
  if (!issue.file) out.push('no file');
  return out.map((p) => `${issue.file}:${issue.line}:${issue.col} ${p}`);
}

/**
 * One input, in process, as `validate` / `plan` take it: parse, then (when valid) resolve with these
 * var values and format the plan. Returns the violations and the issue count.
 */
function checkInput(path: string, bytes: Buffer, vars: string[]): { problems: string[]; issues: number } {
  const text = bytes.toString('utf8');
  const lineCount = text.split('\n').length;
  const t0 = performance.now();
  const problems: string[] = [];
  let issues = 0;
  try {
    const res = parseRunbook(text, { path });
    if (!res.ok) {
      issues = res.issues.length;
      if (issues === 0) problems.push('invalid without an issue');
      for (const i of res.issues) problems.push(...issueProblems(i, path, lineCount));
    } else {
      const r = resolvePlan(res.runbook, {
        runId: 'r-1',
        vars: { cli: vars },
        env: {},
        requireSecrets: false,
      });
      if (!r.ok) {
        if (r.issues.length === 0) problems.push('unresolvable without an issue');
        for (const i of r.issues) problems.push(...issueProblems(i, path, lineCount));
      } else formatPlan(displayPlan(r.plan));
    }
  } catch (err) {
    problems.push(`threw ${(err as Error).stack?.split('\n').slice(0, 3).join(' | ')}`);
  }
  const ms = performance.now() - t0;
  if (ms > BOUND_MS) problems.push(`took ${Math.round(ms)} ms`);
  return { problems, issues };
}

/** Checks `validate`'s stderr: every line a `FILE:LINE:COL: message`, its source and caret, or the summary. */
function validateOutputProblems(stderr: string): { problems: string[]; headers: number } {
  const problems: string[] = [];
  let headers = 0;
  for (const l of stderr.split('\n')) {
    if (l === '' || l.startsWith('    ')) continue;
    if (/^.+:\d+:\d+: \S/.test(l)) headers++;
    else if (!/^runbook: \d+ (files? valid|issues? in \d+ of \d+ files?)$/.test(l))
      problems.push(`unexpected line: ${l.slice(0, 200)}`);
  }
  return { problems, headers };
}

/** `when:` values, from pieces of the expression language and look-alikes of it. */
const whenPiece = fc.constantFrom(
  'steps.a.outputs.v',
  'steps.a.status',
  'steps.b.hosts_ok',
  'steps.a.hosts_failed',
  'vars.n',
  'env.HOME',
  'secrets.S',
  "'succeeded'",
  '"x"',
  '2.4',
  '-1',
  'true',
  'false',
  '==',
  '!=',
  '<',
  '<=',
  '>',
  '>=',
  '&&',
  '||',
  '!',
  '(',
  ')',
  ',',
  'contains(',
  'startsWith(',
  'toJSON(',
  '=',
  '&',
  '数据',
  ' ',
);
const whenExpression = fc.array(whenPiece, { maxLength: 14 }).map((parts) => `\${{ ${parts.join(' ')} }}`);

describe('input campaign: mutated and generated runbooks and --var values', () => {
  const counts = tally();
  afterAll(() => report('input', counts));

  it(
    'mutated corpus runbooks with mutated --var values: issues with FILE:LINE:COL, no throw, bounded time (in process)',
    () => {
      const violations = new Violations('input');
      for (const i of cases(size(600, 9_000))) {
        const rng = createRng(caseSeed('input', i));
        const seed = rng.pick(SEEDS);
        const { bytes, applied } = mutate(seed.bytes, rng);
        const vars = Array.from({ length: rng.int(0, 3) }, () =>
          mutateVar(varNames(seed.bytes.toString()), rng),
        );
        counts.inputs++;
        const path = join(dirname(seed.path), `m-${i}.yaml`);
        for (const p of checkInput(path, bytes, vars).problems) {
          counts.violations++;
          violations.add(i, `${seed.path} after ${applied.join(', ')}: ${p}`);
        }
      }
      expect(violations.list, violations.summary()).toEqual([]);
    },
    size(60_000, 900_000),
  );

  it(
    'generated runbooks (fast-check): never a throw, every problem placed',
    () => {
      const violations = new Violations('input');
      const scalar = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null), fc.double());
      const step = fc.record(
        {
          name: fc.oneof(fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/), scalar),
          hosts: fc.oneof(
            fc.array(
              fc.oneof(
                fc.ipV4(),
                fc.string(),
                fc.constantFrom('web', '0:10.0.0.1', '1:127.0.0.1'),
                fc.record(
                  {
                    from_step: fc.oneof(fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/), scalar),
                    status: fc.constantFrom('succeeded', 'failed', 'any', 'ok'),
                    output: fc.dictionary(fc.stringMatching(/^[a-z_]{1,4}$/), scalar),
                  },
                  { requiredKeys: ['from_step'] },
                ),
              ),
            ),
            scalar,
          ),
          script: fc.oneof(
            fc.string(),
            fc.constantFrom(
              'echo ${{ vars.n }}',
              'echo ${{ secrets.S }}',
              'echo ${{ run.id }}',
              "echo ${{ steps.a.outputs.v || 'x' }}",
              'echo ${{ steps.a.status }} ${{ steps.b.hosts_ok }}',
            ),
          ),
          params: fc.oneof(fc.string(), fc.constantFrom('${{ vars.n }}', '--x ${{ secrets.S }}')),
          timeout: fc.oneof(fc.integer({ min: -10, max: 100_000 }), fc.constantFrom('5m', '1h', '90s', 'x')),
          account: fc.oneof(fc.constantFrom('root', ''), scalar),
          on_failure: fc.constantFrom('abort', 'continue', 'retry'),
          confirm: fc.string(),
          type: fc.constantFrom('shell', 'python', 'perl', 'bat', 'powershell', 'cobol'),
          script_id: fc.integer({ min: -1, max: 10 }),
          custom_query: fc.array(fc.oneof(fc.string(), fc.integer())),
          outputs: fc.oneof(fc.array(fc.oneof(fc.stringMatching(/^[a-z_]{1,6}$/), fc.string())), scalar),
          when: fc.oneof(whenExpression, fc.string(), scalar),
        },
        { requiredKeys: [] },
      );
      const doc = fc.record(
        {
          version: fc.oneof(fc.constant(1), scalar),
          name: fc.oneof(fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/), scalar),
          biz: fc.oneof(fc.integer({ min: -1, max: 5 }), scalar),
          vars: fc.dictionary(
            fc.stringMatching(/^[a-z_]{1,6}$/),
            fc.record(
              {
                type: fc.constantFrom('string', 'integer', 'boolean', 'enum', 'list'),
                default: scalar,
                min: fc.integer(),
                max: fc.integer(),
                values: fc.array(scalar),
                required: fc.boolean(),
              },
              { requiredKeys: ['type'] },
            ),
          ),
          secrets: fc.dictionary(
            fc.stringMatching(/^[A-Z_]{1,6}$/),
            fc.record({ env: fc.stringMatching(/^[A-Z_]{1,8}$/) }),
          ),
          groups: fc.dictionary(fc.stringMatching(/^[a-z]{1,5}$/), fc.record({ hosts: fc.array(fc.ipV4()) })),
          defaults: fc.record({ account: scalar, timeout: scalar, type: scalar }, { requiredKeys: [] }),
          steps: fc.oneof(fc.array(step, { maxLength: 4 }), scalar),
        },
        { requiredKeys: [] },
      );
      const n = size(300, 1_500);
      const path = join(work, 'runbooks', 'generated.yaml');
      try {
        fc.assert(
          fc.property(doc, fc.array(fc.string(), { maxLength: 2 }), (d, varValues) => {
            counts.inputs++;
            const names = Object.keys((d.vars as Record<string, unknown>) ?? {});
            const vars = varValues.map((v, k) => `${names[k] ?? 'n'}=${v}`);
            const { problems } = checkInput(path, Buffer.from(stringify(d)), vars);
            if (problems.length > 0) throw new Error(problems.join('; '));
          }),
          { seed: SEED, numRuns: n },
        );
      } catch (err) {
        counts.violations++;
        violations.add(0, `generated: ${(err as Error).message.slice(0, 2000)}`);
      }
      expect(violations.list, violations.summary()).toEqual([]);
    },
    size(60_000, 600_000),
  );

  it(
    'runbook validate FILE... (many files per process): exit 0 or 2, FILE:LINE:COL per problem, no stack trace',
    async () => {
      const violations = new Violations('input');
      const batches = size(1, 10);
      const perBatch = size(120, 300);
      for (let b = 0; b < batches; b++) {
        const files: string[] = [];
        let expected = 0;
        let expectedBad = 0;
        for (let k = 0; k < perBatch; k++) {
          const i = b * perBatch + k;
          const rng = createRng(caseSeed('validate', i));
          const seed = rng.pick(SEEDS);
          const { bytes } = mutate(seed.bytes, rng);
          const path = join(dirname(seed.path), `v-${i}.yaml`);
          writeFileSync(path, bytes);
          files.push(path);
          const { problems } = checkInput(path, bytes, []);
          // Resolution is not validate's job: count parse issues only.
          const parsed = parseRunbook(bytes.toString('utf8'), { path });
          if (!parsed.ok) {
            expected += parsed.issues.length;
            expectedBad++;
          }
          counts.inputs++;
          for (const p of problems) {
            counts.violations++;
            violations.add(i, `validate input: ${p}`);
          }
        }
        const out = await runCli(['validate', ...files], { cwd: work, timeoutMs: 120_000 });
        const { problems, headers } = validateOutputProblems(out.stderr);
        if (out.code !== (expectedBad > 0 ? 2 : 0))
          problems.push(`exit ${out.code}, expected ${expectedBad > 0 ? 2 : 0}`);
        if (headers !== expected)
          problems.push(`${headers} FILE:LINE:COL lines, ${expected} problems in process`);
        if (out.stdout !== '') problems.push(`stdout not empty: ${out.stdout.slice(0, 200)}`);
        for (const p of problems) {
          counts.violations++;
          violations.add(b, `validate batch ${b}: ${p}`);
        }
      }
      expect(violations.list, violations.summary()).toEqual([]);
    },
    size(90_000, 900_000),
  );

  it(
    'runbook plan with mutated --var values: exit 0 or 2, problems placed, no stack trace',
    async () => {
      const violations = new Violations('input');
      const file = join(work, 'runbooks', 'maintenance.yaml');
      const names = varNames(readFileSync(file, 'utf8'));
      for (const i of cases(size(6, 60))) {
        const rng = createRng(caseSeed('plan-var', i));
        const args = Array.from({ length: rng.int(1, 3) }, () => mutateVar(names, rng).replace(/\0/g, ''));
        counts.inputs++;
        const out = await runCli(['plan', file, ...args.flatMap((a) => ['--var', a])], {
          cwd: work,
          timeoutMs: 30_000,
        });
        const problems: string[] = [];
        if (out.code !== 0 && out.code !== 2) problems.push(`exit ${out.code}`);
        if (STACK.test(out.stderr)) problems.push(`stack trace: ${out.stderr.slice(0, 500)}`);
        if (out.code === 2) {
          const bad = out.stderr
            .split('\n')
            .filter((l) => l !== '' && !l.startsWith('    ') && !l.startsWith('hint: '))
            .filter((l) => !/^.+:\d+:\d+: \S/.test(l) && !/^runbook: \S/.test(l));
          if (bad.length > 0) problems.push(`unplaced lines: ${bad.join(' | ').slice(0, 300)}`);
        }
        for (const p of problems) {
          counts.violations++;
          violations.add(i, `plan ${args.map((a) => a.slice(0, 40)).join(' ')}: ${p}`);
        }
      }
      expect(violations.list, violations.summary()).toEqual([]);
    },
    size(60_000, 600_000),
  );
});

describe('input campaign: output lines and when expressions through apply --local', () => {
  const counts = tally();
  afterAll(() => report('input-outputs', counts));

  /** Well-formed `when:` values over step a's outputs and status and step b's counts. */
  const comparison = fc
    .tuple(
      fc.constantFrom(
        'steps.a.outputs.v',
        'steps.a.status',
        'steps.b.hosts_ok',
        'steps.a.hosts_failed',
        'vars.n',
      ),
      fc.constantFrom('==', '!=', '<', '<=', '>', '>='),
      fc.constantFrom("'x'", "'succeeded'", '0', '2.4', "''", 'true'),
    )
    .map(([a, op, b]) => `${a} ${op} ${b}`);
  const validWhen = fc
    .tuple(comparison, fc.constantFrom('&&', '||'), comparison, fc.boolean())
    .map(
      ([a, op, b, neg]) =>
        `\${{ ${neg ? '!' : ''}(${a} ${op} ${b}) || contains(steps.a.outputs.v || '', 'x') }}`,
    );

  /** Lines a host prints: pieces of `::output` and `<SOPS_VAR>` lines and their look-alikes. */
  const outputLine = fc
    .array(
      fc.oneof(
        fc.constantFrom(
          '::output ',
          ' ::output v=',
          '<SOPS_VAR>',
          '</SOPS_VAR>',
          'v',
          'v:',
          'v=',
          '=',
          ':',
          '__proto__',
          '1bad',
          '数据',
          '\r',
          '\t',
          '${{ vars.n }}',
        ),
        fc.string({ maxLength: 8 }),
      ),
      { maxLength: 12 },
    )
    .map((p) => p.join(''));

  it(
    'a producer prints fuzzed output lines, consumers read them with fuzzed when: exit 0, 1 or 2 only, no stack trace',
    async () => {
      const violations = new Violations('input');
      const n = size(3, 30);
      const samples = fc.sample(
        fc.tuple(
          fc.array(outputLine, { minLength: 1, maxLength: 20 }),
          fc.array(whenExpression, { minLength: 3, maxLength: 3 }),
          fc.array(validWhen, { minLength: 3, maxLength: 3 }),
          fc.constantFrom(0, 1, 5000),
        ),
        { seed: SEED, numRuns: n },
      );
      for (const [i, [lines, fuzzed, valid, bigValue]] of samples.entries()) {
        const whens = i % 2 === 0 ? valid : fuzzed;
        counts.inputs++;
        const printed = [...lines, `::output v=${'x'.repeat(bigValue)}`].join('\n');
        const b64 = Buffer.from(printed, 'utf8').toString('base64');
        const consumers = whens
          .map(
            (w, k) => `  - name: c${k}
    when: ${JSON.stringify(w)}
    on_failure: continue
    hosts: ["127.0.0.1", { from_step: a, output: { v: "x" } }]
    script: echo "\${{ steps.a.outputs.v || 'none' }}"`,
          )
          .join('\n');
        const text = `version: 1
name: fuzz-outputs
biz: 2
vars:
  n: 3
defaults:
  account: root
  timeout: 60
steps:
  - name: a
    hosts: ["127.0.0.1", "127.0.0.2"]
    on_failure: continue
    script: echo ${b64} | base64 -d
  - name: b
    hosts: ["127.0.0.1"]
    script: echo b
${consumers}
`;
        const dir = mkdtempSync(join(work, 'fuzz-outputs-'));
        writeFileSync(join(dir, 'rb.yaml'), text);
        const out = await runCli(['apply', 'rb.yaml', '--local', '--yes'], { cwd: dir, timeoutMs: 90_000 });
        const problems: string[] = [];
        if (![0, 1, 2].includes(out.code ?? -1)) problems.push(`exit ${out.code}`);
        // Well-formed expressions pass validate: the run itself decides (0 or 1).
        if (i % 2 === 0 && out.code === 2)
          problems.push(`exit 2 for valid expressions: ${out.stderr.slice(0, 300)}`);
        if (STACK.test(out.stderr) || STACK.test(out.stdout)) problems.push('stack trace');
        if (/\[object Object\]|undefined has no value/.test(out.stdout + out.stderr))
          problems.push('garbled message');
        for (const p of problems) {
          counts.violations++;
          violations.add(
            i,
            `outputs case ${i} (${whens.join(' | ').slice(0, 200)}): ${p}\n${out.stderr.slice(0, 500)}`,
          );
        }
      }
      expect(violations.list, violations.summary()).toEqual([]);
    },
    size(120_000, 1_200_000),
  );
});
