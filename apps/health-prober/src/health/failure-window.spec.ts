import { EMPTY_WINDOW, FailureWindow, recordInWindow, windowTotals } from './failure-window';

const SHAPE = { windowMs: 60_000, buckets: 6 };

describe('failure window', () => {
  const record = (window: FailureWindow, at: number, failed: boolean) =>
    recordInWindow(window, at, failed, SHAPE);

  it('should count requests and failures per 10 s bucket', () => {
    let window = EMPTY_WINDOW;
    window = record(window, 1_000, true);
    window = record(window, 9_999, false);
    window = record(window, 10_000, true);
    expect(window.buckets).toEqual([
      { start: 0, requests: 2, failures: 1 },
      { start: 10_000, requests: 1, failures: 1 },
    ]);
    expect(windowTotals(window, 10_000, SHAPE)).toEqual({ requests: 3, failures: 2 });
  });

  it('should forget a bucket once all of it is older than the window', () => {
    let window = record(EMPTY_WINDOW, 5_000, true);
    window = record(window, 65_000, false);
    expect(windowTotals(window, 69_999, SHAPE)).toEqual({ requests: 2, failures: 1 });
    expect(windowTotals(window, 70_000, SHAPE)).toEqual({ requests: 1, failures: 0 });
    expect(record(window, 70_000, false).buckets).toEqual([
      { start: 60_000, requests: 1, failures: 0 },
      { start: 70_000, requests: 1, failures: 0 },
    ]);
  });

  it('should keep at most one bucket per width (plus the one leaving) whatever the volume', () => {
    let window = EMPTY_WINDOW;
    for (let at = 0; at < 600_000; at += 100) window = record(window, at, at % 300 === 0);
    expect(window.buckets).toHaveLength(7);
  });
});
