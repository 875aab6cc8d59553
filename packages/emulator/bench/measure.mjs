// Measures the emulator with a 10,000-host simulated job: time to accept it, status answer time
// while it runs and after it finished, log answer time, and the emulator's memory. The emulator
// runs as its own process (the built bin), so the client's work is not counted. After a build:
//   node packages/emulator/bench/measure.mjs [hosts]
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const N = Number(process.argv[2] ?? 10_000);
const auth = { bk_app_code: 'bench', bk_app_secret: 'bench', bk_username: 'bench' };
const ips = Array.from({ length: N }, (_, i) => ({
  bk_cloud_id: 0,
  ip: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
}));

const dir = mkdtempSync(join(tmpdir(), 'emu-bench-'));
const config = join(dir, 'emulator.yaml');
writeFileSync(config, 'exec: simulate\nsimulate: { durationMs: [500, 3000], failRate: 0.02 }\n');
const bin = fileURLToPath(new URL('../bin/runbook-emulator.js', import.meta.url));
const child = spawn(process.execPath, [bin, '--port', '0', '--config', config, '--seed', '7'], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const url = await new Promise((resolve, reject) => {
  let out = '';
  child.stdout.on('data', (b) => {
    out += b;
    const m = /listening on (http:\/\/\S+)/.exec(out);
    if (m) resolve(m[1]);
  });
  child.once('exit', () => reject(new Error(`emulator exited: ${out}`)));
});
const rss = () => {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))[1]) * 1024;
  } catch {
    return Number.NaN;
  }
};

const post = async (name, body) => {
  const t0 = performance.now();
  const res = await fetch(`${url}/api/c/compapi/v2/job/${name}/`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { ms: performance.now() - t0, bytes: text.length, json: JSON.parse(text) };
};
const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return `median ${q(0.5).toFixed(1)} ms, p95 ${q(0.95).toFixed(1)} ms, max ${s.at(-1).toFixed(1)} ms (n=${s.length})`;
};

const idle = rss();
const body = {
  ...auth,
  bk_biz_id: 1,
  script_content: Buffer.from('echo hi').toString('base64'),
  script_type: 1,
  script_timeout: 600,
  account: 'root',
  ip_list: ips,
};
// The first submission pays for the connection and JIT warm-up; the second is the steady state.
const cold = await post('fast_execute_script', body);
const submit = await post('fast_execute_script', body);
const ref = { ...auth, bk_biz_id: 1, job_instance_id: submit.json.data.job_instance_id };
const running = [];
const finished = [];
let bytes = 0;
for (let i = 0; i < 2000; i++) {
  const s = await post('get_job_instance_status', ref);
  bytes = s.bytes;
  (s.json.data.is_finished ? finished : running).push(s.ms);
  if (finished.length >= 50) break;
  if (!s.json.data.is_finished) await new Promise((r) => setTimeout(r, 20));
}
const log = await post('get_job_instance_log', ref);
const busy = rss();
const mb = (n) => `${(n / 1048576).toFixed(1)} MiB`;
console.log(`hosts: ${N}`);
console.log(
  `accept fast_execute_script (${mb(JSON.stringify(ips).length)} of ip_list): first ${cold.ms.toFixed(1)} ms, next ${submit.ms.toFixed(1)} ms`,
);
console.log(`status while running (${mb(bytes)} answer): ${stats(running)}`);
console.log(`status after finish: ${stats(finished)}`);
console.log(`log after finish (${mb(log.bytes)} answer): ${log.ms.toFixed(1)} ms`);
console.log(`emulator memory (RSS): idle ${mb(idle)}, with two finished ${N}-host jobs ${mb(busy)}`);
child.kill('SIGTERM');
await new Promise((r) => child.once('exit', r));
rmSync(dir, { recursive: true, force: true });
