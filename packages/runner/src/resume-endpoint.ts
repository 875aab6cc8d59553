import { RunnerError } from './errors.js';
import { EXIT } from './exit.js';
import type { RunRecord } from './record/types.js';
import { type TransportChoice, transportName, urlFlag } from './transport.js';

const bare = (url: string | undefined) => (url ?? '').trim().replace(/\/+$/, '');

const refuse = (message: string) => new RunnerError('RUNNER_RESUME_ENDPOINT', message, EXIT.usage);

/**
 * A run resumes where it ran: on the embedded emulator or on the same server, over the same
 * transport (a record without one ran over ESB v2). Anything else is refused (exit 2).
 */
export function checkResumeEndpoint(previous: RunRecord, local: boolean, choice: TransportChoice): void {
  const was = previous.endpoint;
  const transport = was.transport ?? 'v2';
  const over = transportName(transport);
  if (was.local !== local) {
    throw refuse(
      was.local
        ? `run ${previous.runId} ran on the embedded emulator; resume it with --local${transport === 'v3' ? ' --transport v3' : ''}`
        : `run ${previous.runId} talked to ${was.url} over ${over}; resume it against that server (${urlFlag(transport)}), without --local`,
    );
  }
  if (choice.transport !== transport) {
    throw refuse(
      `run ${previous.runId} ran over ${over}, not ${transportName(choice.transport)}; resume it on the same transport (${
        was.local
          ? `--local${transport === 'v3' ? ' --transport v3' : ''}`
          : `${urlFlag(transport)} ${was.url}`
      })`,
    );
  }
  if (!was.local && bare(was.url) !== bare(choice.url)) {
    throw refuse(
      `run ${previous.runId} talked to ${was.url}; resume it against the same server (${urlFlag(transport)})`,
    );
  }
}
