// Whether a resource grows during a soak run: a least-squares line through its samples after the warm-up, and
// the growth that line projects over the measured window compared with a tolerance. A leak shows as a steady
// slope; the saw-tooth of garbage collection and the first minutes' caches do not (the warm-up is left out, and
// the tolerance absorbs the noise of a flat series).

export interface Sample {
  /** Seconds since the start of the run. */
  t: number;
  value: number;
}

export interface LinearFit {
  /** Change of the value per second. */
  slope: number;
  intercept: number;
}

/** Ordinary least squares; a flat line through the mean when every sample is at the same time. */
export function linearFit(samples: readonly Sample[]): LinearFit {
  const n = samples.length;
  if (n === 0) throw new Error('linearFit needs at least one sample');
  const meanT = samples.reduce((sum, s) => sum + s.t, 0) / n;
  const meanV = samples.reduce((sum, s) => sum + s.value, 0) / n;
  let covariance = 0;
  let variance = 0;
  for (const s of samples) {
    covariance += (s.t - meanT) * (s.value - meanV);
    variance += (s.t - meanT) ** 2;
  }
  const slope = variance === 0 ? 0 : covariance / variance;
  return { slope, intercept: meanV - slope * meanT };
}

export interface Tolerance {
  /** Growth over the measured window that still counts as flat, in the value's own unit... */
  absolute: number;
  /** ...or as a fraction of the mean, whichever is larger. */
  relative: number;
}

export interface Trend {
  verdict: 'flat' | 'growing' | 'shrinking';
  /** Change per minute, from the fitted line. */
  perMinute: number;
  /** What the line projects over the measured window (from the first sample after the warm-up to the last). */
  growth: number;
  /** The growth allowed before the verdict is "growing". */
  allowed: number;
  /** Samples fitted (those after the warm-up). */
  fitted: number;
}

/**
 * The trend of a series: samples before `warmupSeconds` are left out (at least three are kept, the last ones),
 * then the fitted growth over the window is compared with the tolerance.
 */
export function trendOf(
  samples: readonly Sample[],
  warmupSeconds: number,
  tolerance: Tolerance,
): Trend {
  if (samples.length < 2) throw new Error('a trend needs at least two samples');
  let measured = samples.filter((s) => s.t >= warmupSeconds);
  if (measured.length < 3) measured = samples.slice(-Math.min(3, samples.length));
  const { slope } = linearFit(measured);
  const window = measured[measured.length - 1].t - measured[0].t;
  const growth = slope * window;
  const mean = measured.reduce((sum, s) => sum + s.value, 0) / measured.length;
  const allowed = Math.max(tolerance.absolute, tolerance.relative * Math.abs(mean));
  const verdict = growth > allowed ? 'growing' : growth < -allowed ? 'shrinking' : 'flat';
  return { verdict, perMinute: slope * 60, growth, allowed, fitted: measured.length };
}

/**
 * The lowest value of each `windowSeconds` window, at the window's middle: the floor a garbage-collected heap
 * returns to. A heap sampled at random moments of its saw-tooth is noise; a leak raises the floor.
 */
export function windowFloors(samples: readonly Sample[], windowSeconds: number): Sample[] {
  const floors = new Map<number, number>();
  for (const s of samples) {
    const window = Math.floor(s.t / windowSeconds);
    floors.set(window, Math.min(floors.get(window) ?? Infinity, s.value));
  }
  return [...floors]
    .sort(([a], [b]) => a - b)
    .map(([window, value]) => ({ t: (window + 0.5) * windowSeconds, value }));
}
