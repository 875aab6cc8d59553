import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { createClient } from '@runbook/core';
import { loadRunbook } from '@runbook/schema';
import { execute } from '../engine/execute.js';
import { CliError, EXIT } from '../exit.js';
import { resolvePlan } from '../plan/resolve.js';
import { formatIssues } from '../render/issues.js';
import { createStreamRenderer } from '../render/stream.js';

export async function apply(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      local: { type: 'boolean', default: false },
      yes: { type: 'boolean', short: 'y', default: false },
    },
  });
  const file = positionals[0];
  if (!file) throw new CliError('apply needs a runbook file: runbook apply FILE', EXIT.usage);
  const loaded = await loadRunbook(file);
  if (!loaded.ok) {
    process.stderr.write(formatIssues(loaded.issues));
    return EXIT.usage;
  }
  const plan = resolvePlan(loaded.runbook);
  if (!values.local) throw new CliError('only --local is supported so far', EXIT.usage);
  const { startEmulator } = await import('@runbook/emulator');
  const appCode = 'runbook-local';
  const appSecret = randomBytes(16).toString('hex');
  const emulator = await startEmulator({ apps: { [appCode]: appSecret } });
  const client = createClient({ baseUrl: emulator.url, appCode, appSecret, username: 'runbook' });
  try {
    return await execute({
      client,
      plan,
      emit: createStreamRenderer((s) => process.stdout.write(s)),
      endpoint: emulator.url,
      local: true,
    });
  } finally {
    await client.close();
    await emulator.close();
  }
}
