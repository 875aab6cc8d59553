import { type Endpoint, type EndpointOptions, openEndpoint } from '../endpoint.js';
import type { CallbackHub, CallbackListenOptions } from '../engine/callbacks.js';
import { openCallbacks } from './apply-callbacks.js';

/** The endpoint of a run and, when JOB's callbacks are received, the hub that wakes the followers. */
export interface RunEndpoint {
  endpoint: Endpoint;
  /** Undefined without callbacks, or when the embedded emulator's allow-list refuses their URL. */
  hub?: CallbackHub;
  /** Closes the callback listener and the endpoint (the embedded emulator), in that order. */
  close(): Promise<void>;
}

/**
 * Opens the callback listener first (its URL goes into every submit), then the endpoint. A listener
 * the endpoint would not call (`job.callbackAllowList` of the embedded emulator) is closed again:
 * the jobs are then followed by polling. Nothing stays open when either fails.
 */
export async function openRunEndpoint(options: {
  listen?: CallbackListenOptions;
  token?: string;
  endpoint: EndpointOptions;
  /** A `--debug` line (already masked by the caller). */
  debug?: (line: string) => void;
}): Promise<RunEndpoint> {
  const { listen, token, debug } = options;
  const callbacks = listen && token ? await openCallbacks({ ...listen, token }) : undefined;
  const endpoint = await openEndpoint(options.endpoint).catch(async (err) => {
    await callbacks?.close();
    throw err;
  });
  const hub = callbacks && endpoint.acceptsCallback?.(callbacks.url) !== false ? callbacks : undefined;
  if (debug && callbacks)
    debug(
      hub
        ? `debug: JOB's callbacks are received on ${callbacks.listening}`
        : `debug: the emulator's job.callbackAllowList refuses ${callbacks.listening}: jobs are followed by polling`,
    );
  if (callbacks && !hub) await callbacks.close();
  return {
    endpoint,
    ...(hub ? { hub } : {}),
    async close() {
      await hub?.close();
      await endpoint.close();
    },
  };
}
