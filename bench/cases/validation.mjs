// 2. Validation throughput: 1,000 generated runbooks of 20 steps in one `runbook validate` call.
import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { writeRealistic } from '../lib/gen.mjs';
import { NODE, OUT, RUNBOOK_BIN } from '../lib/paths.mjs';
import { measure } from '../lib/proc.mjs';
import { figure, info, missing } from '../lib/report.mjs';

export const quiet = true;
export const title = 'validation throughput';
const RATIO = 1.5;
const FLOOR = new URL('../lib/yaml-floor.mjs', import.meta.url).pathname;
const FILES = 1000;
const STEPS = 20;

const sizeOf = async (dir, names) => {
  let n = 0;
  for (const f of names) n += (await stat(join(dir, f))).size;
  return n;
};

export async function run({ reps, log }) {
  const dir = `${OUT}validate`;
  await rm(dir, { recursive: true, force: true });
  const names = await writeRealistic(dir, FILES, STEPS);
  log(`  ${FILES} files, ${(await sizeOf(dir, names)) / 1e6} MB of YAML`);
  const name = `validate: ${FILES.toLocaleString('en-US')} runbooks × ${STEPS} steps, one call`;
  const ratioName = "validate: time ÷ the yaml parser's own time";
  const rates = [];
  const perCpu = [];
  const ratios = [];
  const floors = [];
  for (let i = 0; i < reps; i++) {
    const r = await measure(NODE, [RUNBOOK_BIN, 'validate', ...names], { cwd: dir });
    if (r.code !== 0) {
      const why = (r.stderr || r.stdout).trim().split('\n').slice(0, 4).join(' | ');
      return {
        figures: [missing(ratioName, '×', RATIO, '<=', `exit ${r.code}: ${why}`)],
        infos: [],
      };
    }
    // The floor, measured in the same round: yaml's parseDocument of the same files, warm, one thread.
    const y = await measure(NODE, [FLOOR, ...names], { cwd: dir, keepOutput: true });
    const floorMs = y.code === 0 ? JSON.parse(y.stdout.trim().split('\n').pop()).wallMs : Number.NaN;
    rates.push(FILES / (r.wallMs / 1000));
    perCpu.push(FILES / (r.cpuMs / 1000));
    floors.push(floorMs);
    ratios.push(r.wallMs / floorMs);
    log(
      `  run ${i + 1}: ${r.wallMs.toFixed(0)} ms, ${(r.cpuMs / 1000).toFixed(2)} s CPU, ${(r.rssKb / 1024).toFixed(0)} MB; yaml parseDocument ${floorMs.toFixed(0)} ms; ratio ${(r.wallMs / floorMs).toFixed(2)}`,
    );
  }
  return {
    figures: [
      figure(
        ratioName,
        '×',
        ratios,
        RATIO,
        '<=',
        `runbook validate of the ${FILES.toLocaleString('en-US')} files (whole process, start-up included) ÷ yaml parseDocument of the same files in one warm process, wall times of the same round`,
      ),
    ],
    infos: [
      info(name, 'files/s', rates, 'whole process wall time, start-up included'),
      info("validate: the yaml parser's own time (parseDocument, warm)", 'ms', floors),
      // Files per second of the process's own CPU time: what one idle core would give, less noisy.
      info('validate: files per CPU second', 'files/s', perCpu),
    ],
  };
}
