// The records ingress holds until JetStream acknowledges them: every record goes through here, so a NATS outage
// only lengthens the queue. Bounded, because memory is: past the bound a new record is refused (and counted by
// the caller) rather than growing until the process dies and loses them all. Records keep their id, so a
// publish retried after a lost acknowledgement is de-duplicated by JetStream and then by the ledger. Generic over
// what is held with a record (the publisher keeps each record's trace context beside it).
import { UsageRecord } from '@relaymesh/contracts';

export class UsageOutbox<T extends { readonly id: string } = UsageRecord> {
  /** Insertion-ordered: the oldest waiting records are published first. */
  private readonly waiting = new Map<string, T>();
  private readonly inFlight = new Map<string, T>();

  constructor(readonly capacity: number) {}

  /** Total held, waiting or being published. */
  get size(): number {
    return this.waiting.size + this.inFlight.size;
  }

  get waitingCount(): number {
    return this.waiting.size;
  }

  get inFlightCount(): number {
    return this.inFlight.size;
  }

  /** False when the outbox is full: the record is not kept. */
  add(record: T): boolean {
    if (this.size >= this.capacity) return false;
    this.waiting.set(record.id, record);
    return true;
  }

  /** Up to `max` waiting records, oldest first, now in flight. */
  take(max: number): T[] {
    const taken: T[] = [];
    for (const [id, record] of this.waiting) {
      if (taken.length >= max) break;
      this.waiting.delete(id);
      this.inFlight.set(id, record);
      taken.push(record);
    }
    return taken;
  }

  /** Stored by JetStream: forgotten. */
  stored(id: string): void {
    this.inFlight.delete(id);
  }

  /** Not stored: waits again, at the back (order does not matter: each record carries its own time). */
  failed(id: string): void {
    const record = this.inFlight.get(id);
    if (!record) return;
    this.inFlight.delete(id);
    this.waiting.set(id, record);
  }
}
