/**
 * `${{ env.NAME }}` reads the operator's environment, and what it reads is sent in clear: JOB shows it
 * on its execution page and keeps it in its history. So `env` may not read a credential: the variable
 * of a declared secret (use `${{ secrets.NAME }}` in params instead), or any `BK_*` variable but the
 * few that name rather than authenticate (the ESB and API gateway URLs, the app code, the user name). Every other
 * `BK_*` name is refused, known or not (BK_APP_SECRET, BK_TOKEN, and any a future version or a site
 * may add): the prefix is BlueKing's, and a credential that slips through cannot be taken back.
 * Names are compared without regard to case (Windows environments ignore it).
 */

/** `BK_*` variables that `env` may read: they identify, they do not authenticate. */
export const BK_ENV_READABLE = ['BK_ESB_URL', 'BK_APIGW_URL', 'BK_APP_CODE', 'BK_USERNAME'] as const;

/** The environment variable of each declared secret, by secret name. */
export function secretEnvNames(secrets: unknown): Map<string, string> {
  const out = new Map<string, string>();
  if (secrets === null || typeof secrets !== 'object' || Array.isArray(secrets)) return out;
  for (const [name, decl] of Object.entries(secrets)) {
    const env = typeof decl === 'string' ? decl : (decl as { env?: unknown } | null)?.env;
    if (typeof env === 'string') out.set(name, env);
  }
  return out;
}

/** Why `${{ env.NAME }}` may not be used, or undefined when it may. */
export function envRefusal(name: string, secretEnvs: ReadonlyMap<string, string>): string | undefined {
  const upper = name.toUpperCase();
  for (const [secret, env] of secretEnvs) {
    if (env.toUpperCase() === upper) {
      return `env.${name} is the variable of secret ${secret}; use \${{ secrets.${secret} }} in params instead (a value read through env is sent in clear, and JOB keeps it in its history)`;
    }
  }
  if (upper.startsWith('BK_') && !(BK_ENV_READABLE as readonly string[]).includes(upper)) {
    return `env.${name} may hold a BlueKing credential; of the BK_* variables a runbook may read only ${BK_ENV_READABLE.join(', ')} (JOB would keep the value in clear in its history)`;
  }
  return undefined;
}
