// Attempt deadlines without a timer per attempt (issue 20: no timer in the relay path). Deadlines of one
// duration expire in the order they were set, so each duration keeps a FIFO, and one timer is armed for the
// earliest deadline of all. A deadline lifted in time (nearly all: the answer came) is dropped from the front
// of its FIFO as soon as everything before it is gone, so the queues hold about the attempts in flight. The
// timer is re-armed only when a deadline earlier than the armed one is set (a shorter duration than any in
// the queues); when it fires with nothing due (the deadline it was armed for was lifted), it re-arms for the
// earliest live one, so an idle or steady relay costs one timer per deadline duration, not one per attempt.
// Time and the timer are passed in: the queue is tested without waiting.

export interface Deadline {
  /** Cancels it: the attempt answered (or ended) in time. Idempotent. */
  lift(): void;
}

interface Entry extends Deadline {
  readonly at: number;
  live: boolean;
  readonly expire: () => void;
}

/** The few things the queue needs of the runtime. */
export interface DeadlineClock {
  now(): number;
  setTimer(callback: () => void, ms: number): unknown;
  clearTimer(timer: unknown): void;
}

export const realClock: DeadlineClock = {
  now: () => performance.now(),
  setTimer: (callback, ms) => setTimeout(callback, ms).unref(),
  clearTimer: (timer) => clearTimeout(timer as NodeJS.Timeout),
};

/** A FIFO of one duration's deadlines; `head` moves on instead of shifting the array each time. */
class Fifo {
  entries: Entry[] = [];
  head = 0;

  /** Drops lifted deadlines from the front. */
  trim(): void {
    while (this.head < this.entries.length && !this.entries[this.head].live) this.head++;
    if (this.head === this.entries.length) {
      this.entries = [];
      this.head = 0;
    } else if (this.head > 64 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
  }

  first(): Entry | undefined {
    return this.entries[this.head];
  }
}

export class DeadlineQueue {
  private readonly fifos = new Map<number, Fifo>();
  private timer: unknown = null;
  private armedAt = Number.POSITIVE_INFINITY;

  constructor(private readonly clock: DeadlineClock = realClock) {}

  /** Calls `expire` once `ms` have passed, unless lifted before. */
  add(ms: number, expire: () => void): Deadline {
    let fifo = this.fifos.get(ms);
    if (!fifo) {
      fifo = new Fifo();
      this.fifos.set(ms, fifo);
    }
    const owner = fifo;
    const entry: Entry = {
      at: this.clock.now() + ms,
      live: true,
      expire,
      lift() {
        if (!entry.live) return;
        entry.live = false;
        if (owner.first() === entry) owner.trim();
      },
    };
    fifo.entries.push(entry);
    if (entry.at < this.armedAt) this.arm(entry.at);
    return entry;
  }

  /** Deadlines set and not yet lifted or expired (for tests and a gauge). */
  get pending(): number {
    let count = 0;
    for (const fifo of this.fifos.values()) {
      for (let i = fifo.head; i < fifo.entries.length; i++) if (fifo.entries[i].live) count++;
    }
    return count;
  }

  /** Entries held, lifted ones not yet dropped included: about `pending` when deadlines are lifted in order. */
  get held(): number {
    let count = 0;
    for (const fifo of this.fifos.values()) count += fifo.entries.length - fifo.head;
    return count;
  }

  private arm(at: number): void {
    if (this.timer !== null) this.clock.clearTimer(this.timer);
    this.armedAt = at;
    this.timer = this.clock.setTimer(() => this.fire(), Math.max(0, at - this.clock.now()));
  }

  private fire(): void {
    this.timer = null;
    this.armedAt = Number.POSITIVE_INFINITY;
    const now = this.clock.now();
    const due: Entry[] = [];
    let next = Number.POSITIVE_INFINITY;
    for (const [ms, fifo] of this.fifos) {
      for (let entry = fifo.first(); entry !== undefined; entry = fifo.first()) {
        if (entry.live && entry.at > now) break;
        if (entry.live) {
          entry.live = false;
          due.push(entry);
        }
        fifo.head++;
      }
      fifo.trim();
      const first = fifo.first();
      if (first === undefined) this.fifos.delete(ms);
      else next = Math.min(next, first.at);
    }
    if (next !== Number.POSITIVE_INFINITY) this.arm(next);
    for (const entry of due) entry.expire();
  }
}
