/** Keeps credentials and sensitive parameters out of everything the client shows or throws. */

export const MASK = '***';

/** Body fields that are always credentials. */
const CREDENTIAL_FIELDS = ['bk_app_secret', 'bk_token'] as const;

/** Values shorter than this are not searched for in free text (they would garble it). */
const MIN_MASKED_LENGTH = 4;

/**
 * A copy of a request body safe to show: credentials replaced by `***`, and `script_param` too
 * when `is_param_sensitive` is 1.
 */
export function redactBody(body: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...body };
  for (const key of CREDENTIAL_FIELDS) if (key in out) out[key] = MASK;
  if (Number(out.is_param_sensitive) === 1 && 'script_param' in out) out.script_param = MASK;
  return out;
}

/** The secret values of one request: credentials, and a sensitive parameter (base64 and decoded). */
export function secretsOf(body: Readonly<Record<string, unknown>>, credentials: readonly string[]): string[] {
  const values = [...credentials];
  if (Number(body.is_param_sensitive) === 1 && typeof body.script_param === 'string') {
    values.push(body.script_param, Buffer.from(body.script_param, 'base64').toString('utf8'));
  }
  return values;
}

/** Replaces every occurrence of each secret value in `text` by `***`. */
export function maskText(text: string, secrets: readonly string[]): string {
  let out = text;
  const sorted = secrets.filter((s) => s.length >= MIN_MASKED_LENGTH).sort((a, b) => b.length - a.length);
  for (const secret of sorted) out = out.split(secret).join(MASK);
  return out;
}

/** A copy of a JSON-like value with every secret masked in every string (keys included). */
export function maskDeep<T>(value: T, secrets: readonly string[]): T {
  if (value === undefined || value === null) return value;
  return JSON.parse(
    maskText(
      JSON.stringify(value),
      secrets.map((s) => JSON.stringify(s).slice(1, -1)),
    ),
  ) as T;
}
