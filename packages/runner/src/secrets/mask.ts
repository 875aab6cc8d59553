/** Replaces secret values by `***` wherever they appear. The one place masking is decided. */
export type Mask = (text: string) => string;

export const MASK = '***';

/** What a shell (JOB splits `script_param` like one) removes or acts on: blanks, quotes, backslashes, `$`, backticks. */
const SHELL_CHANGES = /[\s"'\\$`]+/;

/**
 * A secret and, when a shell would change it on its way into a script, its pieces between those
 * characters (4 characters or more): a script echoing its parameters prints the pieces, not the value.
 */
function variants(secret: string): string[] {
  if (!SHELL_CHANGES.test(secret)) return [secret];
  return [secret, ...secret.split(SHELL_CHANGES).filter((p) => p.length >= 4)];
}

/** A masker for these secret values; longer values first so a value inside another is fully hidden. */
export function createMask(secrets: Iterable<string>): Mask {
  const values = [...new Set([...secrets].filter((s) => s.length > 0).flatMap(variants))].sort(
    (a, b) => b.length - a.length,
  );
  if (values.length === 0) return NO_MASK;
  return (text) => {
    let out = text;
    for (const v of values) if (out.includes(v)) out = out.split(v).join(MASK);
    return out;
  };
}

/** The mask when there is nothing to hide: `maskDeep` returns its input as is. */
const NO_MASK: Mask = (text) => text;

/** A deep copy of plain data with every string masked (keys included); the input itself when no secret is known. */
export function maskDeep<T>(value: T, mask: Mask): T {
  if (mask === NO_MASK) return value;
  return maskCopy(value, mask);
}

function maskCopy<T>(value: T, mask: Mask): T {
  if (typeof value === 'string') return mask(value) as T;
  if (Array.isArray(value)) return value.map((v) => maskCopy(v, mask)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[mask(k)] = maskCopy(v, mask);
    return out as T;
  }
  return value;
}

/** Every secret value this process has seen, so the CLI's last-resort error message can mask them too. */
const seen = new Set<string>();

export function rememberSecrets(values: Iterable<string>): void {
  for (const v of values) if (v) seen.add(v);
}

export function maskSeen(): Mask {
  return createMask(seen);
}
