import {
  CreditLeaseGrant,
  CreditLeaseRecall,
  CreditLeaseRelease,
  EventContract,
  KeyRecord,
  ModelPrice,
  RequestContract,
  UsageRecord,
} from '@relaymesh/contracts';
import { MessageBus } from '@relaymesh/messaging';
import { IngressEnv, loadIngressEnv } from '../config/ingress.env';
import { GatewayError } from '../http/gateway-error';
import { RequestTrace, startTrace } from '../http/request-trace';
import { CreditGuard, IDLE_RELEASE_MS } from './credit-guard.service';
import { PriceBook } from './price-book.service';

const PRICE: ModelPrice = {
  model: 'm',
  input_usd_per_mtok: 1_000_000, // 1 USD per token: the arithmetic reads in whole dollars
  output_usd_per_mtok: 1_000_000,
  cache_read_multiplier: 0.1,
  cache_write_multiplier: 1.25,
  updated_at: '2030-01-01T00:00:00Z',
};
/** `"ab"` as JSON is 4 characters: one estimated prompt token. */
const BODY = 'ab';
/** What every request of these tests actually costs (10 output tokens). */
const COST = 10;

/**
 * The ledger's side of leases, as the usage-ledger does it (its int test checks the real one): grants never
 * exceed credit − used − held, debits move a cost from the holder's lease to used, releases give back.
 */
class FakeLedger {
  used = 0;
  readonly held = new Map<string, number>();
  grants = 0;
  releases = 0;
  down = false;
  readonly guards: CreditGuard[] = [];
  /** A period budget, as the ledger's grant reports it (the real arithmetic is the ledger's, int-tested). */
  budget: { left: number; resetsAt: string } | null = null;

  constructor(public credit: number) {}

  get remaining(): number {
    return this.credit - this.used;
  }

  key(): KeyRecord {
    return { id: 'key-1', unlimited: false, remaining_usd: this.remaining } as KeyRecord;
  }

  bus(): MessageBus {
    return {
      request: (contract: RequestContract, payload: unknown) => {
        if (this.down) return Promise.reject(new Error('no responders'));
        if (contract === CreditLeaseGrant) {
          const { holder, want_usd } = CreditLeaseGrant.request.parse(payload);
          this.grants++;
          const heldAll = [...this.held.values()].reduce((a, b) => a + b, 0);
          const spendable = Math.min(this.remaining, this.budget?.left ?? Infinity);
          const grantedUsd = Math.max(0, Math.min(want_usd, spendable - heldAll));
          this.held.set(holder, (this.held.get(holder) ?? 0) + grantedUsd);
          const heldElsewhere = heldAll - (this.held.get(holder) ?? 0) + grantedUsd;
          if (grantedUsd < want_usd && heldElsewhere > 0) {
            for (const guard of this.guards) guard.recall('key-1', holder);
          }
          return Promise.resolve({
            found: true,
            unlimited: false,
            granted_usd: grantedUsd,
            remaining_usd: this.remaining,
            held_elsewhere_usd: heldElsewhere,
            budget_left_usd: this.budget?.left ?? null,
            budget_resets_at: this.budget?.resetsAt ?? null,
            ttl_ms: 30_000,
          });
        }
        if (contract === CreditLeaseRelease) {
          const { holder, release_usd } = CreditLeaseRelease.request.parse(payload);
          this.releases++;
          this.held.set(holder, Math.max(0, (this.held.get(holder) ?? 0) - release_usd));
          return Promise.resolve({ released: true });
        }
        return Promise.reject(new Error(`unexpected ${contract.subject}`));
      },
      emit: (event: EventContract) => expect(event).toBe(CreditLeaseRecall),
      isConnected: () => true,
    } as unknown as MessageBus;
  }

  replica(): CreditGuard {
    const prices = new PriceBook({} as MessageBus);
    prices.apply('m', PRICE);
    const env: IngressEnv = loadIngressEnv({
      RELAYMESH_SECRET_KEY: 'x'.repeat(32),
      RELAYMESH_ADMIN_TOKEN: 'y'.repeat(16),
    });
    const guard = new CreditGuard(prices, env, this.bus());
    this.guards.push(guard);
    return guard;
  }

  /** The usage writer's debit of a published record. */
  debit(record: UsageRecord, cost: number): void {
    this.used += cost;
    const holder = record.credit_holder!;
    this.held.set(holder, Math.max(0, (this.held.get(holder) ?? 0) - cost));
  }
}

let ids = 0;
function trace(maxTokens: number | null = null): RequestTrace {
  return Object.assign(startTrace(`r${ids++}`, 'chat_completions', 'openai', {}), { maxTokens });
}
function record(output: number): UsageRecord {
  return {
    id: `rec-${ids++}`,
    key_id: 'key-1',
    model: 'm',
    upstream_model: null,
    input_tokens: 0,
    output_tokens: output,
    cache_read_tokens: 0,
    cache_write_tokens: 0,
  } as UsageRecord;
}

async function status(run: () => Promise<void>): Promise<number> {
  try {
    await run();
    return 200;
  } catch (err) {
    if (err instanceof GatewayError) return err.status;
    throw err;
  }
}

/** One request through a replica: admitted, served, settled, published (stored) and debited. */
async function serve(ledger: FakeLedger, guard: CreditGuard, t = trace()): Promise<number> {
  const code = await status(() => guard.admit(t, ledger.key(), 'm', BODY));
  if (code !== 200) return code;
  await Promise.resolve(); // the upstream call
  const published = guard.settle(t, record(COST));
  guard.stored('key-1', published.id);
  ledger.debit(published, COST);
  return 200;
}

describe('CreditGuard', () => {
  it('should let unlimited keys through without a price or a lease', async () => {
    const ledger = new FakeLedger(0);
    const guard = ledger.replica();
    const key = { id: 'key-1', unlimited: true, remaining_usd: null } as KeyRecord;
    expect(await status(() => guard.admit(trace(), key, 'unpriced', BODY))).toBe(200);
    expect(ledger.grants).toBe(0);
  });

  it('should refuse a model without a price to a key with finite credit (403)', async () => {
    const ledger = new FakeLedger(100);
    expect(
      await status(() => ledger.replica().admit(trace(), ledger.key(), 'unpriced', BODY)),
    ).toBe(403);
  });

  it('should serve all of 100 concurrent requests of a key with credit for 130 (no false 402)', async () => {
    // Before issue 18 each reserved a 1,024-token default of output: 1,025 USD against a credit of 1,300.
    const ledger = new FakeLedger(130 * COST);
    const guard = ledger.replica();
    const statuses = await Promise.all(Array.from({ length: 100 }, () => serve(ledger, guard)));
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    expect(ledger.used).toBe(100 * COST);
    // Leases, not a round trip per request.
    expect(ledger.grants).toBeLessThan(20);
  });

  it('should admit from the lease without asking the ledger again while it lasts', async () => {
    const ledger = new FakeLedger(1_000 * COST);
    const guard = ledger.replica();
    for (let i = 0; i < 3; i++) await serve(ledger, guard);
    const asked = ledger.grants;
    for (let i = 0; i < 15; i++) await serve(ledger, guard);
    expect(ledger.grants).toBe(asked);
  });

  it('should give the unspent rest back once the key is idle and its records are stored, not before', async () => {
    const ledger = new FakeLedger(1_000 * COST);
    const guard = ledger.replica();
    await serve(ledger, guard);
    const t = trace();
    await guard.admit(t, ledger.key(), 'm', BODY);
    const published = guard.settle(t, record(COST));
    // Its record is still in the outbox: the lease is kept (the ledger would forget what it stands for).
    guard.releaseIdle(Date.now() + IDLE_RELEASE_MS);
    expect(ledger.releases).toBe(0);
    guard.stored('key-1', published.id);
    ledger.debit(published, COST);
    guard.releaseIdle(Date.now() + IDLE_RELEASE_MS);
    await Promise.resolve();
    expect(ledger.releases).toBe(1);
    expect(ledger.held.get(guard.holder)).toBeCloseTo(0, 9);
  });

  it('should drain a key across two replicas to 402 on both, overshooting by at most one request each', async () => {
    const ledger = new FakeLedger(45 * COST + 3); // not a whole number of requests
    const [a, b] = [ledger.replica(), ledger.replica()];
    let served = 0;
    for (let i = 0; i < 200; i++) {
      const code = await serve(ledger, i % 2 ? a : b);
      if (code === 200) served++;
      else {
        expect(code).toBe(402);
        break;
      }
    }
    expect(served).toBeGreaterThanOrEqual(45);
    expect(ledger.used - ledger.credit).toBeLessThanOrEqual(2 * COST);
    // And it stays 402 on both.
    expect(await serve(ledger, a)).toBe(402);
    expect(await serve(ledger, b)).toBe(402);
    // Never more held than the balance.
    expect([...ledger.held.values()].reduce((x, y) => x + y, 0)).toBeLessThanOrEqual(
      Math.max(0, ledger.remaining) + 1e-9,
    );
  });

  it('should refuse when what is left cannot cover one request, say so, and keep refusing (no flapping)', async () => {
    const ledger = new FakeLedger(15); // one request of 10, then 5 left
    const guard = ledger.replica();
    expect(await serve(ledger, guard)).toBe(200);
    const refusal = await guard
      .admit(trace(100), ledger.key(), 'm', BODY)
      .catch((err: GatewayError) => err);
    expect(refusal).toMatchObject({ status: 402, details: { code: 'insufficient_quota' } });
    expect((refusal as GatewayError).message).toContain(
      '5 USD of credit left, less than this request is expected to cost (10 USD, and max_tokens 100 lets it cost up to 101 USD)',
    );
    // A request without max_tokens is refused the same: the refusal is the key's state, not the request's cap.
    expect(await serve(ledger, guard)).toBe(402);
    expect(ledger.used).toBe(10);
    // A replica that has learned nothing of the key serves one request on its guess (the overshoot bound: one
    // request per replica), then refuses like the other.
    const fresh = ledger.replica();
    expect(await serve(ledger, fresh)).toBe(200);
    expect(await serve(ledger, fresh)).toBe(402);
    expect(await serve(ledger, guard)).toBe(402);
    expect(ledger.used - ledger.credit).toBeLessThanOrEqual(COST);
  });

  it('should refuse a spent period budget with 402 naming its reset time, from the grant and then the key record', async () => {
    const ledger = new FakeLedger(100 * COST);
    ledger.budget = { left: 0, resetsAt: '2026-12-08T00:00:00.000Z' };
    const guard = ledger.replica();
    const key = { ...ledger.key(), budget_usd: 5, budget_period: 'day' as const };
    const refusal = await guard.admit(trace(), key, 'm', BODY).catch((err: GatewayError) => err);
    expect(refusal).toMatchObject({ status: 402, details: { code: 'insufficient_quota' } });
    expect((refusal as GatewayError).message).toBe(
      'You exceeded your current quota: the daily budget of this API key (5 USD) is spent. It resets at 2026-12-08T00:00:00.000Z.',
    );
    // Once key.changed has published the spent budget, no round trip: every replica refuses at once.
    const grants = ledger.grants;
    const published = {
      ...key,
      budget_spent_usd: 5,
      budget_resets_at: new Date(Date.now() + 3_600_000).toISOString(),
    };
    expect(await status(() => ledger.replica().admit(trace(), published, 'm', BODY))).toBe(402);
    expect(ledger.grants).toBe(grants);
    // Past its reset, the stale record does not refuse: the ledger is asked.
    ledger.budget = { left: 5, resetsAt: '2026-12-09T00:00:00.000Z' };
    const stale = { ...published, budget_resets_at: new Date(Date.now() - 1).toISOString() };
    expect(await status(() => guard.admit(trace(), stale, 'm', BODY))).toBe(200);
  });

  it("should keep serving while the ledger is away: its lease, then the key's last known balance, once", async () => {
    jest.useFakeTimers({ doNotFake: ['setTimeout', 'setInterval', 'setImmediate', 'nextTick'] });
    try {
      const ledger = new FakeLedger(100 * COST);
      const guard = ledger.replica();
      expect(await serve(ledger, guard)).toBe(200);
      ledger.down = true;
      expect(await serve(ledger, guard)).toBe(200);
      // Past its ttl the ledger may have given the lease back to the key: the last known balance is spent,
      // here 980 USD as the key record said (the fake's debits stand for records waiting in the stream).
      jest.setSystemTime(Date.now() + 30_000);
      const lastKnown = ledger.key();
      const offline = async () => {
        const t = trace();
        const code = await status(() => guard.admit(t, lastKnown, 'm', BODY));
        if (code === 200) guard.settle(t, record(COST));
        return code;
      };
      let served = 0;
      for (let i = 0; i < 150 && (await offline()) === 200; i++) {
        served++;
        // Offline periods end every 5 s: what was spent offline is carried into the next.
        if (i % 10 === 9) jest.setSystemTime(Date.now() + 6_000);
      }
      expect(served).toBe(98);
      expect(await offline()).toBe(402);
    } finally {
      jest.useRealTimers();
    }
  });
});
