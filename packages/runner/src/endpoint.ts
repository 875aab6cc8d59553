import { existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { clientOptionsFromEnv, createClient, type JobClient, loadHttpClient } from '@runbook/core';
import { RunnerError } from './errors.js';
import { type Transport, type TransportChoice, transportName, urlEnv, urlFlag } from './transport.js';

export interface EndpointOptions {
  local: boolean;
  /** `--emulator-config FILE`; else `emulator.local.yaml` beside the runbook when there is one. */
  emulatorConfig?: string;
  /** The transport and its URL (`chooseTransport`: `--esb-url` / `--apigw-url` / the environment). */
  choice: TransportChoice;
  runbookPath: string;
  env: Record<string, string | undefined>;
  onDebug?: (line: string) => void;
}

export interface Endpoint {
  client: JobClient;
  info: EndpointInfo;
  /** Whether this endpoint takes the callback URL (the embedded emulator's allow-list); absent: yes. */
  acceptsCallback?(url: string): boolean;
  close(): Promise<void>;
}

/** Where a run talks to JOB: shown in the run's header and kept in its record. */
export interface EndpointInfo {
  url: string;
  local: boolean;
  transport: Transport;
  config?: string;
}

/** The client of a transport (core's default is ESB v2). */
function clientFor(options: Parameters<typeof createClient>[0], transport: Transport): JobClient {
  return createClient({ ...options, transport });
}

/** The environment without the URL variables: the chosen URL is given explicitly. */
function credentialsEnv(env: Record<string, string | undefined>): Record<string, string | undefined> {
  const out = { ...env };
  for (const name of ['BK_ESB_URL', 'BK_APIGW_URL']) {
    delete out[name];
    delete out[name.toLowerCase()];
  }
  return out;
}

/** The emulator configuration a `--local` run uses, if any. */
export function localConfigPath(
  options: Pick<EndpointOptions, 'emulatorConfig' | 'runbookPath'>,
): string | undefined {
  if (options.emulatorConfig) return options.emulatorConfig;
  const beside = join(dirname(options.runbookPath), 'emulator.local.yaml');
  return existsSync(beside) ? beside : undefined;
}

/** Loads the code `openEndpoint` will need (the emulator's, the HTTP client's) without starting anything. */
export async function loadEndpointCode(local: boolean): Promise<void> {
  if (local) await import('@runbook/emulator');
  loadHttpClient();
}

/**
 * A JOB client for ESB v2 or the API gateway v3 (URL chosen, credentials from the environment), or
 * for the embedded emulator (`--local`), which serves both on one port.
 */
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
  const { transport } = options.choice;
  if (!options.local) {
    const fromEnv = clientOptionsFromEnv(credentialsEnv(options.env));
    let client: JobClient;
    try {
      client = clientFor(
        { ...fromEnv, baseUrl: options.choice.url ?? '', ...(onDebug ? { onDebug } : {}) },
        transport,
      );
    } catch (err) {
      if (err instanceof RunnerError) throw err;
      throw new RunnerError('RUNNER_ENDPOINT', (err as Error).message, 3, {
        cause: err,
        hint: `set ${urlEnv(transport)} (or ${urlFlag(transport)}) for ${transportName(transport)}, BK_APP_CODE, BK_APP_SECRET and BK_USERNAME or BK_TOKEN; or try the runbook with --local`,
      });
    }
    return {
      client,
      info: { url: client.baseUrl, local: false, transport },
      close: () => client.close(),
    };
  }
  const { startEmulator, loadEmulatorConfig, callbackAllowed } = await import('@runbook/emulator');
  const configPath = localConfigPath(options);
  const config = configPath ? await loadEmulatorConfig(configPath) : {};
  const emulator = await startEmulator({ config });
  const [appCode, appSecret] = Object.entries(config.apps ?? {})[0] ?? ['runbook-local', 'local'];
  const [username, user] = Object.entries(config.users ?? {})[0] ?? ['runbook', undefined];
  let client: JobClient;
  try {
    client = clientFor(
      {
        baseUrl: emulator.url,
        appCode,
        appSecret,
        username,
        ...(user?.token ? { token: user.token } : {}),
        ...(onDebug ? { onDebug } : {}),
      },
      transport,
    );
  } catch (err) {
    await emulator.close();
    throw err;
  }
  return {
    client,
    info: {
      url: emulator.url,
      local: true,
      transport,
      ...(configPath ? { config: relative(process.cwd(), configPath) || configPath } : {}),
    },
    acceptsCallback: (url) => callbackAllowed(url, config.job?.callbackAllowList),
    async close() {
      await client.close();
      await emulator.close();
    },
  };
}
