import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadRunbook } from '../src/index.js';

const CORPUS = fileURLToPath(new URL('./corpus/', import.meta.url));
const cases = readdirSync(CORPUS)
  .filter((f) => f.endsWith('.yaml'))
  .sort();

/** Every issue as `FILE:LINE:COL: CODE: message`, files relative to the corpus. */
async function issuesOf(file: string): Promise<string[]> {
  const res = await loadRunbook(join(CORPUS, file));
  if (res.ok) return ['OK'];
  return res.issues.map((i) => `${relative(CORPUS, i.file)}:${i.line}:${i.col}: ${i.code}: ${i.message}`);
}

describe('the corpus of invalid runbooks', () => {
  it('has at least 40 cases, each with its expected issues', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
  });

  it.each(cases)('%s', async (file) => {
    const expected = readFileSync(join(CORPUS, file.replace(/\.yaml$/, '.expected')), 'utf8')
      .trimEnd()
      .split('\n');
    expect(expected).not.toEqual(['OK']);
    expect(await issuesOf(file)).toEqual(expected);
  });

  it('covers every issue code the validator emits for a runbook file', async () => {
    const seen = new Set<string>();
    for (const file of cases) {
      for (const line of await issuesOf(file)) seen.add(line.split(': ')[1]!);
    }
    expect([...seen].sort()).toEqual(
      [
        'SCHEMA_ACCOUNT',
        'SCHEMA_CALLBACK_URL',
        'SCHEMA_DUPLICATE_KEY',
        'SCHEMA_DUPLICATE_STEP',
        'SCHEMA_EMPTY',
        'SCHEMA_EXPRESSION',
        'SCHEMA_EXPRESSION_PLACEMENT',
        'SCHEMA_HOST',
        'SCHEMA_JOB_LIMIT',
        'SCHEMA_MULTI_DOC',
        'SCHEMA_NAME',
        'SCHEMA_NO_TARGET',
        'SCHEMA_REQUIRED',
        'SCHEMA_ROLLING',
        'SCHEMA_SCOPE',
        'SCHEMA_SCRIPT_FILE',
        'SCHEMA_SCRIPT_SOURCE',
        'SCHEMA_SECRET_PLACEMENT',
        'SCHEMA_STEP_ORDER',
        'SCHEMA_TIMEOUT_RANGE',
        'SCHEMA_TYPE',
        'SCHEMA_TYPE_WITH_SCRIPT_ID',
        'SCHEMA_UNDEFINED_REF',
        'SCHEMA_UNKNOWN_GROUP',
        'SCHEMA_UNKNOWN_KEY',
        'SCHEMA_VALUE',
        'SCHEMA_VAR',
        'SCHEMA_YAML',
      ].sort(),
    );
  });
});
