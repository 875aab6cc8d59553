import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, encodeBase64 } from '@runbook/core';
import { closest, parseRunbook } from '@runbook/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRecorder } from '../../src/record/recorder.js';
import { createMask } from '../../src/secrets/mask.js';
import { runCli, tempFiles } from '../helpers.js';
import { GOOD, goodAnswer, json, type MisbehavingEsb, startMisbehavingEsb } from './esb-server.js';

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

  it('regression: a secret with quotes or blanks, echoed by a script after JOB split it like a shell, is still masked', () => {
    const secret = 'CANARY-rb-<&>"q\'-3Kd pass word';
    // What `echo "$@"` prints after a shell-like split of `--key <secret>`: quotes gone, pieces regrouped.
    const echoed = 'my params: --key CANARY-rb-<&>q-3Kd pass word';
    const masked = createMask([secret])(echoed);
    expect(masked).not.toContain('CANARY-rb-<&>');
    expect(masked).not.toContain('-3Kd');
    expect(masked).toContain('my params: --key ***');
    // A plain secret masks only itself.
    expect(createMask(['plain-secret'])('a plain-secret b plain')).toBe('a *** b plain');
  });

  it('regression: 20,000 chained anchors are refused at once instead of taking seconds to compose', () => {
    const chain = Array.from({ length: 20_000 }, (_, k) => `c${k + 1}: &c${k + 1} [*c${k}]`).join('\n');
    const res = parseRunbook(`${base}c0: &c0 [1]\n${chain}\n`, { path: 'a.yaml' });
    expect(res.ok).toBe(false);
    if (!res.ok)
      expect(res.issues.map((i) => i.message)).toEqual([
        expect.stringMatching(/more than 1000 anchors and aliases/),
      ]);
    // Shell globs and && in a script are not anchors.
    const script = base.replace('script: echo', `script: |\n      ${'rm *.log && ls &&'.repeat(800)} true`);
    expect(parseRunbook(script, { path: 'b.yaml' }).ok).toBe(true);
  }, 5_000);

  // Bounded by the test's own timeout: before the fix this took minutes (an edit distance per candidate).
  it('regression: a 300 KB script_file name gets its "did you mean" check without comparing it to every file', () => {
    const names = Array.from({ length: 2_000 }, (_, k) => `script-${k}.sh`);
    expect(closest('x'.repeat(300_000), names)).toBeUndefined();
    expect(closest('script-7.hs', names)).toBe('script-7.sh');
  }, 5_000);

  it('regression: a collection used as a mapping key gives FILE:LINE:COL and no Node warning on stderr', async () => {
    const dir = await tempFiles({ 'k.yaml': `${base}? {account: root}\n: 1\n` });
    const out = await runCli(['validate', 'k.yaml'], { cwd: dir });
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/^k\.yaml:\d+:\d+: unknown key/m);
    expect(out.stderr).not.toMatch(/Warning|--trace-warnings/);
    await rm(dir, { recursive: true, force: true });
  });

  describe('against a misbehaving ESB', () => {
    let esb: MisbehavingEsb;
    beforeAll(async () => {
      esb = await startMisbehavingEsb();
    });
    afterAll(() => esb.close());
    const client = () =>
      createClient({ baseUrl: esb.url, appCode: 'a', appSecret: 'secret-x', username: 'u' });
    const submit = (c: ReturnType<typeof client>) =>
      c.fastExecuteScript({
        bk_biz_id: 1,
        task_name: 'reg/step',
        script_content: encodeBase64('echo'),
        script_type: 1,
        script_timeout: 60,
        account: 'root',
        ip_list: [{ bk_cloud_id: 0, ip: '10.0.0.1' }],
      });

    it('regression: a submit answered "result: false" with code 0 is reported as may have started, not refused', async () => {
      esb.setResponder((call) =>
        call === 'fast_execute_script' ? json({ ...GOOD.submit(), result: false }) : goodAnswer(call),
      );
      const c = client();
      await expect(submit(c)).rejects.toMatchObject({ code: 'CORE_MAY_HAVE_STARTED' });
      await c.close();
      expect(esb.counts.fast_execute_script).toBe(1);
    });

    for (const status of [201, 299, 302]) {
      it(`regression: a submit answered HTTP ${status} is reported as may have started, not refused`, async () => {
        esb.setResponder(() => ({
          status,
          headers: { location: '/x' },
          body: JSON.stringify(GOOD.submit()),
        }));
        const c = client();
        await expect(submit(c)).rejects.toMatchObject({ code: 'CORE_MAY_HAVE_STARTED' });
        await c.close();
        expect(esb.counts.fast_execute_script).toBe(1);
      });
    }

    for (const flag of [undefined, null, '']) {
      it(`regression: a status answer with is_finished ${JSON.stringify(flag) ?? 'missing'} but a final job status ends the follow`, async () => {
        esb.setResponder((call) => {
          if (call !== 'get_job_instance_status') return goodAnswer(call);
          const o = GOOD.status() as { data: Record<string, unknown> };
          if (flag === undefined) delete o.data.is_finished;
          else o.data.is_finished = flag;
          return json(o);
        });
        const c = client();
        const st = await c.getJobInstanceStatus({ bk_biz_id: 1, job_instance_id: 100 });
        await c.close();
        expect(st.is_finished).toBe(true);
        // …and a running job without the flag is still followed.
        esb.setResponder((call) => {
          const o = GOOD.status() as { data: { is_finished?: boolean; job_instance: { status: number } } };
          delete o.data.is_finished;
          o.data.job_instance.status = 2;
          return call === 'get_job_instance_status' ? json(o) : goodAnswer(call);
        });
        const c2 = client();
        expect((await c2.getJobInstanceStatus({ bk_biz_id: 1, job_instance_id: 100 })).is_finished).toBe(
          false,
        );
        await c2.close();
      });
    }

    it('regression: a log_content that is a number no longer crashes the run when its log is saved', async () => {
      esb.setResponder((call) => {
        if (call !== 'get_job_instance_log') return goodAnswer(call);
        const o = GOOD.log() as {
          data: Array<{ step_results: Array<{ ip_logs: Array<Record<string, unknown>> }> }>;
        };
        o.data[0]!.step_results[0]!.ip_logs[0]!.log_content = 7;
        return json(o);
      });
      const c = client();
      const logs = await c.getJobInstanceLog({ bk_biz_id: 1, job_instance_id: 100 });
      await c.close();
      const host = logs[0]!.step_results[0]!.ip_logs[0]!;
      expect(host.log_content).toBe('7');
      // The recorder writes it as any other log.
      const dir = await mkdtemp(join(tmpdir(), 'runbook-reg-'));
      const rec = createRecorder(dir, {
        version: 1,
        runId: 'r1',
        state: 'running',
        createdAt: '',
        updatedAt: '',
        runbook: { path: '/x.yaml', name: 'x', contentHash: '', files: {} },
        vars: {},
        endpoint: { url: esb.url, local: false },
        biz: 1,
        steps: [
          {
            name: 's',
            state: 'running',
            request: {
              taskName: 't',
              hosts: 1,
              customQueries: [],
              account: 'root',
              timeoutSec: 60,
              sensitive: false,
            },
            fingerprint: {},
          },
        ],
      });
      rec.onEvent({
        ts: new Date().toISOString(),
        type: 'step.finished',
        step: 's',
        status: 3,
        ok: true,
        counts: { total: 1, ok: 1, failed: 0, running: 0, waiting: 0, agentError: 0 } as never,
        hosts: [
          { ip: host.ip, cloud: host.bk_cloud_id, status: 9, exitCode: 0, tag: '', log: host.log_content },
        ],
        elapsedMs: 1,
      } as never);
      expect(rec.record.steps[0]!.state).toBe('succeeded');
      await rm(dir, { recursive: true, force: true });
    });
  });
});
