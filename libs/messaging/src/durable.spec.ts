import { lingerForBatch } from './durable';

describe('lingerForBatch', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  /** A consumer's view for the helper: how many wait, and the next arrival to resolve by hand. */
  function consumer(initial: number) {
    const state = { waiting: initial, running: true, arrivals: [] as (() => void)[] };
    return {
      state,
      arrive(count: number) {
        state.waiting += count;
        state.arrivals.splice(0).forEach((resolve) => resolve());
      },
      linger(options: { batchSize: number; lingerMs?: number }) {
        let settled = false;
        const done = lingerForBatch(
          options,
          () => state.waiting,
          () => new Promise<void>((resolve) => state.arrivals.push(resolve)),
          () => state.running,
        ).then(() => (settled = true));
        return { done, settled: () => settled };
      },
    };
  }

  it('should hand over at once without a linger time or with a full batch', async () => {
    const c = consumer(1);
    await expect(c.linger({ batchSize: 5 }).done).resolves.toBe(true);
    await expect(c.linger({ batchSize: 5, lingerMs: 0 }).done).resolves.toBe(true);
    c.state.waiting = 5;
    await expect(c.linger({ batchSize: 5, lingerMs: 50 }).done).resolves.toBe(true);
  });

  it('should wait for arrivals until the batch is full, before the linger time is up', async () => {
    const c = consumer(1);
    const run = c.linger({ batchSize: 3, lingerMs: 1000 });
    await jest.advanceTimersByTimeAsync(10);
    c.arrive(1);
    await jest.advanceTimersByTimeAsync(10);
    expect(run.settled()).toBe(false);
    c.arrive(1);
    await jest.advanceTimersByTimeAsync(0);
    expect(run.settled()).toBe(true);
  });

  it('should hand over what there is once the linger time is up', async () => {
    const c = consumer(1);
    const run = c.linger({ batchSize: 3, lingerMs: 50 });
    await jest.advanceTimersByTimeAsync(49);
    expect(run.settled()).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    expect(run.settled()).toBe(true);
  });

  it('should stop lingering when the consumer stops (woken like an arrival)', async () => {
    const c = consumer(1);
    const run = c.linger({ batchSize: 3, lingerMs: 1000 });
    await jest.advanceTimersByTimeAsync(5);
    c.state.running = false;
    c.arrive(0);
    await jest.advanceTimersByTimeAsync(0);
    expect(run.settled()).toBe(true);
  });
});
