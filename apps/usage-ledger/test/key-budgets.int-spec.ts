// Period budgets against the real Postgres: the debit counts each cost in the budget's calendar period (UTC) on
// the ledger's clock, a new period starts from nothing, and lease grants never hand out more than the budget
// left, naming when it resets. The clock is passed in, so a day's boundary is crossed without waiting.
import { AdminKeyCreate, KeyCreateSchema, KeyViewSchema } from '@relaymesh/contracts';
import { CreditLeases } from '../src/leases/credit-leases.service';
import { UsageWriter } from '../src/usage/usage-writer.service';
import {
  HARNESS_RECORD_COST,
  LedgerHarness,
  startLedgerHarness,
  usageRecord,
} from './ledger-harness';

const DAY_ONE = Date.parse('2031-03-04T10:00:00.000Z');
const DAY_TWO = Date.parse('2031-03-05T00:00:00.000Z');

describe('period budgets (usage-ledger)', () => {
  let ledger: LedgerHarness;
  let keyId: string;

  beforeAll(async () => {
    ledger = await startLedgerHarness('in-process', 'budgets');
    const created = await ledger.bus.request(
      AdminKeyCreate,
      KeyCreateSchema.parse({
        name: 'daily',
        credit_usd: 100,
        budget_usd: 2.5 * HARNESS_RECORD_COST,
        budget_period: 'day',
      }),
    );
    expect(created.status).toBe(201);
    const view = KeyViewSchema.parse(created.body);
    expect(view).toMatchObject({ budget_period: 'day', budget_spent_usd: 0 });
    keyId = view.id;
  });

  afterAll(async () => {
    await ledger?.close();
  });

  async function stored(): Promise<{ spent: number; start: string | null }> {
    const { rows } = await ledger.pg.query<{ spent: string; start: Date | null }>(
      `SELECT budget_spent_usd AS spent, budget_period_start AS start
       FROM "${ledger.schema}".client_keys WHERE id = $1`,
      [keyId],
    );
    return { spent: Number(rows[0].spent), start: rows[0].start?.toISOString() ?? null };
  }

  it('should count debits in the day they were made and grant no more than the budget left', async () => {
    const writer = ledger.app.get(UsageWriter);
    const leases = ledger.app.get(CreditLeases);
    await writer.commitRecords([usageRecord(keyId), usageRecord(keyId)], undefined, DAY_ONE);
    expect(await stored()).toEqual({
      spent: expect.closeTo(2 * HARNESS_RECORD_COST, 9) as number,
      start: '2031-03-04T00:00:00.000Z',
    });
    const grant = await leases.grant({ key_id: keyId, holder: 'r1', want_usd: 10 }, DAY_ONE);
    expect(grant.granted_usd).toBeCloseTo(0.5 * HARNESS_RECORD_COST, 9);
    expect(grant.remaining_usd).toBeCloseTo(100 - 2 * HARNESS_RECORD_COST, 9);
    expect(grant.budget_resets_at).toBe('2031-03-05T00:00:00.000Z');
    // The budget, not the credit, is what ran out.
    const none = await leases.grant({ key_id: keyId, holder: 'r2', want_usd: 10 }, DAY_ONE);
    expect(none.granted_usd).toBe(0);
    expect(none.budget_left_usd!).toBeLessThan(none.remaining_usd);
  });

  it('should start the next day from nothing', async () => {
    const leases = ledger.app.get(CreditLeases);
    // The day-one leases expired and the ledger was caught up since.
    await leases.caughtUp(DAY_TWO + 60_000);
    const grant = await leases.grant({ key_id: keyId, holder: 'r1', want_usd: 10 }, DAY_TWO);
    expect(grant.granted_usd).toBeCloseTo(2.5 * HARNESS_RECORD_COST, 9);
    expect(grant.budget_resets_at).toBe('2031-03-06T00:00:00.000Z');
    await ledger.app.get(UsageWriter).commitRecords([usageRecord(keyId)], undefined, DAY_TWO);
    expect(await stored()).toEqual({
      spent: expect.closeTo(HARNESS_RECORD_COST, 9) as number,
      start: '2031-03-05T00:00:00.000Z',
    });
  });
});
