import { UsageRecord } from '@relaymesh/contracts';
import { UsageOutbox } from './usage-outbox';

function record(id: string): UsageRecord {
  return { id } as UsageRecord;
}

describe('UsageOutbox', () => {
  it('should hand out waiting records oldest first, at most as many as asked', () => {
    const outbox = new UsageOutbox(10);
    ['a', 'b', 'c'].forEach((id) => outbox.add(record(id)));

    expect(outbox.take(2).map((r) => r.id)).toEqual(['a', 'b']);
    expect(outbox.take(5).map((r) => r.id)).toEqual(['c']);
    expect(outbox.take(5)).toEqual([]);
    expect(outbox.size).toBe(3);
    expect(outbox.inFlightCount).toBe(3);
  });

  it('should forget a stored record and give a failed one out again', () => {
    const outbox = new UsageOutbox(10);
    ['a', 'b'].forEach((id) => outbox.add(record(id)));
    outbox.take(2);

    outbox.stored('a');
    outbox.failed('b');

    expect(outbox.size).toBe(1);
    expect(outbox.take(5).map((r) => r.id)).toEqual(['b']);
  });

  it('should refuse records past its capacity, counting those in flight', () => {
    const outbox = new UsageOutbox(2);
    expect(outbox.add(record('a'))).toBe(true);
    outbox.take(1);
    expect(outbox.add(record('b'))).toBe(true);

    expect(outbox.add(record('c'))).toBe(false);
    outbox.stored('a');
    expect(outbox.add(record('c'))).toBe(true);
    expect(outbox.take(5).map((r) => r.id)).toEqual(['b', 'c']);
  });

  it('should ignore an acknowledgement or failure of a record it does not hold', () => {
    const outbox = new UsageOutbox(2);
    outbox.add(record('a'));

    outbox.failed('zzz');
    outbox.stored('zzz');

    expect(outbox.size).toBe(1);
    expect(outbox.waitingCount).toBe(1);
  });
});
