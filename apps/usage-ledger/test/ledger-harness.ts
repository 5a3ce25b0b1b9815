// What the ledger's int tests share: a usage record to publish, the ledger started on either transport
// (JetStream as in distributed mode, the in-process durable channel as in embedded mode) against the real
// Postgres with a priced model and a key, and a trigger that makes Postgres refuse chosen records with a data
// error (what the source normaliser and the contract's schema cannot catch).
import { INestApplication } from '@nestjs/common';
import {
  AdminKeyCreate,
  AdminModelPut,
  AdminReply,
  EventContract,
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
} from '@relaymesh/testing';
import { NatsConnection, connect } from '@nats-io/transport-node';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { loadUsageLedgerEnv } from '../src/config/usage-ledger.env';
import { startUsageLedger } from '../src/usage-ledger.app';

export type LedgerTransport = 'nats' | 'in-process';

/** The price every harness puts on `priced-model`, and what one default usageRecord() costs at it. */
export const HARNESS_PRICE = { input_usd_per_mtok: 2, output_usd_per_mtok: 8 };
export const HARNESS_RECORD_COST = (1000 * 2 + 200 * 8) / 1e6;

/** A usage record as ingress publishes it: 1,000 tokens in, 200 out, of `priced-model`. */
export function usageRecord(keyId: string, overrides: Partial<UsageRecord> = {}): UsageRecord {
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

/** A metric of this process's registry (the ledger runs in the test's process), summed over matching labels. */
export async function metricSum(
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  return (metric?.values ?? [])
    .filter((v) => Object.entries(labels).every(([k, want]) => v.labels[k] === want))
    .reduce((sum, v) => sum + v.value, 0);
}

export interface LedgerHarness {
  readonly app: INestApplication;
  readonly bus: ClientProxyBus;
  readonly durable: DurableChannel;
  readonly pg: Client;
  /** The ledger's schema. */
  readonly schema: string;
  /** A key with $100 of credit. */
  readonly keyId: string;
  /** Publishes as an older ingress would: whatever the payload, straight onto usage.recorded. */
  publishRaw(payload: unknown, msgId: string): Promise<void>;
  /** Hears an event the ledger emits, on whichever transport it runs. */
  listen(event: EventContract, heard: (data: unknown) => void): Promise<void>;
  close(): Promise<void>;
}

/** The ledger on `transport` in its own schema and subject prefix, `priced-model` priced and a key made. */
export async function startLedgerHarness(
  transport: LedgerTransport,
  label: string,
): Promise<LedgerHarness> {
  const id = uniqueTestId(`${label}_${transport === 'nats' ? 'nats' : 'inproc'}`);
  const schemaPrefix = `${id}_`;
  const env = loadUsageLedgerEnv({
    DATABASE_URL: TEST_DATABASE_URL,
    RELAYMESH_DB_SCHEMA_PREFIX: schemaPrefix,
    NATS_URL: TEST_NATS_URL,
    RELAYMESH_NATS_PREFIX: id,
    LOG_LEVEL: 'fatal',
  });
  let config: TransportConfig;
  let client: BusClient;
  let durable: DurableChannel;
  let broker: InProcessBroker | null = null;
  const nats = { url: TEST_NATS_URL, prefix: id, name: `${label}-it` };
  if (transport === 'nats') {
    config = { kind: 'nats', ...nats };
    client = new PrefixedNatsClient(nats);
    durable = new JetStreamChannel(nats);
  } else {
    broker = new InProcessBroker();
    config = { kind: 'in-process', broker, name: 'usage-ledger' };
    client = new InProcessClient(broker);
    durable = InProcessDurableChannel.for(broker);
  }
  const bus = new ClientProxyBus(client);
  await bus.onModuleInit();
  const app = await startUsageLedger(env, config, false);
  const pg = new Client({ connectionString: TEST_DATABASE_URL });
  await pg.connect();
  let wire: NatsConnection | null = null;

  const priced = await bus.request(AdminModelPut, {
    model: 'priced-model',
    price: AdminModelPut.request.shape.price.parse(HARNESS_PRICE),
  });
  if (priced.status !== 200) throw new Error(`price refused: ${JSON.stringify(priced.body)}`);
  const created: AdminReply = await bus.request(
    AdminKeyCreate,
    KeyCreateSchema.parse({ name: label, credit_usd: 100 }),
  );
  if (created.status !== 201) throw new Error(`key refused: ${JSON.stringify(created.body)}`);

  return {
    app,
    bus,
    durable,
    pg,
    schema: `${schemaPrefix}ledger`,
    keyId: KeyViewSchema.parse(created.body).id,
    publishRaw: (payload, msgId) => durable.publish(UsageRecorded, payload as UsageRecord, msgId),
    async listen(event, heard) {
      if (broker) {
        broker.subscribe(event.subject, (data) => Promise.resolve(heard(data)));
        return;
      }
      wire ??= await connect({ servers: TEST_NATS_URL });
      wire.subscribe(prefixed(id, event.subject), {
        callback: (err, msg) => {
          if (!err) heard(msg.json<{ data: unknown }>().data);
        },
      });
      await wire.flush();
    },
    async close() {
      await app.close();
      if (durable instanceof JetStreamChannel) await durable.onApplicationShutdown();
      await bus.onApplicationShutdown();
      await wire?.close();
      await pg.end();
      await dropSchemasWithPrefix(TEST_DATABASE_URL, schemaPrefix);
      if (transport === 'nats') await deleteStreamsWithPrefix(TEST_NATS_URL, id);
    },
  };
}

/** Makes Postgres refuse, with a data exception (SQLSTATE 22023), every usage record titled `title`. */
export async function refuseRecordsTitled(
  pg: Client,
  schema: string,
  title: string,
): Promise<void> {
  await pg.query(`
    CREATE FUNCTION "${schema}".refuse_marked() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.title = '${title}' THEN
        RAISE EXCEPTION 'refused by the test' USING ERRCODE = '22023';
      END IF;
      RETURN NEW;
    END $$`);
  await pg.query(`
    CREATE TRIGGER refuse_marked BEFORE INSERT ON "${schema}".usage_records
    FOR EACH ROW EXECUTE FUNCTION "${schema}".refuse_marked()`);
}
