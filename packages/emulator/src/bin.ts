import { parseArgs } from 'node:util';
import { loadEmulatorConfig } from './config.js';
import { startEmulator } from './server.js';
import type { EmulatorOptions } from './types.js';

const HELP = `Usage: runbook-emulator [options]

A local stand-in for BlueKing ESB + JOB (fast_execute_script, get_job_instance_status,
get_job_instance_log, operate_job_instance at /api/c/compapi/v2/job/<call>/) and for JOB's
API gateway v3 on the same port (/api/v3/<call>: fast_execute_script, get_job_instance_status,
batch_get_job_instance_ip_log, get_job_instance_ip_log, operate_job_instance; credentials in the
X-Bkapi-Authorization header only). It RUNS the scripts it is sent as local processes (or
simulates them with --exec simulate).

Options:
  --port N               port to listen on (default 8080; 0 picks a free one)
  --host H               interface to bind (default 127.0.0.1)
  --allow-non-loopback   required to bind anything but loopback (prints a warning)
  --config FILE          YAML configuration: JOB generation and switches, apps, users, businesses,
                         hosts (bk_host_id), custom queries, topology, stored scripts, exec
                         mode, simulate settings
                         (see the package README)
  --exec local|simulate  run scripts as processes (default) or simulate them
  --job-generation 2|3   answer like JOB 2.x (default) or JOB 3.x (wins over job.generation)
  --seed N               seed for simulated outcomes and faults (default 1)
  --parallelism N        hosts of one job running at once (default 16)
  -h, --help             show this help

Without --config every app code/secret, user, business >= 1, IPv4 host and account is accepted.
The configuration's job section picks JOB 2.x or 3.x and its switches (job.generation,
job.bizIdCompatible, job.callbackAllowList). Admin endpoints (loopback peers only): GET
/__emulator/jobs, /__emulator/calls, /__emulator/callbacks, /__emulator/faults (faults injected);
PUT /__emulator/faults with a JSON array of fault rules.
`;

function fail(message: string): never {
  process.stderr.write(`runbook-emulator: ${message}\n`);
  process.exit(2);
}

let values: Record<string, string | boolean | undefined>;
try {
  ({ values } = parseArgs({
    options: {
      port: { type: 'string', default: '8080' },
      host: { type: 'string', default: '127.0.0.1' },
      'allow-non-loopback': { type: 'boolean', default: false },
      config: { type: 'string' },
      exec: { type: 'string' },
      'job-generation': { type: 'string' },
      seed: { type: 'string' },
      parallelism: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  }));
} catch (err) {
  fail(`${(err as Error).message}\n\n${HELP}`);
}
if (values.help) {
  process.stdout.write(HELP);
  process.exit(0);
}
const int = (name: string, v: unknown): number | undefined => {
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !/^\d+$/.test(v)) fail(`--${name} needs a non-negative integer, got ${v}`);
  return Number(v);
};
const options: EmulatorOptions = {
  port: int('port', values.port),
  host: values.host as string,
  allowNonLoopback: values['allow-non-loopback'] === true,
};
if (values.exec !== undefined) {
  if (values.exec !== 'local' && values.exec !== 'simulate') fail('--exec must be local or simulate');
  options.exec = values.exec;
}
const gen = int('job-generation', values['job-generation']);
if (gen !== undefined && gen !== 2 && gen !== 3) fail('--job-generation must be 2 or 3');
options.jobGeneration = gen as 2 | 3 | undefined;
options.seed = int('seed', values.seed);
options.parallelism = int('parallelism', values.parallelism);

try {
  if (typeof values.config === 'string') options.config = await loadEmulatorConfig(values.config);
  const emu = await startEmulator(options);
  process.stdout.write(
    `runbook-emulator listening on ${emu.url} (${options.exec ?? options.config?.exec ?? 'local'})\n`,
  );
  const stop = () => void emu.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (err) {
  fail((err as Error).message);
}
