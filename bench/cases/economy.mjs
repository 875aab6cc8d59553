// 5. API economy: the calls a job costs (counted by the emulator), and how soon a finished job is
// noticed (from the runner's own NDJSON events: submission → first event saying it finished).
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { startEmu } from '../lib/emulator.mjs';
import { writeFiles } from '../lib/gen.mjs';
import { NODE, OUT, RUNBOOK_BIN } from '../lib/paths.mjs';
import { measure } from '../lib/proc.mjs';
import { figure, missing } from '../lib/report.mjs';

export const title = 'API economy';
const FINAL = new Set([3, 4, 5]);

const runbook = (name) =>
  ['version: 1', `name: ${name}`, 'biz: 1', 'defaults:', '  account: root', '  timeout: 1h', 'steps:']
    .concat(['  - name: wait', '    hosts: ["10.0.0.1"]', '    script: sleep 1', ''])
    .join('\n');

/** Listening for JOB's callback on loopback (the emulator calls it when the job ends). */
const CALLBACK = ['--callback-listen', '127.0.0.1:0'];

/**
 * Runs one single-host job of `durationMs` against its own emulator, with JOB's callback or by
 * polling alone; returns calls and notice delay.
 */
async function job(durationMs, i, dir, file, callback = false) {
  const { emu, env, flags } = await startEmu({ exec: 'simulate', simulate: { durationMs, failRate: 0 } });
  try {
    // Its own working folder, so its own state folder and locks (these jobs run at the same time).
    const cwd = join(dir, `run-${durationMs}-${callback ? 'cb-' : ''}${i}`);
    await mkdir(cwd, { recursive: true });
    const args = [
      RUNBOOK_BIN,
      'apply',
      file,
      ...flags,
      ...(callback ? CALLBACK : []),
      '--yes',
      '--ui',
      'json',
    ];
    const r = await measure(NODE, args, {
      cwd,
      env: { ...env, CI: '1' },
      timeoutMs: durationMs + 120_000,
      keepOutput: true,
    });
    if (r.code !== 0) {
      return { error: `exit ${r.code}: ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' | ')}` };
    }
    const events = r.stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l));
    const t = (e) => Date.parse(e.ts);
    const sent =
      events.find((e) => e.type === 'step.submitting') ?? events.find((e) => e.type === 'step.submitted');
    const seen = events.find(
      (e) => (e.type === 'step.progress' && FINAL.has(e.status)) || e.type === 'step.finished',
    );
    const calls = emu.calls();
    return {
      status: calls.get_job_instance_status ?? 0,
      log: calls.get_job_instance_log ?? 0,
      submit: calls.fast_execute_script ?? 0,
      noticeMs: sent && seen ? t(seen) - t(sent) - durationMs : Number.NaN,
    };
  } finally {
    await emu.close();
  }
}

export async function run({ reps, quick, log }) {
  const dir = `${OUT}economy`;
  await rm(dir, { recursive: true, force: true });
  const [file] = await writeFiles(dir, [['economy.yaml', runbook('economy')]]);
  const longMs = quick ? 45_000 : 60_000;
  const longS = longMs / 1000;
  // 20 calls per 60 s; a shorter job (--quick) saves the calls of the 5 s cap it no longer waits for.
  const statusTarget = 20 - Math.floor((60_000 - longMs) / 5000);
  const statusName = `API calls: get_job_instance_status per ${longS} s job`;
  const logName = `API calls: get_job_instance_log per ${longS} s job`;
  const noticeName = 'API economy: a 2 s job noticed finished after its end';
  // The long jobs run at the same time (they mostly wait); the 2 s jobs run one after another while
  // the long ones wait, after their start-up, so that no other start-up competes for the CPU.
  const longRuns = Promise.all(
    Array.from({ length: reps }, (_, i) =>
      job(longMs, i, dir, file).catch((err) => ({ error: err.message })),
    ),
  );
  // With JOB's callback: the same long job (its status calls counted), and a 40 s one, whose end
  // is noticed by the callback, not by the next 5 s poll.
  const cbMs = quick ? 20_000 : 40_000;
  const cbLongRuns = Promise.all(
    Array.from({ length: reps }, (_, i) =>
      job(longMs, i, dir, file, true).catch((err) => ({ error: err.message })),
    ),
  );
  const cbRuns = Promise.all(
    Array.from({ length: reps }, (_, i) =>
      job(cbMs, i, dir, file, true).catch((err) => ({ error: err.message })),
    ),
  );
  await new Promise((r) => setTimeout(r, 3000));
  const short = [];
  for (let i = 0; i < reps; i++)
    short.push(await job(2000, i, dir, file).catch((err) => ({ error: err.message })));
  const long = await longRuns;
  const figures = [];
  const longErr = long.find((x) => x.error)?.error;
  if (longErr) {
    figures.push(missing(statusName, 'calls', statusTarget, '<=', longErr));
    figures.push(missing(logName, 'calls', 1, '<=', longErr));
  } else {
    const note = quick
      ? `quick run: ${longS} s job; target 20 per 60 s less one per 5 s cap interval`
      : undefined;
    log(
      `  ${longS} s job: status calls ${long.map((x) => x.status).join(' ')}, log calls ${long.map((x) => x.log).join(' ')}`,
    );
    figures.push(
      figure(
        statusName,
        'calls',
        long.map((x) => x.status),
        statusTarget,
        '<=',
        note,
      ),
    );
    figures.push(
      figure(
        logName,
        'calls',
        long.map((x) => x.log),
        1,
        '<=',
      ),
    );
  }
  const shortErr = short.find((x) => x.error)?.error;
  if (shortErr) {
    figures.push(missing(noticeName, 'ms', 500, '<=', shortErr));
  } else {
    log(`  2 s job: noticed after ${short.map((x) => x.noticeMs).join(' ')} ms`);
    figures.push(
      figure(
        noticeName,
        'ms',
        short.map((x) => x.noticeMs),
        500,
        '<=',
        'from the runner’s NDJSON event times; submission counted as the job’s start',
      ),
    );
  }
  const cbName = `API economy: a ${cbMs / 1000} s job noticed finished after its end`;
  const cb = await cbRuns;
  const cbErr = cb.find((x) => x.error)?.error;
  if (cbErr) figures.push(missing(cbName, 'ms', 500, '<=', cbErr));
  else {
    log(`  ${cbMs / 1000} s job with the callback: noticed after ${cb.map((x) => x.noticeMs).join(' ')} ms`);
    figures.push(
      figure(
        cbName,
        'ms',
        cb.map((x) => x.noticeMs),
        500,
        '<=',
        "with JOB's callback (--callback-listen); from the runner's NDJSON event times, submission counted as the job's start",
      ),
    );
  }
  const cbStatusName = `API calls: get_job_instance_status per ${longS} s job, with JOB's callback`;
  const cbLong = await cbLongRuns;
  const cbLongErr = cbLong.find((x) => x.error)?.error;
  if (cbLongErr) figures.push(missing(cbStatusName, 'calls', statusTarget, '<=', cbLongErr));
  else {
    log(`  ${longS} s job with the callback: status calls ${cbLong.map((x) => x.status).join(' ')}`);
    figures.push(
      figure(
        cbStatusName,
        'calls',
        cbLong.map((x) => x.status),
        statusTarget,
        '<=',
        'the first call after 1 s, then every 5 s as the fallback, and one the callback asks for',
      ),
    );
  }
  return { figures, infos: [] };
}
