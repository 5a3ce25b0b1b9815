// One bad usage record never holds up the others (issue 15, D1), in both transports: JetStream (distributed
// mode) and the in-process durable channel (embedded mode), against the real Postgres. Records are published
// straight onto the subject, as an older ingress without the source normaliser would: a string Postgres cannot
// store is normalised at the ledger's edge; a record Postgres still refuses (a data error, injected here below
// the schema by a trigger) is parked in the dead-letter table with its reason while the rest of its batch
// commits; a record breaking the contract is parked too; a database outage parks nothing.
import { LedgerCaughtUp } from '@relaymesh/contracts';
import { readiness } from '@relaymesh/telemetry';
import { waitFor } from '@relaymesh/testing';
import { randomUUID } from 'node:crypto';
import {
  HARNESS_RECORD_COST as COST,
  LedgerHarness,
  metricSum as counter,
  refuseRecordsTitled,
  startLedgerHarness,
  usageRecord as record,
} from './ledger-harness';

describe.each(['nats', 'in-process'] as const)('usage-ledger dead letters (%s)', (mode) => {
  let ledger: LedgerHarness | undefined;
  let pg: LedgerHarness['pg'];
  let schema: string;
  let keyId: string;
  let publishRaw: LedgerHarness['publishRaw'];
  /** The `caught_up_at` of every usage.ledger.caught-up.v1 heard, in ms. */
  const caughtUp: number[] = [];

  beforeAll(async () => {
    ledger = await startLedgerHarness(mode, 'it_dead');
    ({ pg, schema, keyId, publishRaw } = ledger);
    await ledger.listen(LedgerCaughtUp, (data) =>
      caughtUp.push(Date.parse(LedgerCaughtUp.schema.parse(data).caught_up_at)),
    );
    // Below the schema: Postgres refuses, with a data exception, any record titled `refuse-me`.
    await refuseRecordsTitled(pg, schema, 'refuse-me');
  });

  afterAll(async () => {
    await ledger?.close();
  });

  async function stored(recordId: string) {
    const { rows } = await pg.query<{
      model: string | null;
      title: string | null;
      cost_usd: string;
    }>(`SELECT model, title, cost_usd FROM "${schema}".usage_records WHERE id = $1`, [recordId]);
    return rows[0];
  }

  async function deadLetter(msgId: string) {
    const { rows } = await pg.query<{
      record_id: string | null;
      payload: string;
      reason: string;
      attempts: number;
      parked_at: Date;
    }>(`SELECT * FROM "${schema}".usage_dead_letters WHERE msg_id = $1`, [msgId]);
    return rows[0];
  }

  async function usedUsd(): Promise<number> {
    const { rows } = await pg.query<{ used_usd: string }>(
      `SELECT used_usd FROM "${schema}".client_keys WHERE id = $1`,
      [keyId],
    );
    return Number(rows[0].used_usd);
  }

  it('should store a record holding a NUL and lone surrogates, normalised at the edge, and bill the next one', async () => {
    const before = await usedUsd();
    const hostile = record(keyId, {
      model: 'a\u0000b',
      upstream_model: '\ud800',
      title: 'x\udc00y',
      referer: 'r'.repeat(100_000),
    });
    const normal = record(keyId);
    await publishRaw(hostile, hostile.id);
    await publishRaw(normal, normal.id);

    await waitFor(() => stored(normal.id), {
      what: 'the normal record written',
      timeoutMs: 10_000,
    });
    const written = await waitFor(() => stored(hostile.id), { what: 'the hostile record written' });
    expect(written.model).toBe('a\ufffdb');
    expect(written.title).toBe('x\ufffdy');
    await waitFor(async () => Math.abs((await usedUsd()) - (before + COST)) < 1e-9, {
      what: 'the normal record billed',
    });
  });

  it('should park a record Postgres refuses with its reason, commit the rest of its batch and bill later records', async () => {
    const parkedBefore = await counter('relaymesh_ledger_dead_letters_total', {
      reason: 'database_refused',
    });
    const before = await usedUsd();
    const refused = record(keyId, { title: 'refuse-me' });
    const batch = [record(keyId), refused, record(keyId)];
    for (const r of batch) await publishRaw(r, r.id);

    const parked = await waitFor(() => deadLetter(refused.id), {
      what: 'the refused record parked',
      timeoutMs: 10_000,
    });
    expect(parked.record_id).toBe(refused.id);
    expect(parked.reason).toContain('22023');
    expect(parked.reason).toContain('refused by the test');
    expect(parked.attempts).toBeGreaterThanOrEqual(1);
    expect(JSON.parse(parked.payload)).toMatchObject({ id: refused.id, title: 'refuse-me' });
    expect(await stored(batch[0].id)).toBeDefined();
    expect(await stored(batch[2].id)).toBeDefined();
    expect(await stored(refused.id)).toBeUndefined();

    const later = record(keyId);
    await publishRaw(later, later.id);
    await waitFor(() => stored(later.id), { what: 'a later record written' });
    await waitFor(async () => Math.abs((await usedUsd()) - (before + 3 * COST)) < 1e-9, {
      what: 'the two good records of the batch and the later one billed, the refused one not',
    });
    expect(
      await counter('relaymesh_ledger_dead_letters_total', { reason: 'database_refused' }),
    ).toBe(parkedBefore + 1);
  });

  it('should park a record that breaks the contract, and go on', async () => {
    const broken = { ...record(keyId), input_tokens: -5 };
    const msgId = `broken-${randomUUID()}`;
    await publishRaw(broken, msgId);
    const next = record(keyId);
    await publishRaw(next, next.id);

    const parked = await waitFor(() => deadLetter(msgId), { what: 'the broken record parked' });
    expect(parked.reason).toContain('input_tokens');
    expect(JSON.parse(parked.payload)).toMatchObject({ input_tokens: -5 });
    await waitFor(() => stored(next.id), { what: 'the next record written' });
  });

  it('should park nothing while the database refuses every batch (an outage), show the stall, write them once it is back and then announce it caught up', async () => {
    const { rows } = await pg.query<{ n: string }>(
      `SELECT count(*) AS n FROM "${schema}".usage_dead_letters`,
    );
    const failuresBefore = await counter('relaymesh_ledger_batch_failures_total');
    const waiting = [record(keyId), record(keyId)];
    await pg.query(`ALTER TABLE "${schema}".usage_records RENAME TO usage_records_away`);
    let storedBy: number;
    try {
      for (const r of waiting) await publishRaw(r, r.id);
      storedBy = Date.now();
      await waitFor(
        async () => (await counter('relaymesh_ledger_batch_failures_total')) >= failuresBefore + 2,
        { what: 'the batch failing more than once', timeoutMs: 10_000 },
      );
      // Metering is visibly behind: the oldest unwritten record has been waiting for the failures' delay.
      expect(await counter('relaymesh_ledger_oldest_unwritten_record_age_seconds')).toBeGreaterThan(
        0.5,
      );
      // No announcement says caught up past records that are not billed.
      expect(caughtUp.filter((at) => at >= storedBy)).toEqual([]);
    } finally {
      await pg.query(`ALTER TABLE "${schema}".usage_records_away RENAME TO usage_records`);
    }
    for (const r of waiting) await waitFor(() => stored(r.id), { what: 'the waiting records' });
    const after = await pg.query<{ n: string }>(
      `SELECT count(*) AS n FROM "${schema}".usage_dead_letters`,
    );
    expect(after.rows[0].n).toBe(rows[0].n);
    expect(await counter('relaymesh_ledger_oldest_unwritten_record_age_seconds')).toBe(0);
    // /readyz asks the metering check (false once a record has waited 30 s; the outage here is shorter).
    expect((await readiness.evaluate()).checks['usage-ledger:metering']).toBe(true);
    await waitFor(() => caughtUp.some((at) => at > storedBy), {
      what: 'usage.ledger.caught-up.v1 after the records were written',
      timeoutMs: 12_000,
    });
  });
});
