import { maskSmallCount, maskSmallCounts } from './small-counts.js';

describe('maskSmallCounts', () => {
  it('publishes every count at or above the threshold, and zeros', () => {
    expect(maskSmallCounts([0, 5, 12, 40], 5)).toEqual([0, 5, 12, 40]);
  });

  it('masks counts between 1 and threshold - 1', () => {
    expect(maskSmallCounts([1, 4, 3, 9, 20], 5)).toEqual([null, null, null, 9, 20]);
  });

  it('masks the smallest other non-zero count when only one is masked, so the total cannot give it away', () => {
    // Given a column whose total is published (the département table and the national total)
    const masked = maskSmallCounts([30, 2, 0, 8, 15], 5);
    // Then the 2 is masked, and so is the 8 (the smallest other non-zero count), never the zero
    expect(masked).toEqual([30, null, 0, null, 15]);
  });

  it('leaves a lone masked count alone when nothing else could hide it', () => {
    expect(maskSmallCounts([0, 3, 0], 5)).toEqual([0, null, 0]);
  });

  it('masks a small total, publishes a large one', () => {
    expect(maskSmallCount(4, 5)).toBeNull();
    expect(maskSmallCount(0, 5)).toBe(0);
    expect(maskSmallCount(5, 5)).toBe(5);
  });
});
