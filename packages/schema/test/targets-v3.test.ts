import { describe, expect, it } from 'vitest';
import { parseRunbook } from '../src/index.js';

const runbook = (steps: string, groups = '') => `version: 1
name: demo
biz: 2
vars:
  mod: 12
defaults:
  account: root
${groups}steps:
${steps}`;

const issuesOf = (text: string) => {
  const res = parseRunbook(text, { path: 'rb.yaml', checkFiles: false });
  return res.ok ? [] : res.issues.map((i) => `${i.line}:${i.col}: ${i.code}: ${i.message}`);
};

describe('host ids and topology nodes (API gateway v3 targets)', () => {
  it('are accepted by validate in steps and groups, whatever the endpoint', () => {
    const text = runbook(
      `  - name: by-id
    hosts: [{ host_id: 101 }, { host_id: 102 }, ids]
    script: df -h
  - name: by-topo
    topo: ["module:\${{ vars.mod }}", "set:3", { node_type: biz, id: 2 }]
    script: df -h
  - name: by-group
    hosts: [web]
    script: df -h
`,
      `groups:
  web:
    topo: ["module:12"]
  ids:
    hosts: [{ host_id: 7 }]
`,
    );
    expect(issuesOf(text)).toEqual([]);
  });

  it('count as targets: a step with only topo, or only a group of topo, has one', () => {
    const none = runbook(`  - name: empty
    hosts: []
    script: df -h
`);
    expect(issuesOf(none)).toEqual([
      '10:12: SCHEMA_NO_TARGET: step "empty" has no target; give it at least one host, custom query or topology node (groups count by what they hold)',
    ]);
    const topoOnly = runbook(`  - name: t
    hosts: []
    topo: ["set:3"]
    script: df -h
`);
    expect(issuesOf(topoOnly)).toEqual([]);
  });

  it('evaluate expressions only in topology strings, as in host strings', () => {
    const text = runbook(`  - name: t
    topo: [{ node_type: module, id: 3 }]
    confirm: \${{ vars.mod }}
    script: df -h
`);
    expect(issuesOf(text)).toEqual([
      '11:14: SCHEMA_EXPRESSION_PLACEMENT: expressions are not evaluated in confirm; they work in biz, scope.id, params, script, script_file contents, task_name, account, callback_url, host strings, custom_query and topo strings',
    ]);
  });
});
