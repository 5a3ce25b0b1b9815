// The dead letters on the admin API (issue 15, D1), in both transports against the real Postgres: a record
// Postgres refuses (a data error injected below the schema by a trigger) is parked, listed with its payload
// parsed back, refused on replay while the cause is still there (the row stays, nothing billed), and replayed
// once the trigger is gone: stored and billed once, the dead letter gone; a second replay is a 404, and a
// dead letter whose record was stored meanwhile (published again under another message id) is replayed
// without a second debit. A record that breaks the contract stays parked on replay with a 400.
import { INestApplication } from '@nestjs/common';
import {
  AdminKeyCreate,
  AdminModelPut,
  AdminReply,
  AdminUsageDeadLetterList,
  AdminUsageDeadLetterReplay,
  DeadLetterView,
  KeyCreateSchema,
  KeyViewSchema,
  UsageRecord,
  UsageRecorded,
  UsageView,
} from '@relaymesh/contracts';
import {
  BusClient,
  ClientProxyBus,
  DurableChannel,
  InProcessBroker,
  InProcessClient,
  InProcessDurableChannel,
  JetStreamChannel,
  PrefixedNatsClient,
  TransportConfig,
} from '@relaymesh/messaging';
import {
  TEST_DATABASE_URL,
  TEST_NATS_URL,
  deleteStreamsWithPrefix,
  dropSchemasWithPrefix,
  uniqueTestId,
  waitFor,
} from '@relaymesh/testing';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { loadUsageLedgerEnv } from '../src/config/usage-ledger.env';
import { startUsageLedger } from '../src/usage-ledger.app';

const PRICE = { input_usd_per_mtok: 2, output_usd_per_mtok: 8 };
const COST = (1000 * 2 + 200 * 8) / 1e6;
const REFUSED_TITLE = 'refused-until-fixed';

function record(keyId: string, overrides: Partial<UsageRecord> = {}): UsageRecord {
  return {
    id: randomUUID(),
    request_id: randomUUID(),
    key_id: keyId,
    channel_id: 'channel-1',
    model: 'priced-model',
    upstream_model: 'upstream-model',
    format: 'openai',
    route: 'chat_completions',
    stream: false,
    input_tokens: 1000,
    output_tokens: 200,
    cache_read_tokens: 0,
    cache_write_tokens: 0,
    status: 200,
    late_error: null,
    latency_ms: 12.5,
    ttft_ms: 3,
    referer: null,
    title: null,
    attempts: 1,
    created_at: new Date().toISOString(),
    ...overrides,
  };
}

describe.each(['nats', 'in-process'] as const)('usage-ledger dead-letter replay (%s)', (mode) => {
  const id = uniqueTestId(`it_replay_${mode}`);
  const schemaPrefix = `${id}_`;
  const schema = `${schemaPrefix}ledger`;
  let app: INestApplication | undefined;
  let bus: ClientProxyBus;
  let durable: DurableChannel;
  let pg: Client;
  let keyId: string;

  beforeAll(async () => {
    const env = loadUsageLedgerEnv({
      DATABASE_URL: TEST_DATABASE_URL,
      RELAYMESH_DB_SCHEMA_PREFIX: schemaPrefix,
      NATS_URL: TEST_NATS_URL,
      RELAYMESH_NATS_PREFIX: id,
      LOG_LEVEL: 'fatal',
    });
    let transport: TransportConfig;
    let client: BusClient;
    if (mode === 'nats') {
      transport = { kind: 'nats', url: TEST_NATS_URL, prefix: id, name: 'replay-it' };
      client = new PrefixedNatsClient({ url: TEST_NATS_URL, prefix: id, name: 'replay-it' });
      durable = new JetStreamChannel({ url: TEST_NATS_URL, prefix: id, name: 'replay-it' });
    } else {
      const broker = new InProcessBroker();
      transport = { kind: 'in-process', broker, name: 'usage-ledger' };
      client = new InProcessClient(broker);
      durable = InProcessDurableChannel.for(broker);
    }
    bus = new ClientProxyBus(client);
    await bus.onModuleInit();
    app = await startUsageLedger(env, transport, false);
    pg = new Client({ connectionString: TEST_DATABASE_URL });
    await pg.connect();

    const priced = await bus.request(AdminModelPut, {
      model: 'priced-model',
      price: AdminModelPut.request.shape.price.parse(PRICE),
    });
    expect(priced.status).toBe(200);
    const created: AdminReply = await bus.request(
      AdminKeyCreate,
      KeyCreateSchema.parse({ name: 'replay', credit_usd: 100 }),
    );
    expect(created.status).toBe(201);
    keyId = KeyViewSchema.parse(created.body).id;

    // The cause an operator fixes: Postgres refuses, with a data exception, a record titled REFUSED_TITLE.
    await pg.query(`
      CREATE FUNCTION "${schema}".refuse_marked() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.title = '${REFUSED_TITLE}' THEN
          RAISE EXCEPTION 'refused by the test' USING ERRCODE = '22023';
        END IF;
        RETURN NEW;
      END $$`);
    await pg.query(`
      CREATE TRIGGER refuse_marked BEFORE INSERT ON "${schema}".usage_records
      FOR EACH ROW EXECUTE FUNCTION "${schema}".refuse_marked()`);
  });

  afterAll(async () => {
    await app?.close();
    if (durable instanceof JetStreamChannel) await durable.onApplicationShutdown();
    await bus?.onApplicationShutdown();
    await pg?.end();
    await dropSchemasWithPrefix(TEST_DATABASE_URL, schemaPrefix);
    if (mode === 'nats') await deleteStreamsWithPrefix(TEST_NATS_URL, id);
  });

  /** Publishes as an older ingress would: whatever the payload, straight onto the subject. */
  function publishRaw(payload: unknown, msgId: string): Promise<void> {
    return durable.publish(UsageRecorded, payload as UsageRecord, msgId);
  }

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
