import { type CallbackHub, type CallbackListenOptions, startCallbackHub } from '../engine/callbacks.js';
import { RunnerError } from '../errors.js';
import { CliError, EXIT } from '../exit.js';

/** `--callback-listen`, `--callback-url`, `--no-callback` as parsed. */
export interface CallbackFlags {
  'callback-listen'?: string;
  'callback-url'?: string;
  'no-callback'?: boolean;
}

/** JOB takes at most this many characters of callback URL (varchar(1024)); the token takes 33. */
const URL_CHARS = 1024 - 40;

/**
 * Where the run listens for JOB's callbacks, or undefined when it does not. `--local` listens on
 * loopback by default (the embedded emulator calls it); against a server, only when asked.
 */
export function callbackListen(flags: CallbackFlags, local: boolean): CallbackListenOptions | undefined {
  const listen = flags['callback-listen'];
  const url = flags['callback-url'];
  if (flags['no-callback']) {
    if (listen !== undefined || url !== undefined)
      throw new CliError(
        '--no-callback cannot be combined with --callback-listen or --callback-url',
        EXIT.usage,
      );
    return undefined;
  }
  if (url !== undefined && listen === undefined)
    throw new CliError(
      `--callback-url ${url}: give --callback-listen HOST:PORT too, the local address that URL reaches (they differ behind NAT or a proxy)`,
      EXIT.usage,
    );
  if (listen === undefined) return local ? { host: '127.0.0.1', port: 0 } : undefined;
  const { host, port } = hostPort(listen);
  if (url === undefined && (host === '0.0.0.0' || host === '::'))
    throw new CliError(
      `--callback-listen ${listen} listens on every address, so JOB's URL cannot be derived from it: give --callback-url URL, the address JOB reaches this machine at`,
      EXIT.usage,
    );
  return { host, port, ...(url !== undefined ? { publicUrl: checkUrl(url) } : {}) };
}

function hostPort(text: string): { host: string; port: number } {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]\s]+)):(\d{1,5})$/.exec(text.trim());
  const port = m ? Number(m[3]) : Number.NaN;
  if (!m || port > 65535)
    throw new CliError(
      `--callback-listen ${text}: give HOST:PORT, such as 0.0.0.0:8089, 10.0.0.5:8089, [::1]:8089 or 127.0.0.1:0 (any free port)`,
      EXIT.usage,
    );
  return { host: (m[1] ?? m[2])!, port };
}

function checkUrl(text: string): string {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw new CliError(`--callback-url ${text}: not a URL; give http(s)://HOST[:PORT][/PATH]`, EXIT.usage);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    throw new CliError(`--callback-url ${text}: JOB calls http or https URLs only`, EXIT.usage);
  if (u.username || u.password)
    throw new CliError(
      '--callback-url must not carry a user name or password: JOB would store and show them',
      EXIT.usage,
    );
  if (u.hash)
    throw new CliError(`--callback-url ${text}: a #fragment is never sent; leave it out`, EXIT.usage);
  if ([...u.toString()].length > URL_CHARS)
    throw new CliError(
      `--callback-url is ${[...u.toString()].length} characters; with the run's token JOB takes at most ${URL_CHARS}`,
      EXIT.usage,
    );
  return u.toString();
}

/** Starts the listener; an address that cannot be bound is a local problem (exit 5), nothing sent. */
export async function openCallbacks(options: CallbackListenOptions): Promise<CallbackHub> {
  try {
    return await startCallbackHub(options);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? '';
    throw new RunnerError(
      'RUNNER_CALLBACK_LISTEN',
      `cannot listen for JOB's callbacks on ${options.host}:${options.port} (${code || (err as Error).message}); nothing was sent`,
      EXIT.local,
      {
        cause: err,
        hint:
          code === 'EADDRINUSE'
            ? 'another process uses that port: choose another with --callback-listen, or port 0 for any free one'
            : 'choose an address of this machine with --callback-listen, or leave the flag out to follow jobs by polling',
      },
    );
  }
}
