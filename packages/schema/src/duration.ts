const DURATION = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;

/**
 * Seconds from an integer (`90`) or a duration string (`"90"`, `"90s"`, `"20m"`, `"1h30m"`).
 * Returns `undefined` for anything else (negative, fractional, unknown unit, empty).
 */
export function parseDuration(value: number | string): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text);
  const m = DURATION.exec(text);
  if (!m || text === '') return undefined;
  const [, h, min, s] = m;
  const seconds = Number(h ?? 0) * 3600 + Number(min ?? 0) * 60 + Number(s ?? 0);
  return Number.isSafeInteger(seconds) ? seconds : undefined;
}

/** The allowed range of a step timeout, in seconds. */
export const TIMEOUT_MIN = 60;
export const TIMEOUT_MAX = 86400;
