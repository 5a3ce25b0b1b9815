// The dead letters on the admin API (issue 15, D1), in both transports against the real Postgres: a record
// Postgres refuses (a data error injected below the schema by a trigger) is parked, listed with its payload
// parsed back, refused on replay while the cause is still there (the row stays, nothing billed), and replayed
// once the trigger is gone: stored and billed once, the dead letter gone; a second replay is a 404, and a
// dead letter whose record was stored meanwhile (published again under another message id) is replayed
// without a second debit. A record that breaks the contract stays parked on replay with a 400.
import {
  AdminUsageDeadLetterList,
  AdminUsageDeadLetterReplay,
  DeadLetterView,
  UsageView,
} from '@relaymesh/contracts';
import { waitFor } from '@relaymesh/testing';
import { randomUUID } from 'node:crypto';
import {
  HARNESS_RECORD_COST as COST,
  LedgerHarness,
  refuseRecordsTitled,
  startLedgerHarness,
  usageRecord as record,
} from './ledger-harness';

const REFUSED_TITLE = 'refused-until-fixed';

describe.each(['nats', 'in-process'] as const)('usage-ledger dead-letter replay (%s)', (mode) => {
  let ledger: LedgerHarness | undefined;
  let bus: LedgerHarness['bus'];
  let pg: LedgerHarness['pg'];
  let schema: string;
  let keyId: string;
  let publishRaw: LedgerHarness['publishRaw'];

  beforeAll(async () => {
    ledger = await startLedgerHarness(mode, 'it_replay');
    ({ bus, pg, schema, keyId, publishRaw } = ledger);
    // The cause an operator fixes: Postgres refuses, with a data exception, a record titled REFUSED_TITLE.
    await refuseRecordsTitled(pg, schema, REFUSED_TITLE);
  });

  afterAll(async () => {
    await ledger?.close();
  });

  async function list(query: Record<string, unknown> = {}): Promise<DeadLetterView[]> {
    const answer = await bus.request(
      AdminUsageDeadLetterList,
      AdminUsageDeadLetterList.request.parse(query),
    );
    expect(answer.status).toBe(200);
    return (answer.body as { data: DeadLetterView[] }).data;
  }

  const replay = (letterId: string) => bus.request(AdminUsageDeadLetterReplay, { id: letterId });

  async function parked(msgId: string): Promise<DeadLetterView> {
    return waitFor(async () => (await list()).find((letter) => letter.msg_id === msgId), {
      what: `message ${msgId} parked`,
      timeoutMs: 10_000,
    });
  }

  async function storedCount(recordId: string): Promise<number> {
    const { rows } = await pg.query<{ n: string }>(
      `SELECT count(*) AS n FROM "${schema}".usage_records WHERE id = $1`,
      [recordId],
    );
    return Number(rows[0].n);
  }

  async function usedUsd(): Promise<number> {
    const { rows } = await pg.query<{ used_usd: string }>(
      `SELECT used_usd FROM "${schema}".client_keys WHERE id = $1`,
      [keyId],
    );
    return Number(rows[0].used_usd);
  }

  it('should list a refused record, keep it on a replay while the cause remains, and bill it once after the fix', async () => {
    const before = await usedUsd();
    const refused = record(keyId, { title: REFUSED_TITLE, model: 'priced-model' });
    // The same record published again under another message id (the old runbook's re-publish): parked twice.
    const again = `again-${randomUUID()}`;
    await publishRaw(refused, refused.id);
    await publishRaw(refused, again);
    const letter = await parked(refused.id);
    const twin = await parked(again);

    // Listed: newest first, the payload parsed back, the reason Postgres gave.
    expect(letter).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      msg_id: refused.id,
      record_id: refused.id,
      reason: expect.stringContaining('22023') as string,
      attempts: expect.any(Number) as number,
      parked_at: expect.any(String) as string,
      record: refused,
    });
    expect(twin.id).not.toBe(letter.id);
    // Both may be parked by one statement (one batch), at the same parked_at.
    const all = await list();
    expect(all.map((l) => l.parked_at)).toEqual(
      all
        .map((l) => l.parked_at)
        .sort()
        .reverse(),
    );
    const newest = await list({ limit: 1 });
    expect(newest).toHaveLength(1);
    expect(newest[0].parked_at).toBe(twin.parked_at);
    expect(await list({ until: letter.parked_at })).not.toContainEqual(
      expect.objectContaining({ id: letter.id }),
    );
    expect(await list({ since: letter.parked_at })).toContainEqual(
      expect.objectContaining({ id: letter.id }),
    );

    // The cause is still there: 409 with the reason, the dead letter stays, nothing stored or billed.
    const refusedAgain = await replay(letter.id);
    expect(refusedAgain.status).toBe(409);
    expect(JSON.stringify(refusedAgain.body)).toContain('refused by the test');
    expect((await list()).map((l) => l.id)).toContain(letter.id);
    expect(await storedCount(refused.id)).toBe(0);

    // The operator fixes the cause; the replay stores the record as the writer would, priced and billed once.
    await pg.query(`DROP TRIGGER refuse_marked ON "${schema}".usage_records`);
    const replayed = await replay(letter.id);
    expect(replayed.status).toBe(200);
    expect(replayed.body as UsageView).toMatchObject({
      id: refused.id,
      title: REFUSED_TITLE,
      cost_usd: COST,
    });
    expect(await storedCount(refused.id)).toBe(1);
    expect(await usedUsd()).toBeCloseTo(before + COST, 9);
    expect((await list()).map((l) => l.id)).not.toContain(letter.id);

    // Replayed once: a second replay finds nothing.
    expect((await replay(letter.id)).status).toBe(404);

    // The twin holds a record now stored: replayed without a second debit, and gone.
    const twinReplayed = await replay(twin.id);
    expect(twinReplayed.status).toBe(200);
    expect(twinReplayed.body as UsageView).toMatchObject({ id: refused.id, cost_usd: COST });
    expect(await storedCount(refused.id)).toBe(1);
    expect(await usedUsd()).toBeCloseTo(before + COST, 9);
    expect((await list()).map((l) => l.id)).not.toContain(twin.id);
  });

  it('should keep a record that breaks the contract parked, answering 400 with the reason', async () => {
    const broken = { ...record(keyId), input_tokens: -5 };
    const msgId = `broken-${randomUUID()}`;
    await publishRaw(broken, msgId);
    const letter = await parked(msgId);
    expect(letter.record).toMatchObject({ input_tokens: -5 });

    const answer = await replay(letter.id);
    expect(answer.status).toBe(400);
    expect(JSON.stringify(answer.body)).toContain('input_tokens');
    expect((await list()).map((l) => l.id)).toContain(letter.id);
    expect(await storedCount(broken.id)).toBe(0);
  });

  it('should answer 404 for an id that is no dead letter', async () => {
    for (const unknown of [randomUUID(), 'not-a-uuid']) {
      expect((await replay(unknown)).status).toBe(404);
    }
  });
});
