// Credit leases against the real Postgres and NATS: concurrent grants never hand out more than the balance, a
// debit takes its cost out of the lease it was admitted against, and a lease that is never given back (a
// crashed replica) returns to the key once it expired and the ledger was caught up since.
import {
  CreditLeaseGrant,
  CreditLeaseRelease,
  KeyChanged,
  UsageRecorded,
} from '@relaymesh/contracts';
import {
  CreditLeases,
  LEASE_TTL_MS,
  LEDGER_CLOCK_SKEW_MS,
} from '../src/leases/credit-leases.service';
import {
  HARNESS_RECORD_COST,
  LedgerHarness,
  startLedgerHarness,
  usageRecord,
} from './ledger-harness';

describe('credit leases (usage-ledger, NATS)', () => {
  let ledger: LedgerHarness;

  beforeAll(async () => {
    ledger = await startLedgerHarness('nats', 'leases');
  });

  afterAll(async () => {
    await ledger?.close();
  });

  async function held(): Promise<Map<string, number>> {
    const { rows } = await ledger.pg.query<{ holder: string; held_usd: string }>(
      `SELECT holder, held_usd FROM "${ledger.schema}".credit_leases WHERE key_id = $1`,
      [ledger.keyId],
    );
    return new Map(rows.map((r) => [r.holder, Number(r.held_usd)]));
  }

  const total = (leases: Map<string, number>) => [...leases.values()].reduce((a, b) => a + b, 0);

  it('should never grant more than the balance to concurrent requests from many holders', async () => {
    // $100 of credit; 60 requests for $3 each from 4 replicas at once: 33 full grants and one of $1.
    const replies = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        ledger.bus.request(CreditLeaseGrant, {
          key_id: ledger.keyId,
          holder: `replica-${i % 4}`,
          want_usd: 3,
        }),
      ),
    );
    const granted = replies.reduce((sum, r) => sum + r.granted_usd, 0);
    expect(granted).toBeCloseTo(100, 9);
    expect(replies.filter((r) => r.granted_usd === 3)).toHaveLength(33);
    expect(total(await held())).toBeCloseTo(100, 9);
    // The short answers say the rest is held by others, not that the credit is used up.
    const refused = replies.filter((r) => r.granted_usd === 0);
    expect(refused.length).toBe(26);
    expect(refused.every((r) => r.remaining_usd === 100 && r.held_elsewhere_usd > 0)).toBe(true);
  });

  it('should take a debited cost out of the lease it was admitted against, once', async () => {
    const before = await held();
    const changed = new Promise<void>(
      (resolve) =>
        void ledger.listen(KeyChanged, (data) => {
          if ((data as { id: string }).id === ledger.keyId) resolve();
        }),
    );
    const record = usageRecord(ledger.keyId, { credit_holder: 'replica-1' });
    await ledger.durable.publish(UsageRecorded, record, record.id);
    await changed;
    const after = await held();
    expect(after.get('replica-1')).toBeCloseTo(before.get('replica-1')! - HARNESS_RECORD_COST, 9);
    expect(after.get('replica-0')).toBeCloseTo(before.get('replica-0')!, 9);
    // credit − used − held is still 0: the cost is counted once, as used.
    const reply = await ledger.bus.request(CreditLeaseGrant, {
      key_id: ledger.keyId,
      holder: 'replica-9',
      want_usd: 1,
    });
    expect(reply.granted_usd).toBe(0);
    expect(reply.remaining_usd).toBeCloseTo(100 - HARNESS_RECORD_COST, 9);
  });

  it('should return an expired lease to the key only once the ledger was caught up after it expired', async () => {
    const leases = ledger.app.get(CreditLeases);
    const { rows } = await ledger.pg.query<{ first: Date; last: Date }>(
      `SELECT min(expires_at) AS first, max(expires_at) AS last FROM "${ledger.schema}".credit_leases`,
    );
    const [first, last] = [rows[0].first.getTime(), rows[0].last.getTime()];
    // Caught up before the leases expired: they still hold their credit.
    await leases.caughtUp(first - 1_000);
    expect(total(await held())).toBeGreaterThan(99);
    // Caught up within the clock-skew margin after: still held.
    await leases.caughtUp(last + LEDGER_CLOCK_SKEW_MS / 2);
    expect(total(await held())).toBeGreaterThan(99);
    const refused = await leases.grant({ key_id: ledger.keyId, holder: 'fresh', want_usd: 5 });
    expect(refused.granted_usd).toBe(0);
    // Caught up well after they expired (nobody renewed them: the replicas crashed): back to the key. The
    // clock moves past the new 'fresh' row's expiry too, which held nothing.
    await leases.caughtUp(Date.now() + LEASE_TTL_MS + LEDGER_CLOCK_SKEW_MS + 1_000);
    expect(await held()).toEqual(new Map());
    const reply = await leases.grant({ key_id: ledger.keyId, holder: 'fresh', want_usd: 5 });
    expect(reply.granted_usd).toBe(5);
  });

  it('should give back what a holder releases, keeping its lease until the ledger is caught up', async () => {
    const leases = ledger.app.get(CreditLeases);
    const released = await ledger.bus.request(CreditLeaseRelease, {
      key_id: ledger.keyId,
      holder: 'fresh',
      release_usd: 4,
    });
    expect(released.released).toBe(true);
    expect((await held()).get('fresh')).toBeCloseTo(1, 9);
    // Another holder gets the 4 at once; the dollar still held waits for the records it may stand for.
    const other = await leases.grant({ key_id: ledger.keyId, holder: 'other', want_usd: 1_000 });
    expect(other.granted_usd).toBeCloseTo(100 - HARNESS_RECORD_COST - 5 + 4, 9);
    await leases.caughtUp(Date.now() + LEDGER_CLOCK_SKEW_MS + 1_000);
    expect((await held()).has('fresh')).toBe(false);
  });

  it('should answer an unknown key as not found', async () => {
    const reply = await ledger.bus.request(CreditLeaseGrant, {
      key_id: '00000000-0000-4000-8000-000000000000',
      holder: 'replica-0',
      want_usd: 1,
    });
    expect(reply).toMatchObject({ found: false, granted_usd: 0 });
  });
});
