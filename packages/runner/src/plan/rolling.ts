/**
 * Batches of a rolling expression (JOB's): `N` hosts, `N%` of the step's hosts, `+N` one batch more
 * than the last, `*N` the last times N; the last part repeats until every host has a batch.
 * Placeholder until the schema's `rolling:` lands with its own parser (owner: rollplan).
 */
export function rollingBatches(expr: string, keys: string[], totalForPercent = keys.length): string[][] {
  const parts = expr.trim().split(/\s+/).filter(Boolean);
  if (parts.length === 0 || keys.length === 0) return [keys];
  const out: string[][] = [];
  let at = 0;
  let last = 0;
  for (let i = 0; at < keys.length; i++) {
    const part = parts[Math.min(i, parts.length - 1)]!;
    const n = Number(part.replace(/^[+*]|%$/g, ''));
    let size: number;
    if (part.startsWith('+')) size = last + n;
    else if (part.startsWith('*')) size = last * n;
    else if (part.endsWith('%')) size = Math.floor((totalForPercent * n) / 100);
    else size = n;
    size = Math.max(1, Math.floor(size));
    out.push(keys.slice(at, at + size));
    at += size;
    last = size;
  }
  return out;
}
