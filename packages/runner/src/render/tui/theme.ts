/** Colours of the UI; with NO_COLOR every colour is absent and meaning rests on glyphs and words. */
export interface Theme {
  ok?: string;
  fail?: string;
  warn?: string;
  accent?: string;
  /** Dim secondary text (off with NO_COLOR: dim is rendered as a colour by many terminals). */
  dim: boolean;
}

export function createTheme(noColor: boolean): Theme {
  if (noColor) return { dim: false };
  return { ok: 'green', fail: 'red', warn: 'yellow', accent: 'cyan', dim: true };
}

/** Spinner frames, advanced by the one-second tick: one quarter turn a second reads as "alive". */
export const SPINNER = ['◐', '◓', '◑', '◒'] as const;

export const GLYPH = {
  pending: '·',
  succeeded: '✔',
  failed: '✖',
  error: '!',
  skipped: '↷',
  'not-run': '–',
} as const;
