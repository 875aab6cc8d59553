#!/usr/bin/env node
// One fan-out run of the runner under `node --cpu-prof`, for diagnosis:
//   node bench/profile-fanout.mjs [--hosts 10000] [--ui stream|tui|json] [--seconds 10]
// Writes the profile to bench/out/prof/ and prints the runner's CPU time and peak RSS.
import { mkdir, rm } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { startEmu } from './lib/emulator.mjs';
import { fanoutRunbook, writeFiles } from './lib/gen.mjs';
import { NODE, OUT, RUNBOOK_BIN } from './lib/paths.mjs';
import { measure } from './lib/proc.mjs';

const { values } = parseArgs({
  options: {
    hosts: { type: 'string', default: '10000' },
    ui: { type: 'string', default: 'stream' },
    seconds: { type: 'string', default: '10' },
  },
});
const hosts = Number(values.hosts);
const durationMs = Number(values.seconds) * 1000;
const dir = `${OUT}profile`;
await rm(dir, { recursive: true, force: true });
await mkdir(`${OUT}prof`, { recursive: true });
const [file] = await writeFiles(dir, [[`fanout-${hosts}.yaml`, fanoutRunbook(`fanout-${hosts}`, hosts)]]);
const { emu, env, flags } = await startEmu({
  exec: 'simulate',
  simulate: { durationMs: [Math.min(1000, durationMs), durationMs], failRate: 0, logLines: 3 },
});
try {
  const r = await measure(
    NODE,
    [
      '--cpu-prof',
      '--cpu-prof-dir',
      `${OUT}prof`,
      RUNBOOK_BIN,
      'apply',
      file,
      ...flags,
      '--yes',
      '--ui',
      values.ui,
    ],
    { cwd: dir, env: { ...env, CI: values.ui === 'tui' ? '' : '1' }, pty: values.ui === 'tui' },
  );
  process.stdout.write(
    `exit ${r.code}; CPU ${(r.cpuMs / 1000).toFixed(2)} s (user ${(r.userMs / 1000).toFixed(2)}, sys ${(r.sysMs / 1000).toFixed(2)}); peak RSS ${((r.rssKb * 1024) / 1e6).toFixed(0)} MB; wall ${(r.wallMs / 1000).toFixed(1)} s; profile in ${OUT}prof\n`,
  );
} finally {
  await emu.close();
}
