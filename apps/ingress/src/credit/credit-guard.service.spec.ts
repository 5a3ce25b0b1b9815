import { KeyRecord, ModelPrice, UsageRecord } from '@relaymesh/contracts';
import { MessageBus } from '@relaymesh/messaging';
import { IngressEnv, loadIngressEnv } from '../config/ingress.env';
import { GatewayError } from '../http/gateway-error';
import { RequestTrace, startTrace } from '../http/request-trace';
import { CreditGuard, LEDGER_CLOCK_SKEW_MS } from './credit-guard.service';
import { PriceBook } from './price-book.service';

const PRICE: ModelPrice = {
  model: 'm',
  input_usd_per_mtok: 1_000_000, // 1 USD per token: the arithmetic reads in whole dollars
  output_usd_per_mtok: 1_000_000,
  cache_read_multiplier: 0.1,
  cache_write_multiplier: 1.25,
  updated_at: '2030-01-01T00:00:00Z',
};

function key(remaining: number | null): KeyRecord {
  return { id: 'key-1', unlimited: remaining === null, remaining_usd: remaining } as KeyRecord;
}

function trace(maxTokens: number): RequestTrace {
  return Object.assign(startTrace('r', 'chat_completions', 'openai', {}), { maxTokens });
}

function record(id: string, output: number): UsageRecord {
  return {
    id,
    key_id: 'key-1',
    model: 'm',
    upstream_model: null,
    input_tokens: 0,
    output_tokens: output,
    cache_read_tokens: 0,
    cache_write_tokens: 0,
  } as UsageRecord;
}

/** `"ab"` as JSON is 4 characters: one estimated prompt token. */
const BODY = 'ab';

describe('CreditGuard', () => {
  let guard: CreditGuard;

  afterEach(() => jest.useRealTimers());

  beforeEach(() => {
    const prices = new PriceBook({} as MessageBus);
    prices.apply('m', PRICE);
    const env: IngressEnv = loadIngressEnv({
      RELAYMESH_SECRET_KEY: 'x'.repeat(32),
      RELAYMESH_ADMIN_TOKEN: 'y'.repeat(16),
    });
    guard = new CreditGuard(prices, env);
  });

  function refusal(run: () => void): number | null {
    try {
      run();
      return null;
    } catch (err) {
      return (err as GatewayError).status;
    }
  }

  it('should let unlimited keys through without a price', () => {
    expect(refusal(() => guard.admit(trace(10), key(null), 'unpriced', BODY))).toBeNull();
  });

  it('should refuse a model without a price to a key with finite credit (403)', () => {
    expect(refusal(() => guard.admit(trace(10), key(100), 'unpriced', BODY))).toBe(403);
  });

  it('should reserve estimates of requests in flight and refuse with 402 when they hold the rest', () => {
    // Each request is estimated at 1 (prompt) + 9 (max_tokens) = 10 USD.
    const first = trace(9);
    const second = trace(9);
    guard.admit(first, key(15), 'm', BODY);
    guard.admit(second, key(15), 'm', BODY);

    expect(refusal(() => guard.admit(trace(9), key(15), 'm', BODY))).toBe(402);

    // The first ends having cost 2: 15 - 10 (second, in flight) - 2 (pending) leaves 3.
    guard.settle(first, record('rec-1', 2));
    expect(refusal(() => guard.admit(trace(9), key(15), 'm', BODY))).toBeNull();
  });

  it('should stop counting a settled cost once the ledger says it debited it', () => {
    const t = trace(0);
    guard.admit(t, key(5), 'm', BODY);
    guard.settle(t, record('rec-1', 5));

    expect(refusal(() => guard.admit(trace(0), key(5), 'm', BODY))).toBe(402);
    guard.debited('key-1', ['rec-1']);
    // The ledger's record now says 5 were used: what remains comes from it.
    expect(refusal(() => guard.admit(trace(0), key(0), 'm', BODY))).toBe(402);
    expect(refusal(() => guard.admit(trace(0), key(5), 'm', BODY))).toBeNull();
  });

  it('should keep counting a settled cost no key.changed named for as long as the ledger is not caught up', () => {
    jest.useFakeTimers({ now: 0 });
    const t = trace(0);
    guard.admit(t, key(5), 'm', BODY);
    guard.settle(t, record('rec-1', 5));
    guard.stored('key-1', 'rec-1', 1_000);

    // However long the ledger has not shown it billed, the cost still counts (issue 15, D1).
    jest.setSystemTime(Date.now() + 3_600_000);
    expect(refusal(() => guard.admit(trace(0), key(5), 'm', BODY))).toBe(402);
    // An announcement from before the record was stored says nothing about it.
    guard.ledgerCaughtUp(900);
    expect(refusal(() => guard.admit(trace(0), key(5), 'm', BODY))).toBe(402);
  });

  it('should forget a settled cost once the ledger was caught up after its record was stored, past the clock-skew margin', () => {
    const t = trace(0);
    guard.admit(t, key(5), 'm', BODY);
    guard.settle(t, record('rec-1', 5));
    guard.stored('key-1', 'rec-1', 1_000);

    guard.ledgerCaughtUp(1_000 + LEDGER_CLOCK_SKEW_MS);
    expect(refusal(() => guard.admit(trace(0), key(5), 'm', BODY))).toBe(402);
    guard.ledgerCaughtUp(1_001 + LEDGER_CLOCK_SKEW_MS);
    expect(refusal(() => guard.admit(trace(0), key(5), 'm', BODY))).toBeNull();
  });

  it('should keep a cost whose record is not stored yet (held in the outbox), whatever the ledger says', () => {
    const t = trace(0);
    guard.admit(t, key(5), 'm', BODY);
    guard.settle(t, record('rec-1', 5));

    guard.ledgerCaughtUp(Number.MAX_SAFE_INTEGER);
    expect(refusal(() => guard.admit(trace(0), key(5), 'm', BODY))).toBe(402);
  });
});
