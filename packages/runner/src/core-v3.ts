/**
 * The one place the runner touches `@runbook/core`'s API gateway v3 transport (issue 14): the
 * `transport` client option, the client's `transport`, and `toV3FastExecuteBody`. Until core ships
 * them they are reached through loose types and looked up at run time, so that a v3 run is refused
 * clearly instead of going out over ESB v2. Once core has them, import them directly here.
 */

import type { ClientOptions, FastExecuteScriptRequest, JobClient } from '@runbook/core';
import * as core from '@runbook/core';
import { RunnerError } from './errors.js';
import { EXIT } from './exit.js';
import type { Transport } from './transport.js';

type V3Api = { toV3FastExecuteBody?: (request: FastExecuteScriptRequest) => Record<string, unknown> };

/** The error of a v3 request in a build whose core has no v3 transport. */
export function v3Unavailable(): RunnerError {
  return new RunnerError(
    'RUNNER_TRANSPORT',
    'this build of @runbook/core has no API gateway v3 transport; nothing was sent',
    EXIT.usage,
    { hint: 'use ESB v2 (--esb-url or BK_ESB_URL; --local without --transport v3)' },
  );
}

/** Client options for a transport: core's `transport` option (v2 is core's default). */
export function withTransport(options: ClientOptions, transport: Transport): ClientOptions {
  return transport === 'v2' ? options : ({ ...options, transport } as ClientOptions);
}

/** The transport a client speaks (`client.transport`; a core without it speaks only v2). */
export function clientTransport(client: JobClient): Transport {
  return (client as unknown as { transport?: unknown }).transport === 'v3' ? 'v3' : 'v2';
}

/** The body the v3 transport sends for a request (no credentials: they travel in a header). */
export function v3RequestBody(request: FastExecuteScriptRequest): Record<string, unknown> {
  const toBody = (core as unknown as V3Api).toV3FastExecuteBody;
  if (typeof toBody !== 'function') throw v3Unavailable();
  return toBody(request);
}
