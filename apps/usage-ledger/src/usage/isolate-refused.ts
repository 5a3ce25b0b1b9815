// Finds the records the database refuses in a batch it refused, so the rest is written (issue 15, D1: one bad
// record used to hold every later one behind it). Pure of I/O: the write and the judgement of an error are
// passed in, so the search is unit-tested with a fake database.
//
// Halving rather than one record at a time: a batch of 200 with one bad record costs about 2·log2(200) ≈ 16
// writes instead of 200, and a batch without one costs the single write it always did.

export interface Refused<T> {
  item: T;
  /** The last refusal. */
  error: unknown;
  /** How many times the item alone was refused. */
  attempts: number;
}

/**
 * Writes `items`; when the write fails with an error `isRefusal` says is the data's fault, writes each half
 * again, down to single items, and returns those refused `maxAttempts` times on their own (each written part is
 * its own transaction, so what was written stays written). Any other error (the database is away) rejects at
 * once: the caller retries the whole batch later, which the writer's idempotency makes safe.
 */
export async function writeIsolatingRefused<T>(
  items: readonly T[],
  write: (items: readonly T[]) => Promise<void>,
  isRefusal: (err: unknown) => boolean,
  maxAttempts: number,
): Promise<Refused<T>[]> {
  if (items.length === 0) return [];
  const failure = await attempt(items, write, isRefusal);
  if (failure === null) return [];
  if (items.length > 1) {
    const middle = Math.ceil(items.length / 2);
    return [
      ...(await writeIsolatingRefused(items.slice(0, middle), write, isRefusal, maxAttempts)),
      ...(await writeIsolatingRefused(items.slice(middle), write, isRefusal, maxAttempts)),
    ];
  }
  let error = failure.error;
  for (let attempts = 1; ; attempts++) {
    if (attempts >= maxAttempts) return [{ item: items[0], error, attempts }];
    const again = await attempt(items, write, isRefusal);
    if (again === null) return [];
    error = again.error;
  }
}

/** Null when written; the refusal when the data was refused; rejects on any other error. */
async function attempt<T>(
  items: readonly T[],
  write: (items: readonly T[]) => Promise<void>,
  isRefusal: (err: unknown) => boolean,
): Promise<{ error: unknown } | null> {
  try {
    await write(items);
    return null;
  } catch (error) {
    if (!isRefusal(error)) throw error;
    return { error };
  }
}
