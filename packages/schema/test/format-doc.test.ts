import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseRunbook } from '../src/index.js';

/** docs/format.md is the format's reference: its runbooks are checked here, as the code reads them. */
const DOC = readFileSync(fileURLToPath(new URL('../../../docs/format.md', import.meta.url)), 'utf8');
const blocks = [...DOC.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map((m) => ({ lang: m[1]!, text: m[2]! }));
// Whole runbooks (fragments of one, such as a `vars:` mapping alone, are left out).
const runbooks = blocks.filter((b) => b.lang === 'yaml' && /^version: 1$/m.test(b.text));
const bad = runbooks.filter((b) => DOC.includes(`${b.text}\`\`\`\n\n\`runbook validate bad.yaml\` prints:`));
const good = runbooks.filter((b) => !bad.includes(b));

describe('docs/format.md', () => {
  it('has its runbooks, the placeholder sections other work fills, and the editor setup', () => {
    expect(good.length).toBeGreaterThanOrEqual(2);
    expect(bad).toHaveLength(1);
    for (const heading of ['## Rolling batches', '## Step outputs and conditions', '## Editor setup'])
      expect(DOC).toContain(`\n${heading}`);
    expect(DOC).toContain('# yaml-language-server: $schema=../schemas/runbook.schema.json');
    expect(DOC).toContain('"yaml.schemas"');
  });

  it.each(good.map((b, i) => [i, b.text]))('example %i is a valid runbook', (_, text) => {
    // Script files it names are examples, not files of this repository.
    const res = parseRunbook(text, { path: 'example.yaml', checkFiles: false });
    expect(res.ok ? [] : res.issues.map((i) => `${i.line}:${i.col}: ${i.message}`)).toEqual([]);
  });

  it('the runbook with mistakes gives exactly the errors the page shows', () => {
    const res = parseRunbook(bad[0]!.text, { path: 'bad.yaml' });
    expect(res.ok).toBe(false);
    const got = res.ok ? [] : res.issues.map((i) => `${i.file}:${i.line}:${i.col}: ${i.message}`);
    const output = blocks.find((b) => b.lang === '' && b.text.startsWith('bad.yaml:'))!.text;
    const shown = output.split('\n').filter((l) => l.startsWith('bad.yaml:'));
    expect(got).toEqual(shown);
    expect(output).toContain(`runbook: ${got.length} issues in 1 of 1 file`);
  });
});
