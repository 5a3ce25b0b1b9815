import { writeIsolatingRefused } from './isolate-refused';

class Refusal extends Error {}
const isRefusal = (err: unknown) => err instanceof Refusal;

/** A fake database: refuses any write holding a bad item, or fails every write while `down`. */
function database(bad: ReadonlySet<number>, options: { down?: () => boolean } = {}) {
  const written: number[] = [];
  const writes: number[][] = [];
  const write = (items: readonly number[]) => {
    writes.push([...items]);
    if (options.down?.()) return Promise.reject(new Error('connection refused'));
    const refused = items.find((item) => bad.has(item));
    if (refused !== undefined) return Promise.reject(new Refusal(`refused ${refused}`));
    written.push(...items);
    return Promise.resolve();
  };
  return { write, written, writes };
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('writeIsolatingRefused', () => {
  it('should write a good batch in one write', async () => {
    const db = database(new Set());

    expect(await writeIsolatingRefused(range(200), db.write, isRefusal, 3)).toEqual([]);
    expect(db.writes).toHaveLength(1);
    expect(db.written).toEqual(range(200));
  });

  it('should write everything but the bad record, which is refused after the attempts, in few writes', async () => {
    const db = database(new Set([137]));

    const refused = await writeIsolatingRefused(range(200), db.write, isRefusal, 3);

    expect(refused).toEqual([{ item: 137, error: new Refusal('refused 137'), attempts: 3 }]);
    expect([...db.written].sort((a, b) => a - b)).toEqual(range(200).filter((i) => i !== 137));
    // One failed batch, a halving per level (two writes each), then two more attempts of the bad one alone.
    expect(db.writes.length).toBeLessThanOrEqual(1 + 2 * Math.ceil(Math.log2(200)) + 2);
  });

  it('should find several bad records and keep the order of the good ones', async () => {
    const db = database(new Set([0, 5, 9]));

    const refused = await writeIsolatingRefused(range(10), db.write, isRefusal, 2);

    expect(refused.map((r) => r.item)).toEqual([0, 5, 9]);
    expect(db.written).toEqual([1, 2, 3, 4, 6, 7, 8]);
  });

  it('should refuse a batch of one bad record after the attempts', async () => {
    const db = database(new Set([7]));

    const refused = await writeIsolatingRefused([7], db.write, isRefusal, 3);

    expect(refused).toMatchObject([{ item: 7, attempts: 3 }]);
    expect(db.writes).toEqual([[7], [7], [7]]);
  });

  it('should write a record whose refusal passed on a retry (not the data after all)', async () => {
    let refusals = 1;
    const written: number[] = [];
    const write = (items: readonly number[]) => {
      if (items.includes(3) && refusals-- > 0) return Promise.reject(new Refusal('once'));
      written.push(...items);
      return Promise.resolve();
    };

    expect(await writeIsolatingRefused([3], write, isRefusal, 3)).toEqual([]);
    expect(written).toEqual([3]);
  });

  it('should reject at once on an error that is not a refusal, even midway', async () => {
    let writes = 0;
    const db = database(new Set([5]), { down: () => ++writes > 2 });

    await expect(writeIsolatingRefused(range(10), db.write, isRefusal, 3)).rejects.toThrow(
      'connection refused',
    );
    expect(db.writes).toHaveLength(3);
  });

  it('should never refuse anything when every write fails for the database (an outage)', async () => {
    const db = database(new Set(), { down: () => true });

    await expect(writeIsolatingRefused(range(10), db.write, isRefusal, 3)).rejects.toThrow(
      'connection refused',
    );
    expect(db.writes).toHaveLength(1);
  });
});
