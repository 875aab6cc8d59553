// 6. Side by side with the tool operators would otherwise pick: 10 steps × 10 hosts, each running
// `true`, with `runbook apply --local --yes --ui stream` and with `ansible-playbook` (10 shell tasks,
// 10 hosts, forks 10, local connection, no fact gathering), rounds interleaved. Bench only: ansible is
// never installed or needed in CI (`apt-get install -y ansible`; a missing one is a failed figure).
import { spawnSync } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { localRunbook, writeFiles } from '../lib/gen.mjs';
import { NODE, OUT, RUNBOOK_BIN } from '../lib/paths.mjs';
import { measure } from '../lib/proc.mjs';
import { figure, info, missing } from '../lib/report.mjs';

export const quiet = true;
export const title = 'side by side with ansible-playbook';
const STEPS = 10;
const HOSTS = 10;
const TARGET = 0.1;

function playbook() {
  const lines = ['- hosts: all', '  gather_facts: false', '  tasks:'];
  for (let s = 0; s < STEPS; s++) lines.push(`    - name: step-${s}`, '      ansible.builtin.shell: "true"');
  return `${lines.join('\n')}\n`;
}

function inventory() {
  const hosts = Array.from({ length: HOSTS }, (_, i) => `127.0.0.${i + 1}`);
  return `[all]\n${hosts.map((h) => `${h} ansible_connection=local ansible_python_interpreter=/usr/bin/python3`).join('\n')}\n`;
}

export async function run({ reps, log }) {
  const name = `runbook apply --local ÷ ansible-playbook (${STEPS} steps × ${HOSTS} hosts, forks ${HOSTS})`;
  if (spawnSync('ansible-playbook', ['--version'], { stdio: 'ignore' }).status !== 0)
    return {
      figures: [
        missing(name, '×', TARGET, '<=', 'ansible-playbook is not installed (apt-get install -y ansible)'),
      ],
      infos: [],
    };
  const dir = `${OUT}ansible`;
  await rm(dir, { recursive: true, force: true });
  const [file] = await writeFiles(dir, [['side.yaml', localRunbook('side', STEPS, HOSTS, 'true')]]);
  await writeFile(join(dir, 'playbook.yml'), playbook());
  await writeFile(join(dir, 'inventory.ini'), inventory());
  const env = {
    ANSIBLE_HOST_KEY_CHECKING: 'False',
    ANSIBLE_NOCOLOR: '1',
    ANSIBLE_RETRY_FILES_ENABLED: 'False',
  };
  const ratios = [];
  const ours = [];
  const theirs = [];
  for (let i = -1; i < reps; i++) {
    const a = await measure(
      'ansible-playbook',
      ['-i', 'inventory.ini', '-f', String(HOSTS), 'playbook.yml'],
      {
        cwd: dir,
        env,
        timeoutMs: 900_000,
      },
    );
    const r = await measure(NODE, [RUNBOOK_BIN, 'apply', file, '--local', '--yes', '--ui', 'stream'], {
      cwd: dir,
      env: { CI: '1' },
    });
    if (a.code !== 0 || r.code !== 0) {
      const bad = a.code !== 0 ? a : r;
      const why = (bad.stderr || bad.stdout).trim().split('\n').slice(-3).join(' | ');
      return {
        figures: [
          missing(
            name,
            '×',
            TARGET,
            '<=',
            `${a.code !== 0 ? 'ansible' : 'runbook'} exit ${bad.code}: ${why}`,
          ),
        ],
        infos: [],
      };
    }
    if (i < 0) continue; // warm-up round: the page cache, python's byte code
    ours.push(r.wallMs);
    theirs.push(a.wallMs);
    ratios.push(r.wallMs / a.wallMs);
    log(`  run ${i + 1}: runbook ${r.wallMs.toFixed(0)} ms, ansible-playbook ${a.wallMs.toFixed(0)} ms`);
  }
  return {
    figures: [figure(name, '×', ratios, TARGET, '<=', 'whole-process wall times, rounds interleaved')],
    infos: [
      info('side by side: runbook apply --local wall time', 'ms', ours),
      info('side by side: ansible-playbook wall time', 'ms', theirs),
    ],
  };
}
