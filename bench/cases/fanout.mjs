// 4. Fan-out: one step on 50,000 (JOB's cap), 10,000 and 100 simulated hosts, 30 s simulated, stream
// UI and TUI in a pseudo-terminal. The runner's peak RSS and CPU time (user + system) for the whole run, from GNU time.
// Repetitions of one configuration run at the same time: the figures are per-process CPU time and
// peak RSS, which do not depend on wall time; this keeps the full suite within a few minutes.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startEmu } from '../lib/emulator.mjs';
import { fanoutRunbook, writeFiles } from '../lib/gen.mjs';
import { NODE, OUT, RUNBOOK_BIN } from '../lib/paths.mjs';
import { measure } from '../lib/proc.mjs';
import { figure, info, missing } from '../lib/report.mjs';
import { median } from '../lib/stats.mjs';

export const title = 'fan-out';
/** Targets by host count: [stream RSS MB, stream CPU s, TUI RSS MB, TUI CPU s]. */
const TARGETS = {
  50000: { stream: [250, 5], tui: [300, 8] },
  10000: { stream: [200, 3], tui: [200, 3] },
  100: { stream: [200, 3], tui: [200, 3] },
};
const HOST_COUNTS = [50_000, 10_000, 100];

async function one(hosts, ui, { reps, durationMs, log }) {
  const dir = `${OUT}fanout/${hosts}-${ui}`;
  await rm(dir, { recursive: true, force: true });
  const [file] = await writeFiles(dir, [[`fanout-${hosts}.yaml`, fanoutRunbook(`fanout-${hosts}`, hosts)]]);
  const { emu, env, flags } = await startEmu({
    exec: 'simulate',
    simulate: { durationMs: [Math.min(1000, durationMs), durationMs], failRate: 0, logLines: 3 },
  });
  try {
    const runs = await Promise.all(
      Array.from({ length: reps }, async (_, i) => {
        // Each repetition has its own working folder, so its own state folder (.runbook/runs) and
        // locks: the same runbook applied at once from one state folder would be refused.
        const cwd = join(dir, `run-${i}`);
        await mkdir(cwd, { recursive: true });
        return measure(NODE, [RUNBOOK_BIN, 'apply', file, ...flags, '--yes', '--ui', ui], {
          cwd,
          env: { ...env, ...(ui === 'tui' ? { CI: '' } : { CI: '1' }) },
          pty: ui === 'tui',
          timeoutMs: durationMs + 120_000,
        }).then(async (r) => {
          await writeFile(join(cwd, 'output.txt'), r.stdout + r.stderr);
          return r;
        });
      }),
    );
    const bad = runs.find((r) => r.code !== 0);
    if (bad)
      return {
        error: `exit ${bad.code}: ${(bad.stderr || bad.stdout).trim().split('\n').slice(-3).join(' | ')}`,
      };
    const rss = runs.map((r) => (r.rssKb * 1024) / 1e6);
    const cpu = runs.map((r) => r.cpuMs / 1000);
    log(
      `  ${hosts} hosts, ${ui}: RSS ${rss.map((x) => x.toFixed(0)).join(' ')} MB, CPU ${cpu.map((x) => x.toFixed(2)).join(' ')} s, wall ${(median(runs.map((r) => r.wallMs)) / 1000).toFixed(1)} s`,
    );
    return { rss, cpu };
  } finally {
    await emu.close();
  }
}

export async function run({ reps, quick, log }) {
  const durationMs = quick ? 5_000 : 30_000;
  const figures = [];
  const infos = [];
  const results = {};
  const label = (hosts, ui) =>
    `fan-out ${hosts.toLocaleString('en-US')} hosts, ${ui === 'tui' ? 'TUI (pty)' : 'stream'}`;
  // --quick runs the stream and TUI configurations of one host count at the same time.
  const rounds = HOST_COUNTS.flatMap((hosts) =>
    quick ? [['stream', 'tui'].map((ui) => [hosts, ui])] : ['stream', 'tui'].map((ui) => [[hosts, ui]]),
  );
  for (const round of rounds) {
    const done = await Promise.all(
      round.map(([hosts, ui]) =>
        one(hosts, ui, { reps, durationMs, log }).catch((err) => ({ error: err.message })),
      ),
    );
    round.forEach(([hosts, ui], i) => {
      results[`${hosts}-${ui}`] = done[i];
    });
  }
  for (const hosts of HOST_COUNTS) {
    for (const ui of ['stream', 'tui']) {
      const r = results[`${hosts}-${ui}`];
      const name = label(hosts, ui);
      const [RSS_MB, CPU_S] = TARGETS[hosts][ui];
      if (r.error) {
        figures.push(missing(`${name}: runner peak RSS`, 'MB', RSS_MB, '<=', r.error));
        figures.push(missing(`${name}: runner CPU time`, 's', CPU_S, '<=', r.error));
        continue;
      }
      const note = `${durationMs / 1000} s simulated, ${reps} runs at once`;
      figures.push(figure(`${name}: runner peak RSS`, 'MB', r.rss, RSS_MB, '<=', note));
      figures.push(figure(`${name}: runner CPU time`, 's', r.cpu, CPU_S, '<=', note));
    }
  }
  // Growth: 100 → 10,000 → 50,000 hosts, as ratios of the medians' runs.
  const ratio = (a, b) => a.map((x, i) => x / b[i]);
  for (const ui of ['stream', 'tui']) {
    for (const [big, small] of [
      [10_000, 100],
      [50_000, 10_000],
      [50_000, 100],
    ]) {
      const b = results[`${big}-${ui}`];
      const s = results[`${small}-${ui}`];
      if (!b || !s || b.error || s.error) continue;
      const what = `${big.toLocaleString('en-US')} ÷ ${small.toLocaleString('en-US')} hosts`;
      infos.push(info(`fan-out ${ui}: RSS ${what}`, '×', ratio(b.rss, s.rss)));
      infos.push(info(`fan-out ${ui}: CPU ${what}`, '×', ratio(b.cpu, s.cpu)));
    }
  }
  return { figures, infos };
}
