import { describe, expect, it } from 'vitest';
import { runCli, tempFiles } from './helpers.js';

// `${{ env.X }}` once carried credentials into scripts (JOB keeps them in clear) and `plan` printed
// them. Now validate, plan and apply refuse them before anything is resolved or sent.
const RUNBOOK = `version: 1
name: envcred
biz: 1
secrets:
  db: DB_PASSWORD
defaults:
  account: root
steps:
  - name: leak
    hosts: ["127.0.0.1"]
    script: |
      echo "\${{ env.BK_APP_SECRET }}" "\${{ env.DB_PASSWORD }}"
`;

describe('credentials through ${{ env.X }}', () => {
  it('are refused by validate, plan (text and --json) and apply, at the expression, never printed', async () => {
    const dir = await tempFiles({ 'rb.yaml': RUNBOOK });
    const env = { BK_APP_SECRET: 'app-canary-4711', DB_PASSWORD: 'db-canary-4711' };
    for (const args of [
      ['validate', 'rb.yaml'],
      ['plan', 'rb.yaml'],
      ['plan', 'rb.yaml', '--json'],
      ['apply', 'rb.yaml', '--local', '--yes'],
    ]) {
      const res = await runCli(args, { cwd: dir, env });
      expect([args.join(' '), res.code]).toEqual([args.join(' '), 2]);
      expect(res.stderr).toContain('rb.yaml:12:13: env.BK_APP_SECRET may hold a BlueKing credential');
      expect(res.stderr).toContain('rb.yaml:12:40: env.DB_PASSWORD is the variable of secret db');
      expect(`${res.stdout}${res.stderr}`).not.toMatch(/canary-4711/);
    }
  });
});
