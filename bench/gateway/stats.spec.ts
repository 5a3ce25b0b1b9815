import { percentile, summarize } from './stats';

describe('percentile', () => {
  const hundred = Array.from({ length: 100 }, (_, i) => i + 1);

  it.each([
    [50, 50],
    [99, 99],
    [100, 100],
    [0, 1],
    [1, 1],
    [90.5, 91],
  ])('should take the nearest rank: p%s of 1..100 is %s', (p, expected) => {
    expect(percentile(hundred, p)).toBe(expected);
  });

  it('should pick the higher sample when the rank falls between two', () => {
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
    expect(percentile([1, 2, 3, 4], 51)).toBe(3);
  });

  it('should be NaN for no samples and refuse a percentile outside 0..100', () => {
    expect(percentile([], 50)).toBeNaN();
    expect(() => percentile([1], 101)).toThrow(RangeError);
    expect(() => percentile([1], Number.NaN)).toThrow(RangeError);
  });
});

describe('summarize', () => {
  it('should sort the samples itself and give min, percentiles, max and mean', () => {
    const summary = summarize([4, 1, 3, 2, 50]);
    expect(summary).toEqual({ count: 5, min: 1, p50: 3, p90: 50, p99: 50, max: 50, mean: 12 });
  });

  it('should not reorder the caller array', () => {
    const samples = [3, 1, 2];
    summarize(samples);
    expect(samples).toEqual([3, 1, 2]);
  });

  it('should describe an empty run with NaNs and a zero count', () => {
    const summary = summarize([]);
    expect(summary.count).toBe(0);
    expect(summary.p50).toBeNaN();
    expect(summary.mean).toBeNaN();
  });
});
