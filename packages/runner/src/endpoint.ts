import { existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { clientOptionsFromEnv, createClient, type JobClient } from '@runbook/core';
import { RunnerError } from './errors.js';

export interface EndpointOptions {
  local: boolean;
  /** `--emulator-config FILE`; else `emulator.local.yaml` beside the runbook when there is one. */
  emulatorConfig?: string;
  /** `--esb-url`, which wins over `BK_ESB_URL`. */
  esbUrl?: string;
  runbookPath: string;
  env: Record<string, string | undefined>;
  onDebug?: (line: string) => void;
}

export interface Endpoint {
  client: JobClient;
  info: { url: string; local: boolean; config?: string };
  close(): Promise<void>;
}

/** The emulator configuration a `--local` run uses, if any. */
export function localConfigPath(
  options: Pick<EndpointOptions, 'emulatorConfig' | 'runbookPath'>,
): string | undefined {
  if (options.emulatorConfig) return options.emulatorConfig;
  const beside = join(dirname(options.runbookPath), 'emulator.local.yaml');
  return existsSync(beside) ? beside : undefined;
}

/** A JOB client for ESB (from the environment) or for the embedded emulator (`--local`). */
export async function openEndpoint(options: EndpointOptions): Promise<Endpoint> {
  const onDebug = options.onDebug
    ? (e: {
        call: string;
        attempt: number;
        url: string;
        status?: number;
        durationMs: number;
        error?: string;
      }) =>
        options.onDebug!(
          `debug: ${e.call} attempt ${e.attempt} ${e.url} → ${e.status ?? e.error ?? '?'} in ${Math.round(e.durationMs)} ms`,
        )
    : undefined;
  if (!options.local) {
    const fromEnv = clientOptionsFromEnv(options.env);
    let client: JobClient;
    try {
      client = createClient({
        ...fromEnv,
        ...(options.esbUrl ? { baseUrl: options.esbUrl } : {}),
        ...(onDebug ? { onDebug } : {}),
      });
    } catch (err) {
      throw new RunnerError('RUNNER_ENDPOINT', (err as Error).message, 3, {
        cause: err,
        hint: 'set BK_ESB_URL (or --esb-url), BK_APP_CODE, BK_APP_SECRET and BK_USERNAME or BK_TOKEN; or try the runbook with --local',
      });
    }
    return { client, info: { url: client.baseUrl, local: false }, close: () => client.close() };
  }
  const { startEmulator, loadEmulatorConfig } = await import('@runbook/emulator');
  const configPath = localConfigPath(options);
  const config = configPath ? await loadEmulatorConfig(configPath) : {};
  const emulator = await startEmulator({ config });
  const [appCode, appSecret] = Object.entries(config.apps ?? {})[0] ?? ['runbook-local', 'local'];
  const [username, user] = Object.entries(config.users ?? {})[0] ?? ['runbook', undefined];
  const client = createClient({
    baseUrl: emulator.url,
    appCode,
    appSecret,
    username,
    ...(user?.token ? { token: user.token } : {}),
    ...(onDebug ? { onDebug } : {}),
  });
  return {
    client,
    info: {
      url: emulator.url,
      local: true,
      ...(configPath ? { config: relative(process.cwd(), configPath) || configPath } : {}),
    },
    async close() {
      await client.close();
      await emulator.close();
    },
  };
}
