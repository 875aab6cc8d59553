import { describe, expect, it } from 'vitest';
import { type Issue, parseRunbook } from '../src/index.js';

const HEAD = 'version: 1\nname: demo\nbiz: 2\ndefaults:\n  account: root\n';
const STEP = 'steps:\n  - name: check\n    hosts: ["10.0.0.1"]\n    script: df -h\n';

const brief = (issues: Issue[]) => issues.map((i) => `${i.line}:${i.col}: ${i.code}: ${i.message}`);
function issues(text: string): string[] {
  const res = parseRunbook(text, { path: 'x.yaml', checkFiles: false });
  return res.ok ? [] : brief(res.issues);
}

describe('YAML edge cases', () => {
  it('resolves anchors and aliases, and points into the anchor', () => {
    const text = `${HEAD}steps:\n  - &s\n    name: check\n    hosts: ["10.0.0.1"]\n    script: df -h\n    timeout: 30s\n  - *s\n`;
    // The alias repeats the step: a duplicate name, and the one bad timeout is reported once, in the anchor.
    expect(issues(text)).toEqual([
      '8:11: SCHEMA_DUPLICATE_STEP: duplicate step name "check"; step names must be unique (first used by step 1)',
      '11:14: SCHEMA_TIMEOUT_RANGE: timeout 30s is below the minimum of 60 s',
    ]);
  });

  it('accepts merge keys and x- extension fields for anchors', () => {
    const text = `${HEAD}x-web: &web\n  hosts: ["10.0.0.1"]\n  timeout: 20m\nsteps:\n  - <<: *web\n    name: a\n    script: df -h\n  - <<: *web\n    name: b\n    script: uptime\n`;
    const res = parseRunbook(text, { checkFiles: false });
    expect(res.ok).toBe(true);
    if (res.ok)
      expect(res.runbook.runbook.steps[1]).toMatchObject({ name: 'b', timeout: '20m', hosts: ['10.0.0.1'] });
    const bad = text.replace('timeout: 20m', 'timeout: 20s');
    expect(issues(bad)).toEqual(['8:12: SCHEMA_TIMEOUT_RANGE: timeout 20s is below the minimum of 60 s']);
  });

  it('rejects duplicate keys at the second one', () => {
    expect(issues(`${HEAD}${STEP}    "script": uptime\n`)).toEqual([
      '10:5: SCHEMA_DUPLICATE_KEY: duplicate key "script"; a key may appear only once in a mapping',
    ]);
  });

  it('after a duplicate key or a second document, still checks the rest', () => {
    expect(issues(`${HEAD}${STEP}    "script": uptime\n    timeout: 5\n---\nversion: 2\n`)).toEqual([
      '10:5: SCHEMA_DUPLICATE_KEY: duplicate key "script"; a key may appear only once in a mapping',
      '11:14: SCHEMA_TIMEOUT_RANGE: timeout 5 is below the minimum of 60 s',
      '12:1: SCHEMA_MULTI_DOC: a runbook file holds one YAML document; remove this second one',
    ]);
  });

  it('rejects tabs used for indentation', () => {
    expect(issues(`${HEAD}steps:\n  - name: check\n\thosts: ["10.0.0.1"]\n`)[0]).toBe(
      '8:1: SCHEMA_YAML: a tab is used for indentation; YAML allows only spaces there',
    );
    // A tab inside a value is just text.
    expect(
      issues(`${HEAD}steps:\n  - name: check\n    hosts: ["10.0.0.1"]\n    script: "echo\\ta"\n`),
    ).toEqual([]);
  });

  it('ignores a BOM, and counts columns without it', () => {
    const text = `\uFEFF${HEAD}${STEP}    timeout: 5\n`;
    expect(issues(text)).toEqual(['10:14: SCHEMA_TIMEOUT_RANGE: timeout 5 is below the minimum of 60 s']);
    const res = parseRunbook(`\uFEFF${HEAD}${STEP}`);
    expect(res.ok).toBe(true);
  });

  it('reads CRLF line endings, with clean source lines', () => {
    const text = `${HEAD}${STEP}    timeout: 5\n`.replace(/\n/g, '\r\n');
    const res = parseRunbook(text, { path: 'x.yaml' });
    expect(res.ok).toBe(false);
    if (!res.ok) {
      expect(brief(res.issues)).toEqual([
        '10:14: SCHEMA_TIMEOUT_RANGE: timeout 5 is below the minimum of 60 s',
      ]);
      expect(res.issues[0]!.source).toBe('    timeout: 5');
    }
    const ok = parseRunbook(`${HEAD}${STEP}`.replace(/\n/g, '\r\n'));
    expect(ok.ok && ok.runbook.runbook.steps[0]!.script).toBe('df -h');
  });

  it('rejects a second YAML document', () => {
    expect(issues(`${HEAD}${STEP}---\n${HEAD}${STEP}`)).toEqual([
      '10:1: SCHEMA_MULTI_DOC: a runbook file holds one YAML document; remove this second one',
    ]);
    // A leading `---` and a trailing `...` are one document.
    expect(issues(`---\n${HEAD}${STEP}...\n`)).toEqual([]);
  });

  it('reports an empty file', () => {
    for (const text of ['', '\n\n', '# just a comment\n', '---\n', '\uFEFF']) {
      expect(issues(text)).toEqual([
        '1:1: SCHEMA_EMPTY: the file is empty; a runbook needs version, name, biz (or scope) and steps',
      ]);
    }
  });

  it('handles a 5 MB runbook', () => {
    const line = `      echo "${'x'.repeat(90)}"\n`;
    const step = (i: number) => `  - name: s${i}\n    hosts: ["10.0.0.1"]\n    script: |\n${line.repeat(50)}`;
    let text = `${HEAD}steps:\n`;
    let i = 0;
    while (text.length < 5 * 1024 * 1024) text += step(i++);
    const res = parseRunbook(text, { checkFiles: false });
    expect(res.ok).toBe(true);
    if (res.ok) expect(res.runbook.runbook.steps).toHaveLength(i);
    // A mistake at the very end is found at its line.
    const bad = `${text}  - name: s0\n    hosts: ["10.0.0.1"]\n    script: x\n`;
    const lines = bad.split('\n').length - 1;
    expect(issues(bad)).toEqual([
      `${lines - 2}:11: SCHEMA_DUPLICATE_STEP: duplicate step name "s0"; step names must be unique (first used by step 1)`,
    ]);
  });

  it('handles Chinese text, counting columns in characters', () => {
    const text = `version: 1\nname: demo\nbiz: 2\ndescription: 清理日志并重启服务\ndefaults:\n  account: root\nsteps:\n  - name: check\n    description: 检查磁盘\n    hosts: ["10.0.0.1"]\n    script: echo 你好 \${{ vars.名字 }} \${{ vars.nme }}\n`;
    const res = parseRunbook(text, { path: 'x.yaml' });
    expect(res.ok).toBe(false);
    if (res.ok) return;
    expect(brief(res.issues)).toEqual([
      '11:21: SCHEMA_EXPRESSION: "${{ vars.名字 }}" is not a reference; write vars.NAME (no functions, operators or code)',
      '11:36: SCHEMA_UNDEFINED_REF: undefined reference vars.nme: no var "nme" is declared',
    ]);
    expect(res.issues[1]!.source).toBe('    script: echo 你好 ${{ vars.名字 }} ${{ vars.nme }}');
    const ok = parseRunbook(text.replace(/ \$\{\{ vars\.名字 \}\} \$\{\{ vars\.nme \}\}/, ''), {
      checkFiles: false,
    });
    expect(ok.ok && ok.runbook.runbook.description).toBe('清理日志并重启服务');
  });

  it('counts an astral character as one column', () => {
    const text = `${HEAD}steps:\n  - name: check\n    hosts: ["10.0.0.1"]\n    script: echo 😀 \${{ vars.x }}\n`;
    expect(issues(text)).toEqual([
      '9:20: SCHEMA_UNDEFINED_REF: undefined reference vars.x: no var "x" is declared',
    ]);
  });

  it('reports a document that is not a mapping', () => {
    expect(issues('just text\n')).toEqual([
      '1:1: SCHEMA_TYPE: a runbook must be a mapping with version, name, biz (or scope) and steps, not a single value',
    ]);
  });

  it('refuses alias bombs instead of expanding them', () => {
    let text = 'a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n';
    for (let i = 1; i < 10; i++)
      text += `a${i}: &a${i} [${Array(10)
        .fill(`*a${i - 1}`)
        .join(', ')}]\n`;
    const out = issues(text);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(/^1:1: SCHEMA_YAML: YAML: /);
  });
});
