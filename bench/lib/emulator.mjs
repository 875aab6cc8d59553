// The emulator runs inside the harness process (its public `startEmulator`, from the built dist),
// so that the runner, a separate process, is measured alone.
import { randomBytes } from 'node:crypto';
import { ROOT } from './paths.mjs';

export const APP_CODE = 'runbook-bench';
export const USERNAME = 'bench';

/** Starts an emulator with `config` (exec and simulate settings, …) and credentials for the runner. */
export async function startEmu(config, options = {}) {
  const { startEmulator } = await import(`${ROOT}packages/emulator/dist/index.js`);
  const secret = randomBytes(16).toString('hex');
  const emu = await startEmulator({
    seed: 1,
    ...options,
    config: { ...config, apps: { [APP_CODE]: secret } },
  });
  return {
    emu,
    /** Environment and flags for `runbook apply` to talk to this emulator. */
    env: { BK_ESB_URL: emu.url, BK_APP_CODE: APP_CODE, BK_APP_SECRET: secret, BK_USERNAME: USERNAME },
    flags: ['--esb-url', emu.url],
  };
}
