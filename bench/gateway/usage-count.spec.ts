import { UsageWindowQuery, countUsageRecords } from './usage-count';

/** A fake of the admin API over record times: half-open windows, capped answers; it counts its calls. */
function fakeApi(times: number[]): { query: UsageWindowQuery; calls: () => number } {
  let calls = 0;
  return {
    query: async (since, until, limit) => {
      calls++;
      return Math.min(limit, times.filter((t) => t >= since && t < until).length);
    },
    calls: () => calls,
  };
}

describe('countUsageRecords', () => {
  it('should count exactly when the records are many times the page limit', async () => {
    // 2,500 records over 1,000 ms, several per millisecond, with the window's edges holding records too.
    const times = Array.from({ length: 2500 }, (_, i) => 1_000 + Math.floor(i / 2.5));
    const api = fakeApi(times);
    await expect(countUsageRecords(api.query, 1_000, 2_000, 100)).resolves.toBe(2500);
    expect(api.calls()).toBeGreaterThan(25);
  });

  it('should ask once when the window holds fewer than the limit', async () => {
    const api = fakeApi([5, 6, 7]);
    await expect(countUsageRecords(api.query, 0, 10, 100)).resolves.toBe(3);
    expect(api.calls()).toBe(1);
  });

  it('should leave out records at or after the window end', async () => {
    const api = fakeApi([0, 9, 10, 11]);
    await expect(countUsageRecords(api.query, 0, 10, 2)).resolves.toBe(2);
  });

  it('should give up rather than miscount when one millisecond holds a full page', async () => {
    const api = fakeApi([3, 3, 3]);
    await expect(countUsageRecords(api.query, 0, 10, 3)).rejects.toThrow(/one millisecond/);
  });
});
