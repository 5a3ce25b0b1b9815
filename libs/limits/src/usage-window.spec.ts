import { UsageWindow, decideLimits, secondsUntilBelow } from './usage-window';

/** A fixed clock: 2026-11-23T10:00:00.000Z plus `seconds` (fractions allowed). */
const T0 = Date.parse('2026-11-23T10:00:00.000Z');
const at = (seconds: number) => T0 + seconds * 1000;

function windowWith(entries: [seconds: number, requests: number, tokens: number][]): UsageWindow {
  const window = new UsageWindow();
  for (const [seconds, requests, tokens] of entries) window.add(at(seconds), requests, tokens);
  return window;
}

describe('UsageWindow', () => {
  it('should sum requests and tokens admitted within the last minute', () => {
    const window = windowWith([
      [0, 1, 100],
      [0.5, 1, 50],
      [30, 2, 10],
    ]);
    expect(window.buckets(at(59.9))).toEqual([
      [T0 / 1000, 2, 150],
      [T0 / 1000 + 30, 2, 10],
    ]);
  });

  it('should drop a bucket exactly 60 seconds after its second began', () => {
    const window = windowWith([
      [0.9, 1, 0],
      [1, 1, 0],
    ]);
    expect(window.buckets(at(59.999)).length).toBe(2);
    expect(window.buckets(at(60))).toEqual([[T0 / 1000 + 1, 1, 0]]);
    expect(window.isEmpty(at(61))).toBe(true);
  });

  it('should reuse a ring slot for the same second a minute later, forgetting the old counts', () => {
    const window = windowWith([
      [5, 3, 30],
      [65, 1, 10],
    ]);
    expect(window.buckets(at(65))).toEqual([[T0 / 1000 + 65, 1, 10]]);
  });

  it('should not let a late report for an older second wipe a newer bucket in the same slot', () => {
    const window = windowWith([[65, 1, 10]]);
    window.add(at(5), 7, 70);
    expect(window.buckets(at(65))).toEqual([[T0 / 1000 + 65, 1, 10]]);
  });

  it('should round-trip through the buckets another replica broadcasts', () => {
    const window = windowWith([
      [1, 1, 10],
      [2, 2, 20],
    ]);
    const copy = UsageWindow.fromBuckets(window.buckets(at(3)));
    expect(copy.buckets(at(3))).toEqual(window.buckets(at(3)));
  });
});

describe('decideLimits', () => {
  it.each<
    [string, { rpm: number | null; tpm: number | null }, [number, number, number][], number, string]
  >([
    ['no limits', { rpm: null, tpm: null }, [[0, 1000, 1e9]], 1, 'ok'],
    ['under rpm', { rpm: 3, tpm: null }, [[0, 2, 0]], 1, 'ok'],
    ['at rpm', { rpm: 3, tpm: null }, [[0, 3, 0]], 1, 'rpm'],
    [
      'at rpm, but the old requests have left the window',
      { rpm: 3, tpm: null },
      [[0, 3, 0]],
      60,
      'ok',
    ],
    ['under tpm', { rpm: null, tpm: 1000 }, [[0, 1, 999]], 1, 'ok'],
    ['at tpm', { rpm: null, tpm: 1000 }, [[0, 1, 1000]], 1, 'tpm'],
    ['over tpm (a big answer overshoots)', { rpm: 10, tpm: 1000 }, [[0, 1, 5000]], 1, 'tpm'],
  ])('%s', (_, limits, entries, nowSeconds, expected) => {
    const decision = decideLimits(limits, [windowWith(entries)], at(nowSeconds));
    expect(decision.ok ? 'ok' : decision.limit).toBe(expected);
  });

  it('should add up the windows of every replica', () => {
    const local = windowWith([[10, 2, 0]]);
    const remote = windowWith([[20, 1, 0]]);
    expect(decideLimits({ rpm: 4, tpm: null }, [local], at(30)).ok).toBe(true);
    const decision = decideLimits({ rpm: 3, tpm: null }, [local, remote], at(30));
    expect(decision).toEqual({ ok: false, limit: 'rpm', allowed: 3, used: 3, retryAfter: 40 });
  });

  it('should wait for as many old buckets as it takes to get under the limit', () => {
    // 2 at t=10, 2 at t=20, 2 at t=30; at t=35 six are in the window and one more needs used < rpm.
    // rpm 5: two must go (t=10 leaves at 70) → 35 s; rpm 3: four (t=20 leaves at 80) → 45 s; rpm 2: all six
    // (t=30 leaves at 90) → 55 s.
    const window = windowWith([
      [10, 2, 0],
      [20, 2, 0],
      [30, 2, 0],
    ]);
    expect(decideLimits({ rpm: 5, tpm: null }, [window], at(35))).toMatchObject({
      retryAfter: 35,
    });
    expect(decideLimits({ rpm: 3, tpm: null }, [window], at(35))).toMatchObject({
      retryAfter: 45,
    });
    expect(decideLimits({ rpm: 2, tpm: null }, [window], at(35))).toMatchObject({
      retryAfter: 55,
    });
  });

  it('should round Retry-After up to whole seconds and never answer 0', () => {
    const window = windowWith([[0.2, 1, 0]]);
    expect(decideLimits({ rpm: 1, tpm: null }, [window], at(59.5))).toMatchObject({
      retryAfter: 1,
    });
    expect(decideLimits({ rpm: 1, tpm: null }, [window], at(58.1))).toMatchObject({
      retryAfter: 2,
    });
  });

  it('should report the limit that frees later when both are exhausted', () => {
    const window = windowWith([
      [0, 5, 0],
      [30, 0, 2000],
    ]);
    expect(decideLimits({ rpm: 5, tpm: 1000 }, [window], at(40))).toEqual({
      ok: false,
      limit: 'tpm',
      allowed: 1000,
      used: 2000,
      retryAfter: 50,
    });
  });
});

describe('secondsUntilBelow', () => {
  it('should answer the whole window when even an empty window would not fit (limit 0)', () => {
    expect(secondsUntilBelow(new Array<number>(60).fill(0), 0, at(0))).toBe(60);
  });
});
