import { DeadlineClock, DeadlineQueue } from './deadline-queue';

/** A clock whose time moves only when the test says, with the timers it was asked for. */
function fakeClock() {
  let now = 0;
  let nextId = 1;
  const timers = new Map<number, { at: number; callback: () => void }>();
  const clock: DeadlineClock = {
    now: () => now,
    setTimer: (callback, ms) => {
      const id = nextId++;
      timers.set(id, { at: now + ms, callback });
      return id;
    },
    clearTimer: (timer) => timers.delete(timer as number),
  };
  return {
    clock,
    timers,
    /** Moves time on, firing the timers that fall due in order. */
    advance(ms: number) {
      const until = now + ms;
      for (;;) {
        const due = [...timers.entries()]
          .filter(([, t]) => t.at <= until)
          .sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        timers.delete(due[0]);
        now = due[1].at;
        due[1].callback();
      }
      now = until;
    },
  };
}

describe('DeadlineQueue', () => {
  it('should expire a deadline that is not lifted, and only once its time has passed', () => {
    const time = fakeClock();
    const queue = new DeadlineQueue(time.clock);
    const expired: string[] = [];
    queue.add(100, () => expired.push('a'));
    time.advance(99);
    expect(expired).toEqual([]);
    time.advance(1);
    expect(expired).toEqual(['a']);
    expect(queue.pending).toBe(0);
  });

  it('should never expire a lifted deadline', () => {
    const time = fakeClock();
    const queue = new DeadlineQueue(time.clock);
    const expired: string[] = [];
    const a = queue.add(100, () => expired.push('a'));
    queue.add(100, () => expired.push('b'));
    a.lift();
    a.lift();
    time.advance(1000);
    expect(expired).toEqual(['b']);
  });

  it('should arm one timer for many deadlines of one duration, not one each', () => {
    const time = fakeClock();
    const queue = new DeadlineQueue(time.clock);
    let armed = 0;
    const setTimer = time.clock.setTimer;
    time.clock.setTimer = (callback, ms) => {
      armed++;
      return setTimer(callback, ms);
    };
    for (let i = 0; i < 1000; i++) {
      queue.add(60_000, () => undefined).lift();
      time.advance(1);
    }
    expect(armed).toBe(1);
    expect(queue.pending).toBe(0);
    // The timer fires for the first, lifted deadline, finds nothing due and arms nothing more.
    time.advance(60_000);
    expect(armed).toBe(1);
    expect(time.timers.size).toBe(0);
  });

  it('should expire deadlines of different durations each at its own time', () => {
    const time = fakeClock();
    const queue = new DeadlineQueue(time.clock);
    const expired: [string, number][] = [];
    const at = (name: string) => () => expired.push([name, time.clock.now()]);
    queue.add(300, at('long'));
    time.advance(10);
    queue.add(50, at('short'));
    const lifted = queue.add(100, at('lifted'));
    queue.add(100, at('middle'));
    lifted.lift();
    time.advance(1000);
    expect(expired).toEqual([
      ['short', 60],
      ['middle', 110],
      ['long', 300],
    ]);
  });

  it('should hold about the deadlines in flight when they are lifted in order', () => {
    const time = fakeClock();
    const queue = new DeadlineQueue(time.clock);
    const window: { lift(): void }[] = [];
    for (let i = 0; i < 10_000; i++) {
      window.push(queue.add(60_000, () => undefined));
      if (window.length > 16) window.shift()!.lift();
    }
    expect(queue.pending).toBe(16);
    expect(queue.held).toBe(16);
  });
});
