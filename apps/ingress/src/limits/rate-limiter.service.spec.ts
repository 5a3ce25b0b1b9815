import { EventContract, EventPayload, KeyRecord, LimitsUsage } from '@relaymesh/contracts';
import { MessageBus } from '@relaymesh/messaging';
import { keyRecord } from '../__fixtures__/key-record';
import { loadIngressEnv } from '../config/ingress.env';
import { GatewayError } from '../http/gateway-error';
import { RequestObservers, RequestTrace, startTrace } from '../http/request-trace';
import { RateLimiter } from './rate-limiter.service';

const T0 = Date.parse('2026-11-23T10:00:00.000Z');
const env = loadIngressEnv({
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

function refusal(run: () => void): GatewayError {
  try {
    run();
  } catch (err) {
    if (err instanceof GatewayError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('RateLimiter', () => {
  it('should admit up to rpm requests a minute, then refuse with 429 and Retry-After', () => {
    const limiter = new FakeBroadcast().replica();
    const record = key({ rpm: 2 });
    limiter.admit(traceFor(record), T0);
    limiter.admit(traceFor(record), T0 + 10_000);
    const err = refusal(() => limiter.admit(traceFor(record), T0 + 20_000));
    expect(err.status).toBe(429);
    expect(err.message).toContain('2 of 2 requests per minute (rpm)');
    expect(err.details).toMatchObject({
      type: 'requests',
      code: 'rate_limit_exceeded',
      retryAfter: 40,
    });
    limiter.admit(traceFor(record), T0 + 60_000);
  });

  it('should not count or limit keys without limits', () => {
    const broadcast = new FakeBroadcast();
    const limiter = broadcast.replica();
    for (let i = 0; i < 100; i++) limiter.admit(traceFor(key()), T0);
    limiter.broadcast(T0);
    expect(broadcast.sent).toEqual([]);
  });

  it('should charge the tokens a finished request used to tpm', () => {
    const limiter = new FakeBroadcast().replica();
    const record = key({ tpm: 100 });
    const done = traceFor(record);
    limiter.admit(done, T0);
    done.usage = { inputTokens: 60, outputTokens: 40, cacheReadTokens: 0, cacheWriteTokens: 0 };
    limiter.charge(done, T0 + 1_000);
    const err = refusal(() => limiter.admit(traceFor(record, 'anthropic'), T0 + 2_000));
    expect(err.details).toMatchObject({ type: 'tokens', retryAfter: 59 });
    expect(err.message).toContain('100 of 100 tokens per minute (tpm)');
  });

  it('should hold one limit across replicas once they have heard each other', () => {
    const broadcast = new FakeBroadcast();
    const [a, b] = [broadcast.replica(), broadcast.replica()];
    const record = key({ rpm: 3 });
    a.admit(traceFor(record), T0);
    a.admit(traceFor(record), T0);
    b.admit(traceFor(record), T0);
    a.broadcast(T0 + 200);
    b.broadcast(T0 + 200);
    expect(() => a.admit(traceFor(record), T0 + 300)).toThrow(GatewayError);
    expect(() => b.admit(traceFor(record), T0 + 300)).toThrow(GatewayError);
  });

  it('should let each replica admit on its own counts until it hears the others (the overshoot), then refuse', () => {
    const broadcast = new FakeBroadcast();
    const [a, b] = [broadcast.replica(), broadcast.replica()];
    const record = key({ rpm: 2 });
    // Neither has heard the other yet: each admits up to the limit on its own counts.
    for (const limiter of [a, b]) {
      limiter.admit(traceFor(record), T0);
      limiter.admit(traceFor(record), T0);
    }
    a.broadcast(T0 + 200);
    b.broadcast(T0 + 200);
    expect(() => a.admit(traceFor(record), T0 + 300)).toThrow(GatewayError);
  });

  it('should ignore its own broadcast and send a changed key only once between full refreshes', () => {
    const broadcast = new FakeBroadcast();
    const a = broadcast.replica();
    const record = key({ rpm: 2 });
    a.admit(traceFor(record), T0);
    a.broadcast(T0 + 100);
    a.broadcast(T0 + 200);
    expect(broadcast.sent).toHaveLength(1);
    expect(broadcast.sent[0].keys).toEqual([{ key_id: 'k1', buckets: [[T0 / 1000, 1, 0]] }]);
    // Its own message came back and did not double its count: one more request still fits, then no more.
    a.admit(traceFor(record), T0 + 300);
    expect(() => a.admit(traceFor(record), T0 + 400)).toThrow(GatewayError);
  });

  it('should resend every live window periodically, so a lost message is healed', () => {
    const broadcast = new FakeBroadcast();
    const a = broadcast.replica();
    a.admit(traceFor(key({ rpm: 5 })), T0);
    for (let i = 1; i <= 10; i++) a.broadcast(T0 + i * 200);
    expect(broadcast.sent).toHaveLength(2);
  });
});
