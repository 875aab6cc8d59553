import { describe, expect, it } from 'vitest';
import { parseRunbook } from './parse.js';

describe('parseRunbook', () => {
  it('parses a minimal runbook', () => {
    const res = parseRunbook(
      'version: 1\nname: a\nbiz: 1\ndefaults: {account: root}\nsteps:\n  - name: s\n    script: "true"\n    hosts: ["10.0.0.1"]\n',
    );
    expect(res.ok).toBe(true);
    if (res.ok) expect(res.runbook.runbook.steps[0]?.name).toBe('s');
  });

  it('reports YAML syntax errors with a position', () => {
    const res = parseRunbook('version: 1\nname: [a\n', { path: 'x.yaml' });
    expect(res.ok).toBe(false);
    if (!res.ok) expect(res.issues[0]).toMatchObject({ file: 'x.yaml', code: 'SCHEMA_YAML' });
  });
});

describe('LoadedRunbook.positions', () => {
  it('maps JSON pointers to the line and column of each value, on first use', () => {
    const res = parseRunbook(
      'version: 1\nname: a\nbiz: 1\ndefaults: {account: root}\nsteps:\n  - name: s\n    script: "true"\n    hosts: ["10.0.0.1"]\n',
    );
    expect(res.ok).toBe(true);
    if (!res.ok) return;
    const { positions } = res.runbook;
    expect(positions.get('/steps/0/script')).toEqual({ line: 7, col: 13 });
    expect(positions.get('/steps/0/hosts/0')).toEqual({ line: 8, col: 13 });
    expect(res.runbook.positions).toBe(positions);
  });
});
