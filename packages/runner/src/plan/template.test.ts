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
  it('renders plain text as itself: empty, one character, unicode, and look-alikes of ${{', () => {
    for (const text of [
      '',
      'x',
      '10.0.0.1',
      'ünïcødé 🙂',
      '$',
      '$$',
      '${',
      '${ {',
      '{{',
      '}}',
      '$ {{ vars.n }}',
    ]) {
      expect(renderTemplate(text, scope, true)).toEqual({
        ok: true,
        rendered: { value: text, display: text, secrets: [] },
      });
    }
  });

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

describe('renderTemplate with earlier steps', () => {
  const steps: Scope['steps'] = (ref) => {
    if (ref.step !== 'check') return undefined;
    if (ref.prop === 'status') return { ok: true, value: 'succeeded' };
    if (ref.prop === 'outputs' && ref.key === 'version') return { ok: true, value: '2.3' };
    if (ref.prop === 'outputs' && ref.key === 'leader')
      return { ok: false, why: 'the hosts of step check disagree: "a" on 0:10.0.0.1; "b" on 0:10.0.0.2' };
    return { ok: false, why: 'none of the 2 hosts of step check printed "::output x=..."' };
  };

  it('shows a value known after a step while the step has not run', () => {
    expect(renderTemplate('v=${{ steps.check.outputs.version }}', scope, false)).toEqual({
      ok: true,
      rendered: {
        value: 'v=<known after check>',
        display: 'v=<known after check>',
        secrets: [],
        late: ['check'],
      },
    });
  });

  it('replaces outputs once known, with a fallback, and fails naming hosts and values', () => {
    const withSteps = { ...scope, steps };
    expect(
      renderTemplate(
        "${{ steps.check.outputs.version }} ${{ steps.check.outputs.x || 'none' }}",
        withSteps,
        false,
      ),
    ).toMatchObject({
      ok: true,
      rendered: { value: '2.3 none' },
    });
    const r = renderTemplate('${{ steps.check.outputs.leader }}', withSteps, false);
    expect(r).toEqual({
      ok: false,
      messages: [
        'in ${{ steps.check.outputs.leader }}: steps.check.outputs.leader has no value: the hosts of step check disagree: "a" on 0:10.0.0.1; "b" on 0:10.0.0.2',
      ],
    });
  });

  it('never lets an expression read a secret or a credential', () => {
    const r = renderTemplate(
      "${{ secrets.token || 'x' }} ${{ env.BK_APP_SECRET || 'x' }}",
      { ...scope, steps },
      true,
    );
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.messages.join('\n')).not.toMatch(/tok-123|app-canary/);
  });
});
