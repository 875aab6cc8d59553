import { describe, expect, it } from 'vitest';
import { pollDelays } from './poll.js';

describe('pollDelays', () => {
  it('starts quick and grows by half up to the cap', () => {
    const g = pollDelays(200, 1000);
    expect(Array.from({ length: 7 }, () => g.next().value)).toEqual([200, 300, 450, 675, 1000, 1000, 1000]);
  });

  it('never starts above the cap', () => {
    expect(pollDelays(9000, 500).next().value).toBe(500);
  });
});
