import { describe, expect, it } from 'vitest';
import { renderTemplate, type Scope } from './template.js';

const scope: Scope = {
  vars: { n: 3, who: 'ops' },
  secrets: { token: 'tok-123', unset: undefined },
  env: { HOME: '/home/x', TOKEN_ENV: 'tok-123', BK_APP_SECRET: 'app-canary', BK_USERNAME: 'alice' },
  secretEnvs: new Map([['token', 'TOKEN_ENV']]),
  runbook: { name: 'rb' },
  run: { id: 'r1' },
  git: { sha: 'abc1234+dirty' },
};

describe('renderTemplate', () => {
  it('replaces every namespace and keeps $${{ as a literal ${{', () => {
    const r = renderTemplate(
      '${{ vars.n }} ${{vars.who}} ${{ env.HOME }} ${{ runbook.name }} ${{ run.id }} ${{ git.sha }} $${{ vars.n }}',
      scope,
      false,
    );
    expect(r).toEqual({
      ok: true,
      rendered: {
        value: '3 ops /home/x rb r1 abc1234+dirty ${{ vars.n }}',
        display: '3 ops /home/x rb r1 abc1234+dirty ${{ vars.n }}',
        secrets: [],
      },
    });
  });

  it('shows a secret as *** and sends its value, only where secrets are allowed', () => {
    expect(renderTemplate('--t ${{ secrets.token }}', scope, true)).toEqual({
      ok: true,
      rendered: { value: '--t tok-123', display: '--t ***', secrets: ['token'] },
    });
    const misplaced = renderTemplate('${{ secrets.token }}', scope, false);
    expect(misplaced.ok).toBe(false);
  });

  it('reports undefined references, unset env and secrets, and malformed expressions', () => {
    const r = renderTemplate('${{ vars.x }} ${{ env.NOPE }} ${{ secrets.unset }} ${{ foo() }}', scope, true);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.messages[0]).toContain('vars.x');
      expect(r.messages[1]).toContain('environment variable NOPE is not set');
      expect(r.messages[2]).toBe('secret unset is not set in the environment');
      expect(r.messages).toHaveLength(4);
    }
  });

  it("never reads a secret's variable or a BK_* credential through env, even where secrets are allowed", () => {
    const r = renderTemplate(
      '${{ env.TOKEN_ENV }} ${{ env.BK_APP_SECRET }} ${{ env.BK_USERNAME }}',
      scope,
      true,
    );
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.messages).toHaveLength(2);
      expect(r.messages[0]).toContain('use ${{ secrets.token }} in params');
      expect(r.messages[1]).toContain('env.BK_APP_SECRET may hold a BlueKing credential');
      expect(r.messages.join('\n')).not.toMatch(/tok-123|app-canary/);
    }
  });
});
