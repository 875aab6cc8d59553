import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CALLBACK_TIMEOUT_MS, Callbacks } from './callbacks.js';
import type { CallContext } from './calls/context.js';
import { checkEmulatorConfig } from './config.js';
import { EmulatorOptionsError } from './errors.js';
import { LocalExecutor } from './exec/local.js';
import { SimulateExecutor } from './exec/simulate.js';
import { Faults } from './faults.js';
import { createRequestHandler } from './http/router.js';
import { Inventory } from './inventory/inventory.js';
import { HOST, JOB, type Job, JobStore, viewJob } from './state/jobs.js';
import type { Emulator, EmulatorConfig, EmulatorOptions } from './types.js';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

function isLoopbackHost(host: string): boolean {
  return LOOPBACK.has(host) || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** Terminating a job that was saved but never started: its hosts end 403 at once, the job 11. */
function stopUnstarted(job: Job, touch: (job: Job) => void): void {
  const now = Date.now();
  job.status = JOB.terminating;
  for (const h of job.hosts) {
    h.status = HOST.terminated;
    h.errorCode = 126;
    h.endMs = now;
  }
  touch(job);
}

/** Starts the ESB + JOB emulator. Resolves once it listens. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const host = options.host ?? '127.0.0.1';
  if (!isLoopbackHost(host)) {
    if (!options.allowNonLoopback)
      throw new EmulatorOptionsError(
        `refusing to bind ${host}: the emulator runs any script it is sent; pass allowNonLoopback (--allow-non-loopback) to bind a non-loopback address`,
      );
    process.stderr.write(
      `runbook-emulator: WARNING: listening on ${host}, not loopback: anyone who can reach it can run scripts on this machine\n`,
    );
  }
  const config: EmulatorConfig = checkEmulatorConfig({ ...(options.config ?? {}) }, 'options.config');
  if (options.apps) config.apps = { ...options.apps, ...(config.apps ?? {}) };
  const gen = options.jobGeneration ?? config.job?.generation ?? 2;
  const bizIdCompatible = config.job?.bizIdCompatible ?? true;
  if (gen === 2 && !bizIdCompatible)
    throw new EmulatorOptionsError(
      'job.bizIdCompatible: false is a JOB 3.x switch: set job.generation (or jobGeneration) to 3',
    );
  const seed = options.seed ?? 1;
  const mode = options.exec ?? config.exec ?? 'local';
  const timeoutScale = options.timeoutScale ?? 1;

  const faults = new Faults(seed, options.faults ?? []);
  const callbacks = new Callbacks(options.callbackTimeoutMs ?? CALLBACK_TIMEOUT_MS, faults);
  const store = new JobStore((job) => callbacks.send(job));
  const touch = (job: Job, now?: number) => store.touch(job, now);
  const executor =
    mode === 'simulate'
      ? new SimulateExecutor({ gen, seed, config: config.simulate ?? {}, timeoutScale, touch })
      : new LocalExecutor({
          gen,
          parallelism: Math.max(1, options.parallelism ?? 16),
          logLimitBytes: Math.max(1024, options.logLimitBytes ?? 1024 * 1024),
          timeoutScale,
          terminateGraceMs: options.terminateGraceMs ?? 1000,
          touch,
        });
  const ctx: CallContext = {
    gen,
    config,
    inventory: new Inventory(config),
    store,
    bizIdCompatible,
    callbackAllowList: config.job?.callbackAllowList,
    seed,
    start: (job) => executor.start(job),
    terminate: (job) => (job.started ? executor.terminate(job) : stopUnstarted(job, touch)),
  };
  const calls = new Map<string, number>();
  const credentialsInParams = new Map<string, number>();
  const api = {
    jobs: () => store.list().map((j) => viewJob(j, gen)),
    calls: () => Object.fromEntries(calls),
    credentialsInParams: () => Object.fromEntries(credentialsInParams),
    callbacks: () => callbacks.attempts.map((a) => ({ ...a })),
    setFaults: (rules: Parameters<Faults['set']>[0]) => faults.set(rules),
    faultsInjected: () => faults.counts(),
  };
  const closing = new AbortController();
  const handle = createRequestHandler({
    ctx,
    faults,
    calls,
    credentialsInParams,
    admin: api,
    missingCalls: new Set(options.missingCalls ?? []),
    signal: closing.signal,
  });
  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  const urlHost = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  let closed: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${addr.port}`,
    ...api,
    close() {
      closed ??= (async () => {
        closing.abort();
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await stopped;
        await executor.close();
        await callbacks.close();
      })();
      return closed;
    },
  };
}
