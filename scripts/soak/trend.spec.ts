import { Sample, linearFit, trendOf, windowFloors } from './trend';

const series = (values: readonly number[], everySeconds = 10): Sample[] =>
  values.map((value, i) => ({ t: i * everySeconds, value }));

describe('linearFit', () => {
  it('should find the line through points on a line', () => {
    const fit = linearFit(series([5, 7, 9, 11], 1));
    expect(fit.slope).toBeCloseTo(2);
    expect(fit.intercept).toBeCloseTo(5);
  });

  it('should give a flat line when every sample is at the same time', () => {
    expect(
      linearFit([
        { t: 3, value: 1 },
        { t: 3, value: 5 },
      ]),
    ).toEqual({ slope: 0, intercept: 3 });
  });

  it('should refuse no samples', () => {
    expect(() => linearFit([])).toThrow(/at least one/);
  });
});

describe('trendOf', () => {
  const mb = 1e6;
  const tolerance = { absolute: 10 * mb, relative: 0.05 };

  it('should call a noisy but level series flat', () => {
    const values = [200, 212, 198, 207, 201, 211, 199, 206, 203, 209, 200, 205].map((v) => v * mb);
    const trend = trendOf(series(values), 0, tolerance);
    expect(trend.verdict).toBe('flat');
    expect(Math.abs(trend.growth)).toBeLessThan(trend.allowed);
  });

  it('should call a steady climb growing, with its rate per minute', () => {
    // 1 MB per 10 s sample: 6 MB a minute, 110 MB over the window.
    const values = Array.from({ length: 12 }, (_, i) => (200 + i) * mb);
    const trend = trendOf(series(values), 0, tolerance);
    expect(trend.verdict).toBe('growing');
    expect(trend.perMinute).toBeCloseTo(6 * mb);
    expect(trend.growth).toBeCloseTo(11 * mb);
  });

  it('should leave out the warm-up, where caches fill and the heap finds its size', () => {
    const values = [100, 150, 190, 200, 201, 199, 200, 202, 200, 201].map((v) => v * mb);
    expect(trendOf(series(values), 0, tolerance).verdict).toBe('growing');
    const trend = trendOf(series(values), 30, tolerance);
    expect(trend.verdict).toBe('flat');
    expect(trend.fitted).toBe(7);
  });

  it('should keep the last three samples when the warm-up would leave fewer', () => {
    const trend = trendOf(series([1, 2, 3, 4]), 1_000, { absolute: 0.5, relative: 0 });
    expect(trend.fitted).toBe(3);
    expect(trend.verdict).toBe('growing');
  });

  it('should call a falling series shrinking', () => {
    expect(trendOf(series([50, 40, 30, 20, 10]), 0, { absolute: 5, relative: 0 }).verdict).toBe(
      'shrinking',
    );
  });

  it('should judge small integer counts (descriptors) by the absolute tolerance', () => {
    const fds = { absolute: 5, relative: 0 };
    expect(trendOf(series([30, 31, 30, 32, 30, 31, 30]), 0, fds).verdict).toBe('flat');
    expect(trendOf(series([30, 32, 34, 36, 38, 40, 42]), 0, fds).verdict).toBe('growing');
  });
});

describe('windowFloors', () => {
  it('should keep the lowest value of each window, at its middle', () => {
    const sawTooth = series([50, 60, 70, 52, 62, 72, 54, 64], 10);
    expect(windowFloors(sawTooth, 30)).toEqual([
      { t: 15, value: 50 },
      { t: 45, value: 52 },
      { t: 75, value: 54 },
    ]);
  });

  it('should tell a saw-tooth with a level floor from one whose floor climbs', () => {
    const level = series([40, 55, 70, 41, 56, 69, 40, 57, 71, 42, 55, 70], 10);
    const climbing = series([40, 55, 70, 46, 61, 76, 52, 67, 82, 58, 73, 88], 10);
    const tolerance = { absolute: 5, relative: 0 };
    expect(trendOf(windowFloors(level, 30), 0, tolerance).verdict).toBe('flat');
    expect(trendOf(windowFloors(climbing, 30), 0, tolerance).verdict).toBe('growing');
  });
});
