// One bad usage record never holds up the others (issue 15, D1), in both transports: JetStream (distributed
// mode) and the in-process durable channel (embedded mode), against the real Postgres. Records are published
// straight onto the subject, as an older ingress without the source normaliser would: a string Postgres cannot
// store is normalised at the ledger's edge; a record Postgres still refuses (a data error, injected here below
// the schema by a trigger) is parked in the dead-letter table with its reason while the rest of its batch
// commits; a record breaking the contract is parked too; a database outage parks nothing.
import { INestApplication } from '@nestjs/common';
import {
  AdminKeyCreate,
  AdminModelPut,
  LedgerCaughtUp,
  AdminReply,
  KeyCreateSchema,
  KeyViewSchema,
  UsageRecord,
  UsageRecorded,
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
  prefixed,
} from '@relaymesh/messaging';
import { registry } from '@relaymesh/telemetry';
import {
  TEST_DATABASE_URL,
  TEST_NATS_URL,
  deleteStreamsWithPrefix,
  dropSchemasWithPrefix,
  uniqueTestId,
  waitFor,
} from '@relaymesh/testing';
import { NatsConnection, connect } from 'nats';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { loadUsageLedgerEnv } from '../src/config/usage-ledger.env';
import { startUsageLedger } from '../src/usage-ledger.app';

const PRICE = { input_usd_per_mtok: 2, output_usd_per_mtok: 8 };
const COST = (1000 * 2 + 200 * 8) / 1e6;

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

async function counter(name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  return (metric?.values ?? [])
    .filter((v) => Object.entries(labels).every(([k, want]) => v.labels[k] === want))
    .reduce((sum, v) => sum + v.value, 0);
}

describe.each(['nats', 'in-process'] as const)('usage-ledger dead letters (%s)', (mode) => {
  const id = uniqueTestId(`it_dead_${mode}`);
  const schemaPrefix = `${id}_`;
  const schema = `${schemaPrefix}ledger`;
  let app: INestApplication | undefined;
  let bus: ClientProxyBus;
  let durable: DurableChannel;
  let pg: Client;
  let keyId: string;
  let wire: NatsConnection | undefined;
  /** The `caught_up_at` of every usage.ledger.caught-up.v1 heard, in ms. */
  const caughtUp: number[] = [];
  const heard = (data: unknown) =>
    caughtUp.push(Date.parse(LedgerCaughtUp.schema.parse(data).caught_up_at));

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
      transport = { kind: 'nats', url: TEST_NATS_URL, prefix: id, name: 'dead-letter-it' };
      client = new PrefixedNatsClient({ url: TEST_NATS_URL, prefix: id, name: 'dead-letter-it' });
      durable = new JetStreamChannel({ url: TEST_NATS_URL, prefix: id, name: 'dead-letter-it' });
      wire = await connect({ servers: TEST_NATS_URL });
      wire.subscribe(prefixed(id, LedgerCaughtUp.subject), {
        callback: (err, msg) => {
          if (!err) heard(msg.json<{ data: unknown }>().data);
        },
      });
    } else {
      const broker = new InProcessBroker();
      transport = { kind: 'in-process', broker, name: 'usage-ledger' };
      client = new InProcessClient(broker);
      durable = InProcessDurableChannel.for(broker);
      broker.subscribe(LedgerCaughtUp.subject, (data) => Promise.resolve(heard(data)));
    }
    bus = new ClientProxyBus(client);
    await bus.onModuleInit();
    app = await startUsageLedger(env, transport, false);
    pg = new Client({ connectionString: TEST_DATABASE_URL });
    await pg.connect();

    const answer = await bus.request(AdminModelPut, {
      model: 'priced-model',
      price: AdminModelPut.request.shape.price.parse(PRICE),
    });
    expect(answer.status).toBe(200);
    const created: AdminReply = await bus.request(
      AdminKeyCreate,
      KeyCreateSchema.parse({ name: 'dead-letter', credit_usd: 100 }),
    );
    expect(created.status).toBe(201);
    keyId = KeyViewSchema.parse(created.body).id;

    // Below the schema: Postgres refuses, with a data exception, any record titled `refuse-me`.
    await pg.query(`
      CREATE FUNCTION "${schema}".refuse_marked() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.title = 'refuse-me' THEN
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
    await wire?.close();
    await pg?.end();
    await dropSchemasWithPrefix(TEST_DATABASE_URL, schemaPrefix);
    if (mode === 'nats') await deleteStreamsWithPrefix(TEST_NATS_URL, id);
  });

  /** Publishes as an older ingress would: whatever the payload, straight onto the subject. */
  function publishRaw(payload: unknown, msgId: string): Promise<void> {
    return durable.publish(UsageRecorded, payload as UsageRecord, msgId);
  }

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
    await waitFor(() => caughtUp.some((at) => at > storedBy), {
      what: 'usage.ledger.caught-up.v1 after the records were written',
      timeoutMs: 12_000,
    });
  });
});
