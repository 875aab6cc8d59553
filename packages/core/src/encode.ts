/** Base64 of a string's UTF-8 bytes, as JOB expects for `script_content` and `script_param`. */
export function encodeBase64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

/** The inverse of {@link encodeBase64}. */
export function decodeBase64(b64: string): string {
  return Buffer.from(b64, 'base64').toString('utf8');
}

/**
 * Base64 of the whole parameter string. JOB wants `"a b"` encoded as one string, never each
 * argument encoded on its own and joined (the seed's note on `script_param`).
 */
export function encodeParams(params: string | readonly string[]): string {
  return encodeBase64(typeof params === 'string' ? params : params.join(' '));
}
