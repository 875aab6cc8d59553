import { parseRunbook } from '@runbook/schema';
import { describe, expect, it } from 'vitest';

/** Defects the reliability campaigns found, each pinned by the smallest input that showed it. */
describe('reliability regressions', () => {
  const base =
    'version: 1\nname: x\nbiz: 1\nsteps:\n  - name: a\n    hosts: ["10.0.0.1"]\n    account: root\n    script: echo\n';

  it('regression: YAML nested thousands of levels deep gives one clear problem, not "Maximum call stack size exceeded"', () => {
    for (const text of [
      base.replace('["10.0.0.1"]', `${'['.repeat(3000)}1${']'.repeat(3000)}`),
      `${base}vars: ${'{a: '.repeat(3000)}1${'}'.repeat(3000)}\n`,
      `${base}extra:\n${Array.from({ length: 3000 }, (_, k) => `${' '.repeat(k + 1)}a:`).join('\n')} 1\n`,
    ]) {
      const res = parseRunbook(text, { path: 'deep.yaml' });
      expect(res.ok).toBe(false);
      if (res.ok) continue;
      // One problem however deep the stack went (the CLI and a test worker have different stacks).
      expect(res.issues).toHaveLength(1);
      expect(res.issues[0]!.message).toMatch(/nested too deeply/);
      expect(res.issues[0]!.message).not.toMatch(/call stack/);
      expect(res.issues[0]!.line).toBeGreaterThanOrEqual(1);
      // Found before the (recursive) parser runs, so the place does not depend on the stack either.
      const again = parseRunbook(text, { path: 'deep.yaml' });
      expect(again.ok ? [] : again.issues).toEqual(res.issues);
    }
    // A script indented far inside a block scalar is text, not nesting.
    const script = `${base.replace('script: echo', 'script: |')}${' '.repeat(6)}${' '.repeat(600)}echo deep\n`;
    expect(parseRunbook(script, { path: 'ok.yaml' }).ok).toBe(true);
  });
});
