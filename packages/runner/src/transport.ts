import { RunnerError } from './errors.js';
import { CliError, EXIT } from './exit.js';

/** How JOB is reached: ESB v2 (`/api/c/compapi/v2/job/…`) or the API gateway v3 (`<stage>/api/v3/…`). */
export type Transport = 'v2' | 'v3';
export const TRANSPORTS: readonly Transport[] = ['v2', 'v3'];

/** What a person reads: `ESB v2`, `API gateway v3`. */
export function transportName(transport: Transport): string {
  return transport === 'v3' ? 'API gateway v3' : 'ESB v2';
}

/** The option or variable that gives each transport's URL. */
const URL_SOURCES = {
  v2: { flag: '--esb-url', env: 'BK_ESB_URL' },
  v3: { flag: '--apigw-url', env: 'BK_APIGW_URL' },
} as const;

export interface TransportInput {
  local: boolean;
  /** `--transport`, as typed. */
  transport?: string | undefined;
  /** `--esb-url`. */
  esbUrl?: string | undefined;
  /** `--apigw-url`. */
  apigwUrl?: string | undefined;
  env: Record<string, string | undefined>;
  /** `runbook plan`: sends nothing, so `--transport` alone decides, whatever the environment says. */
  planOnly?: boolean;
}

export interface TransportChoice {
  transport: Transport;
  /** The URL to talk to; absent with `--local` (the emulator's own) or when none is configured. */
  url?: string;
  /** Where `url` came from: `--apigw-url`, `BK_ESB_URL`, ... */
  from?: string;
}

/** A variable as core reads it: either case, blank counts as unset. */
function envValue(env: Record<string, string | undefined>, name: string): string | undefined {
  const value = env[name] ?? env[name.toLowerCase()];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function parseTransport(text: string | undefined): Transport | undefined {
  if (text === undefined) return undefined;
  if ((TRANSPORTS as readonly string[]).includes(text)) return text as Transport;
  throw new CliError(`--transport ${text}: give v2 (ESB, the default) or v3 (the API gateway)`, EXIT.usage);
}

const both = (a: string, b: string) =>
  new RunnerError(
    'RUNNER_TRANSPORT',
    `${a} and ${b} are both given; give one of them: ESB v2 (${URL_SOURCES.v2.flag} / ${URL_SOURCES.v2.env}) or the API gateway v3 (${URL_SOURCES.v3.flag} / ${URL_SOURCES.v3.env})`,
    EXIT.usage,
  );

/**
 * Which transport a command uses, and its URL. `--esb-url` / `--apigw-url` win over `BK_ESB_URL` /
 * `BK_APIGW_URL`; two URLs at one level are refused (exit 2, naming both). `--local` runs the
 * embedded emulator over `--transport` (v2 by default). Against a real server the URL decides, and a
 * `--transport` that says otherwise is refused.
 */
export function chooseTransport(input: TransportInput): TransportChoice {
  const asked = parseTransport(input.transport);
  if (input.esbUrl && input.apigwUrl) throw both(URL_SOURCES.v2.flag, URL_SOURCES.v3.flag);
  if (input.local) return { transport: asked ?? 'v2' };
  if (input.planOnly && asked) return { transport: asked };
  let found: TransportChoice | undefined;
  if (input.esbUrl) found = { transport: 'v2', url: input.esbUrl, from: URL_SOURCES.v2.flag };
  else if (input.apigwUrl) found = { transport: 'v3', url: input.apigwUrl, from: URL_SOURCES.v3.flag };
  else {
    const esb = envValue(input.env, URL_SOURCES.v2.env);
    const apigw = envValue(input.env, URL_SOURCES.v3.env);
    if (esb && apigw) throw both(URL_SOURCES.v2.env, URL_SOURCES.v3.env);
    if (esb) found = { transport: 'v2', url: esb, from: URL_SOURCES.v2.env };
    else if (apigw) found = { transport: 'v3', url: apigw, from: URL_SOURCES.v3.env };
  }
  if (!found) return { transport: asked ?? 'v2' };
  if (asked && asked !== found.transport) {
    throw new RunnerError(
      'RUNNER_TRANSPORT',
      `--transport ${asked} does not fit ${found.from}, which is the URL of ${transportName(found.transport)}`,
      EXIT.usage,
      {
        hint: `for ${transportName(asked)} give ${URL_SOURCES[asked].flag} (or ${URL_SOURCES[asked].env}); --transport only chooses by itself with --local and for plan`,
      },
    );
  }
  return found;
}

/** The option that names a transport's URL, for hints and resume commands. */
export function urlFlag(transport: Transport): string {
  return URL_SOURCES[transport].flag;
}

/** The variable that names a transport's URL. */
export function urlEnv(transport: Transport): string {
  return URL_SOURCES[transport].env;
}
