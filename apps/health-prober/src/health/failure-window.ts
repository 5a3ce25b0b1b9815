// The failure ratio over a sliding time window, kept as a few fixed-width buckets (e.g. 6 × 10 s for 60 s) so it
// costs a handful of numbers per channel whatever the request rate, and survives as JSON in the channel's row.
// Pure: every function takes the time and returns a new window.

export interface WindowBucket {
  /** Start of the bucket, epoch ms, a multiple of the bucket width. */
  start: number;
  requests: number;
  failures: number;
}

/** Oldest bucket first. */
export interface FailureWindow {
  buckets: WindowBucket[];
}

export interface WindowShape {
  windowMs: number;
  buckets: number;
}

export const EMPTY_WINDOW: FailureWindow = { buckets: [] };

function bucketWidth(shape: WindowShape): number {
  return Math.max(1, Math.floor(shape.windowMs / shape.buckets));
}

/** Drops the buckets that ended before `now - windowMs`. */
export function pruneWindow(window: FailureWindow, now: number, shape: WindowShape): FailureWindow {
  const oldest = now - shape.windowMs;
  const width = bucketWidth(shape);
  const kept = window.buckets.filter((bucket) => bucket.start + width > oldest);
  return kept.length === window.buckets.length ? window : { buckets: kept };
}

export function recordInWindow(
  window: FailureWindow,
  now: number,
  failed: boolean,
  shape: WindowShape,
): FailureWindow {
  const width = bucketWidth(shape);
  const start = Math.floor(now / width) * width;
  const buckets = pruneWindow(window, now, shape).buckets.slice();
  const last = buckets[buckets.length - 1];
  if (last && last.start === start) {
    buckets[buckets.length - 1] = {
      start,
      requests: last.requests + 1,
      failures: last.failures + (failed ? 1 : 0),
    };
  } else {
    buckets.push({ start, requests: 1, failures: failed ? 1 : 0 });
  }
  return { buckets };
}

export function windowTotals(
  window: FailureWindow,
  now: number,
  shape: WindowShape,
): { requests: number; failures: number } {
  let requests = 0;
  let failures = 0;
  for (const bucket of pruneWindow(window, now, shape).buckets) {
    requests += bucket.requests;
    failures += bucket.failures;
  }
  return { requests, failures };
}
