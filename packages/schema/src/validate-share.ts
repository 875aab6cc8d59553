import { loadRunbookSync } from './parse.js';
import type { Issue } from './types.js';

/** The files a thread found issues in: [index in the list of paths, issues]. */
export type Found = Array<[number, Issue[]]>;

/**
 * Runs `fn` with `process.env` replaced by a plain copy of it. The `yaml` library reads
 * `process.env.LOG_TOKENS` for every token it parses, and the real environment is slow to read
 * (a lookup goes through libc's environment or a locked map, ~0.5 µs each): about a sixth of the
 * parse. Nothing in `fn` may write the environment; `fn` is synchronous, so no other code sees it.
 */
function withPlainEnv<T>(fn: () => T): T {
  const real = process.env;
  process.env = { ...real };
  try {
    return fn();
  } finally {
    process.env = real;
  }
}

/**
 * Validates files, taking the next index from the shared counter `next` until none is left, on
 * this thread; returns the files with issues and how many files this thread validated.
 */
export function validateShare(
  paths: readonly string[],
  next: Int32Array,
): { found: Found; validated: number } {
  return withPlainEnv(() => {
    const found: Found = [];
    let validated = 0;
    for (let i = Atomics.add(next, 0, 1); i < paths.length; i = Atomics.add(next, 0, 1)) {
      const res = loadRunbookSync(paths[i]!);
      if (!res.ok) found.push([i, res.issues]);
      validated++;
    }
    return { found, validated };
  });
}
