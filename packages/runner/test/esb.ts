import { type Emulator, type EmulatorConfig, startEmulator } from '@runbook/emulator';

/** An emulator on 127.0.0.1:0 that the spawned CLI reaches with BK_* variables, as it would reach ESB. */
export async function startEsb(
  config: EmulatorConfig = {},
): Promise<{ emu: Emulator; env: NodeJS.ProcessEnv }> {
  const appSecret = `app-secret-${process.pid}-canary`;
  const emu = await startEmulator({ config: { apps: { 'runbook-test': appSecret }, ...config } });
  return {
    emu,
    env: {
      BK_ESB_URL: emu.url,
      BK_APP_CODE: 'runbook-test',
      BK_APP_SECRET: appSecret,
      BK_USERNAME: 'tester',
    },
  };
}

/** Jobs the emulator holds for one step, found by the task name the runner gives it. */
export function jobsOf(emu: Emulator, runbook: string, step: string) {
  return emu.jobs().filter((j) => j.name.startsWith(`${runbook}/${step}`));
}
