import {
  EventContract,
  EventPayload,
  KeyRecord,
  LimitsAdmit,
  LimitsCharge,
  LimitsUsage,
  RequestContract,
} from '@relaymesh/contracts';
import { UsageWindow, decideLimits } from '@relaymesh/limits';
import { MessageBus } from '@relaymesh/messaging';
import { keyRecord } from '../__fixtures__/key-record';
import { loadIngressEnv } from '../config/ingress.env';
import { GatewayError } from '../http/gateway-error';
import { RequestObservers, RequestTrace, startTrace } from '../http/request-trace';
import { RateLimiter } from './rate-limiter.service';

const T0 = Date.parse('2026-11-23T10:00:00.000Z');
/** Every limit on the broadcast (the shared counter of small limits is tested below). */
const env = loadIngressEnv({
  RELAYMESH_SECRET_KEY: 'x'.repeat(32),
  RELAYMESH_ADMIN_TOKEN: 'admin-token-long-enough',
  RELAYMESH_LIMITS_SHARED_RPM_MAX: '0',
  RELAYMESH_LIMITS_SHARED_TPM_MAX: '0',
});
const sharedEnv = loadIngressEnv({
  RELAYMESH_SECRET_KEY: 'x'.repeat(32),
  RELAYMESH_ADMIN_TOKEN: 'admin-token-long-enough',
});

const key = keyRecord;

/** Replicas wired by a fake broadcast: every emitted message reaches every limiter, the sender included. */
class FakeBroadcast {
  readonly limiters: RateLimiter[] = [];
  readonly sent: EventPayload<typeof LimitsUsage>[] = [];
  bus(): MessageBus {
    return {
      emit: (event: EventContract, payload: unknown) => {
        expect(event).toBe(LimitsUsage);
        const message = LimitsUsage.schema.parse(payload);
        this.sent.push(message);
        for (const limiter of this.limiters) limiter.receive(message);
      },
      request: () => Promise.reject(new Error('no requests expected')),
      isConnected: () => true,
    } as MessageBus;
  }
  replica(): RateLimiter {
    const limiter = new RateLimiter(this.bus(), env, new RequestObservers());
    this.limiters.push(limiter);
    return limiter;
  }
}

function traceFor(record: KeyRecord, format: RequestTrace['format'] = 'openai'): RequestTrace {
  const trace = startTrace('req-1', 'chat_completions', format, {});
  trace.key = record;
  return trace;
}

/** On the broadcast path admission is decided in memory, synchronously: there is no promise to await. */
function admitNow(limiter: RateLimiter, trace: RequestTrace, now: number): void {
  expect(limiter.admit(trace, now)).toBeUndefined();
}

function refusal(run: () => void): GatewayError {
  try {
    run();
  } catch (err) {
    if (err instanceof GatewayError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('RateLimiter (large limits, by broadcast)', () => {
  it('should admit up to rpm requests a minute, then refuse with 429 and Retry-After', () => {
    const limiter = new FakeBroadcast().replica();
    const record = key({ rpm: 2 });
    admitNow(limiter, traceFor(record), T0);
    admitNow(limiter, traceFor(record), T0 + 10_000);
    const err = refusal(() => admitNow(limiter, traceFor(record), T0 + 20_000));
    expect(err.status).toBe(429);
    expect(err.message).toContain('2 of 2 requests per minute (rpm)');
    expect(err.details).toMatchObject({
      type: 'requests',
      code: 'rate_limit_exceeded',
      retryAfter: 40,
    });
    admitNow(limiter, traceFor(record), T0 + 60_000);
  });

  it('should not count or limit keys without limits', () => {
    const broadcast = new FakeBroadcast();
    const limiter = broadcast.replica();
    for (let i = 0; i < 100; i++) admitNow(limiter, traceFor(key()), T0);
    limiter.broadcast(T0);
    expect(broadcast.sent).toEqual([]);
  });

  it('should charge the tokens a finished request used to tpm', () => {
    const limiter = new FakeBroadcast().replica();
    const record = key({ tpm: 100 });
    const done = traceFor(record);
    admitNow(limiter, done, T0);
    done.usage = { inputTokens: 60, outputTokens: 40, cacheReadTokens: 0, cacheWriteTokens: 0 };
    limiter.charge(done, T0 + 1_000);
    const err = refusal(() => admitNow(limiter, traceFor(record, 'anthropic'), T0 + 2_000));
    expect(err.details).toMatchObject({ type: 'tokens', retryAfter: 59 });
    expect(err.message).toContain('100 of 100 tokens per minute (tpm)');
  });

  it('should hold one limit across replicas once they have heard each other', () => {
    const broadcast = new FakeBroadcast();
    const [a, b] = [broadcast.replica(), broadcast.replica()];
    const record = key({ rpm: 3 });
    admitNow(a, traceFor(record), T0);
    admitNow(a, traceFor(record), T0);
    admitNow(b, traceFor(record), T0);
    a.broadcast(T0 + 200);
    b.broadcast(T0 + 200);
    expect(() => admitNow(a, traceFor(record), T0 + 300)).toThrow(GatewayError);
    expect(() => admitNow(b, traceFor(record), T0 + 300)).toThrow(GatewayError);
  });

  it('should let each replica admit on its own counts until it hears the others (the overshoot), then refuse', () => {
    const broadcast = new FakeBroadcast();
    const [a, b] = [broadcast.replica(), broadcast.replica()];
    const record = key({ rpm: 2 });
    // Neither has heard the other yet: each admits up to the limit on its own counts.
    for (const limiter of [a, b]) {
      admitNow(limiter, traceFor(record), T0);
      admitNow(limiter, traceFor(record), T0);
    }
    a.broadcast(T0 + 200);
    b.broadcast(T0 + 200);
    expect(() => admitNow(a, traceFor(record), T0 + 300)).toThrow(GatewayError);
  });

  it('should ignore its own broadcast and send a changed key only once between full refreshes', () => {
    const broadcast = new FakeBroadcast();
    const a = broadcast.replica();
    const record = key({ rpm: 2 });
    admitNow(a, traceFor(record), T0);
    a.broadcast(T0 + 100);
    a.broadcast(T0 + 200);
    expect(broadcast.sent).toHaveLength(1);
    expect(broadcast.sent[0].keys).toEqual([{ key_id: 'k1', buckets: [[T0 / 1000, 1, 0]] }]);
    // Its own message came back and did not double its count: one more request still fits, then no more.
    admitNow(a, traceFor(record), T0 + 300);
    expect(() => admitNow(a, traceFor(record), T0 + 400)).toThrow(GatewayError);
  });

  it('should resend every live window periodically, so a lost message is healed', () => {
    const broadcast = new FakeBroadcast();
    const a = broadcast.replica();
    admitNow(a, traceFor(key({ rpm: 5 })), T0);
    for (let i = 1; i <= 10; i++) a.broadcast(T0 + i * 200);
    expect(broadcast.sent).toHaveLength(2);
  });
});

/** The ledger's shared counter as the usage-ledger keeps it (its int test checks the real one). */
class FakeCounter {
  readonly window = new UsageWindow();
  asked = 0;
  down = false;
  charged = 0;
  now = T0;

  constructor(private readonly record: KeyRecord) {}

  bus(): MessageBus {
    return {
      emit: (event: EventContract, payload: unknown) => {
        if (event === LimitsCharge) this.charged += LimitsCharge.schema.parse(payload).tokens;
      },
      request: (contract: RequestContract) => {
        expect(contract).toBe(LimitsAdmit);
        if (this.down) return Promise.reject(new Error('no responders'));
        this.asked++;
        const decision = decideLimits(this.record, [this.window], this.now);
        if (decision.ok) this.window.add(this.now, 1, 0);
        return Promise.resolve({
          found: true,
          admitted: decision.ok,
          refusal: decision.ok
            ? null
            : {
                limit: decision.limit,
                allowed: decision.allowed,
                used: decision.used,
                retry_after: decision.retryAfter,
              },
        });
      },
      isConnected: () => true,
    } as unknown as MessageBus;
  }

  replica(): RateLimiter {
    return new RateLimiter(this.bus(), sharedEnv, new RequestObservers());
  }
}

async function statusOf(run: () => void | Promise<void>): Promise<number> {
  try {
    await run();
    return 200;
  } catch (err) {
    if (err instanceof GatewayError) return err.status;
    throw err;
  }
}

describe('RateLimiter (small limits, on the shared counter)', () => {
  it('should admit exactly rpm 5 over two replicas, requests alternating, before either has heard the other', async () => {
    const record = key({ rpm: 5 });
    const counter = new FakeCounter(record);
    const [a, b] = [counter.replica(), counter.replica()];
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) {
      statuses.push(await statusOf(() => (i % 2 ? a : b).admit(traceFor(record), T0 + i * 1000)));
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429, 429, 429, 429]);
  });

  it('should remember a refusal until its window frees, answering Retry-After without asking again', async () => {
    const record = key({ rpm: 1 });
    const counter = new FakeCounter(record);
    const a = counter.replica();
    await a.admit(traceFor(record), T0);
    counter.now = T0 + 20_000;
    const first = await Promise.resolve(a.admit(traceFor(record), T0 + 20_000)).catch(
      (e: GatewayError) => e,
    );
    expect(first).toMatchObject({ status: 429, details: { retryAfter: 40 } });
    const asked = counter.asked;
    const again = await Promise.resolve(a.admit(traceFor(record), T0 + 30_000)).catch(
      (e: GatewayError) => e,
    );
    expect(again).toMatchObject({ status: 429, details: { retryAfter: 30 } });
    expect(counter.asked).toBe(asked);
    // Once it frees, the counter decides again.
    counter.now = T0 + 60_000;
    expect(await statusOf(() => a.admit(traceFor(record), T0 + 60_000))).toBe(200);
  });

  it('should fall back to its own counts when the ledger cannot be reached', async () => {
    const record = key({ rpm: 2 });
    const counter = new FakeCounter(record);
    const a = counter.replica();
    counter.down = true;
    expect(await statusOf(() => a.admit(traceFor(record), T0))).toBe(200);
    expect(await statusOf(() => a.admit(traceFor(record), T0))).toBe(200);
    expect(await statusOf(() => a.admit(traceFor(record), T0))).toBe(429);
  });

  it('should charge the tokens of a key with a small tpm to the shared window', async () => {
    const record = key({ tpm: 1_000 });
    const counter = new FakeCounter(record);
    const a = counter.replica();
    const done = traceFor(record);
    await a.admit(done, T0);
    done.usage = { inputTokens: 60, outputTokens: 40, cacheReadTokens: 0, cacheWriteTokens: 0 };
    a.charge(done, T0 + 1_000);
    expect(counter.charged).toBe(100);
  });

  it('should leave large limits on the broadcast, with no round trip', () => {
    const record = key({ rpm: 10_000 });
    const counter = new FakeCounter(record);
    admitNow(counter.replica(), traceFor(record), T0);
    expect(counter.asked).toBe(0);
  });
});
