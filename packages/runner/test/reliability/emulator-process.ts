import { type ChildProcess, spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EmulatedJobView, FaultRule } from '@runbook/emulator';

export const EMULATOR_BIN = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  '..',
  'emulator',
  'bin',
  'runbook-emulator.js',
);

/** The standalone `runbook-emulator` as its own process, driven through its admin endpoints. */
export interface EmulatorProcess {
  url: string;
  child: ChildProcess;
  jobs(): Promise<EmulatedJobView[]>;
  calls(): Promise<Record<string, number>>;
  setFaults(rules: FaultRule[]): Promise<void>;
  /** Faults the emulator injected since it started, by kind (`GET /__emulator/faults`). */
  faultsInjected(): Promise<Record<string, number>>;
  /** v3 calls that carried a secret in their body or query string, per call (`GET /__emulator/credentials`). */
  credentials(): Promise<Record<string, number>>;
  stop(): Promise<void>;
}

/** Starts `runbook-emulator --port 0 --config FILE [args]` and waits (bounded) for its URL. */
export async function startEmulatorProcess(
  dir: string,
  configYaml: string,
  args: string[] = [],
): Promise<EmulatorProcess> {
  const config = join(dir, 'emulator.yaml');
  await writeFile(config, configYaml);
  const child = spawn(process.execPath, [EMULATOR_BIN, '--port', '0', '--config', config, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (b: Buffer) => {
    err += b.toString();
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`runbook-emulator did not start: ${err}`)), 15_000);
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`runbook-emulator exited ${code}: ${err}`));
    });
  });
  const admin = async (path: string, init?: RequestInit) => {
    const res = await fetch(`${url}/__emulator/${path}`, init);
    if (!res.ok) throw new Error(`admin ${path}: HTTP ${res.status} ${await res.text()}`);
    return res.json();
  };
  return {
    url,
    child,
    jobs: () => admin('jobs') as Promise<EmulatedJobView[]>,
    calls: () => admin('calls') as Promise<Record<string, number>>,
    async setFaults(rules) {
      await admin('faults', { method: 'PUT', body: JSON.stringify(rules) });
    },
    credentials: () => admin('credentials') as Promise<Record<string, number>>,
    faultsInjected: async () => ((await admin('faults')) as { injected: Record<string, number> }).injected,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}
