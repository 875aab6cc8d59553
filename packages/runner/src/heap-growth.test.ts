import { describe, expect, it } from 'vitest';
import { boundHeapGrowth } from './heap-growth.js';

describe('boundHeapGrowth', () => {
  it("sets V8's heap growth for the run, unless the user gave node their own", () => {
    expect(boundHeapGrowth([])).toBe(true);
    expect(boundHeapGrowth(['--enable-source-maps', '--max-old-space-size=512'])).toBe(true);
    expect(boundHeapGrowth(['--heap-growing-percent=30'])).toBe(false);
    expect(boundHeapGrowth(['--heap_growing_percent=30'])).toBe(false);
    // A look-alike flag is not theirs.
    expect(boundHeapGrowth(['--heap-growing-percentage=30'])).toBe(true);
  });
});
