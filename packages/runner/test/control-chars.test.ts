import { describe, expect, it } from 'vitest';
import { onlyRecord, runCli, tempFiles } from './helpers.js';

/** Control characters a terminal acts on: C0 but newline and tab, DEL, C1. */
const RAW_CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/;

/** ESC [8m (conceal), OSC 0 (window title), CSI 2J (clear), the one-character C1 CSI, DEL, a lone CR. */
const HOSTILE = String.raw`printf 'start\033[8mhidden\033]0;pwned\007 \033[2J\302\233 31m \177 lone\rover\n'`;
const SHOWN = String.raw`start\x1b[8mhidden\x1b]0;pwned\x07 \x1b[2J\u009b 31m \x7f lone\x0dover`;
const RAW = 'start\x1b[8mhidden\x1b]0;pwned\x07 \x1b[2J\u009b 31m \x7f lone\rover\n';

const runbook = `version: 1
name: hostile-output
biz: 1
defaults:
  account: root
  timeout: 60
steps:
  - name: shout
    hosts: ["127.0.0.1"]
    script: |
      ${HOSTILE}
`;

describe('host output never drives the operator’s terminal', () => {
  it('stream and logs show control characters escaped, json keeps them escaped, logs --raw prints the bytes', async () => {
    const dir = await tempFiles({ 'rb.yaml': runbook, 'json/rb.yaml': runbook });
    const stream = await runCli(['apply', 'rb.yaml', '--local', '--yes', '--ui', 'stream'], { cwd: dir });
    expect(stream.stderr).toBe('');
    expect(stream.code).toBe(0);
    expect(stream.stdout).not.toMatch(RAW_CONTROL);
    expect(stream.stdout).toContain(`    ${SHOWN}\n`);

    const json = await runCli(['apply', 'rb.yaml', '--local', '--yes', '--ui', 'json'], {
      cwd: `${dir}/json`,
    });
    expect(json.code).toBe(0);
    expect(json.stdout).not.toMatch(RAW_CONTROL);
    const finished = json.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l))
      .find((e) => e.type === 'step.finished');
    expect(finished.hosts[0].log).toContain(RAW);

    const { runId } = await onlyRecord(dir);
    const logs = await runCli(['logs', runId], { cwd: dir });
    expect(logs.code).toBe(0);
    expect(logs.stdout).not.toMatch(RAW_CONTROL);
    expect(logs.stdout).toContain(`${SHOWN}\n`);
    const raw = await runCli(['logs', runId, '--raw'], { cwd: dir });
    expect(raw.code).toBe(0);
    expect(raw.stdout).toContain(RAW);
  });
});
