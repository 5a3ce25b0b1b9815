// The usage-ledger's metering against the real Postgres and NATS JetStream: records published as ingress
// publishes them, priced, written and debited exactly once; redelivered after a failed transaction; pricing and
// usage answered over the admin requests.
import { INestApplication } from '@nestjs/common';
import {
  AdminKeyCreate,
  AdminModelDelete,
  AdminModelList,
  AdminModelPut,
  AdminReply,
  AdminUsageList,
  AdminUsageRequest,
  EventPayload,
  KeyChanged,
  KeyCreateSchema,
  KeyViewSchema,
  ModelPriceChanged,
  ModelPricesGet,
  UsageRecord,
  UsageRecorded,
  UsageViewSchema,
} from '@relaymesh/contracts';
import {
  ClientProxyBus,
  JetStreamChannel,
  PrefixedNatsClient,
  prefixed,
  streamNameFor,
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
import { jetstreamManager } from '@nats-io/jetstream';
import { NatsConnection, Subscription, connect } from '@nats-io/transport-node';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { z } from 'zod';
import { loadUsageLedgerEnv } from '../src/config/usage-ledger.env';
import { startUsageLedger } from '../src/usage-ledger.app';
import { LEDGER_CONSUMER } from '../src/usage/usage-writer.service';
import { metricSum, usageRecord } from './ledger-harness';

const id = uniqueTestId('it_metering');
const schemaPrefix = `${id}_`;
const schema = `${schemaPrefix}ledger`;
const natsPrefix = id;

type KeyChangedEvent = EventPayload<typeof KeyChanged>;
type PriceChangedEvent = EventPayload<typeof ModelPriceChanged>;

function record(overrides: Partial<UsageRecord> & { key_id: string }): UsageRecord {
  return usageRecord(overrides.key_id, overrides);
}

/** A counter of this process's registry, summed over its `result` label (or all of them). */
function metricValue(name: string, result?: string): Promise<number> {
  return metricSum(name, result === undefined ? {} : { result });
}

describe('usage-ledger metering over JetStream and Postgres', () => {
  let app: INestApplication | undefined;
  let client: PrefixedNatsClient;
  let bus: ClientProxyBus;
  /** The publishing side, as ingress has it. */
  let publisher: JetStreamChannel;
  let wire: NatsConnection;
  const subscriptions: Subscription[] = [];
  let pg: Client;
  const keyChanges: KeyChangedEvent[] = [];
  const priceChanges: PriceChangedEvent[] = [];

  beforeAll(async () => {
    const env = loadUsageLedgerEnv({
      DATABASE_URL: TEST_DATABASE_URL,
      RELAYMESH_DB_SCHEMA_PREFIX: schemaPrefix,
      NATS_URL: TEST_NATS_URL,
      RELAYMESH_NATS_PREFIX: natsPrefix,
      LOG_LEVEL: 'fatal',
    });
    wire = await connect({ servers: TEST_NATS_URL, name: 'metering-it-wire' });
    const listen = <T>(subject: string, parse: (data: unknown) => T, into: T[]) =>
      subscriptions.push(
        wire.subscribe(prefixed(natsPrefix, subject), {
          callback: (err, msg) => {
            if (!err) into.push(parse(msg.json<{ data: unknown }>().data));
          },
        }),
      );
    listen(KeyChanged.subject, (d) => KeyChanged.schema.parse(d), keyChanges);
    listen(ModelPriceChanged.subject, (d) => ModelPriceChanged.schema.parse(d), priceChanges);
    await wire.flush();
    pg = new Client({ connectionString: TEST_DATABASE_URL });
    await pg.connect();
    client = new PrefixedNatsClient({
      url: TEST_NATS_URL,
      prefix: natsPrefix,
      name: 'metering-it',
    });
    bus = new ClientProxyBus(client);
    await bus.onModuleInit();
    publisher = new JetStreamChannel({
      url: TEST_NATS_URL,
      prefix: natsPrefix,
      name: 'metering-it',
    });
    app = await startUsageLedger(
      env,
      { kind: 'nats', url: env.natsUrl, prefix: env.natsPrefix, name: 'usage-ledger-it' },
      false,
    );
  });

  afterAll(async () => {
    await app?.close();
    await publisher?.onApplicationShutdown();
    await bus?.onApplicationShutdown();
    subscriptions.forEach((s) => s.unsubscribe());
    await wire?.close();
    await pg?.end();
    await dropSchemasWithPrefix(TEST_DATABASE_URL, schemaPrefix);
    await deleteStreamsWithPrefix(TEST_NATS_URL, natsPrefix);
  });

  async function admin(reply: Promise<AdminReply>, status: number): Promise<unknown> {
    const answer = await reply;
    expect(answer.status).toBe(status);
    return answer.body;
  }

  async function createKey(name: string, creditUsd: number) {
    const body = await admin(
      bus.request(AdminKeyCreate, KeyCreateSchema.parse({ name, credit_usd: creditUsd })),
      201,
    );
    return KeyViewSchema.extend({ key: z.string() }).parse(body);
  }

  async function rows(recordId: string) {
    const result = await pg.query<{ cost_usd: string; input_tokens: string }>(
      `SELECT cost_usd, input_tokens FROM "${schema}".usage_records WHERE id = $1`,
      [recordId],
    );
    return result.rows;
  }

  async function usedUsd(keyId: string): Promise<number> {
    const result = await pg.query<{ used_usd: string }>(
      `SELECT used_usd FROM "${schema}".client_keys WHERE id = $1`,
      [keyId],
    );
    return Number(result.rows[0]?.used_usd);
  }

  async function usage(query: Record<string, unknown>) {
    const body = await admin(bus.request(AdminUsageList, AdminUsageList.request.parse(query)), 200);
    return z.object({ data: z.array(UsageViewSchema) }).parse(body).data;
  }

  describe('pricing', () => {
    it('should set a price (defaults for the cache multipliers), list it and announce it', async () => {
      const body = await admin(
        bus.request(AdminModelPut, {
          model: 'priced-model',
          price: AdminModelPut.request.shape.price.parse({
            input_usd_per_mtok: 2,
            output_usd_per_mtok: 8,
          }),
        }),
        200,
      );

      expect(body).toMatchObject({
        model: 'priced-model',
        input_usd_per_mtok: 2,
        output_usd_per_mtok: 8,
        cache_read_multiplier: 0.1,
        cache_write_multiplier: 1.25,
      });
      const listed = (await admin(bus.request(AdminModelList, {}), 200)) as { data: unknown[] };
      expect(listed.data).toEqual([body]);
      expect((await bus.request(ModelPricesGet, {})).data).toEqual([body]);
      await waitFor(() => priceChanges.find((c) => c.model === 'priced-model' && c.price), {
        what: 'pricing.model.changed.v1 for priced-model',
      });
    });

    it('should replace a price, and delete one (204, then 404), announcing the removal', async () => {
      const price = { input_usd_per_mtok: 1, output_usd_per_mtok: 1 };
      await admin(
        bus.request(AdminModelPut, {
          model: 'short-lived',
          price: AdminModelPut.request.shape.price.parse(price),
        }),
        200,
      );
      const replaced = await admin(
        bus.request(AdminModelPut, {
          model: 'short-lived',
          price: AdminModelPut.request.shape.price.parse({ ...price, cache_read_multiplier: 0.5 }),
        }),
        200,
      );
      expect(replaced).toMatchObject({ cache_read_multiplier: 0.5 });

      await admin(bus.request(AdminModelDelete, { model: 'short-lived' }), 204);
      await admin(bus.request(AdminModelDelete, { model: 'short-lived' }), 404);
      await waitFor(() => priceChanges.find((c) => c.model === 'short-lived' && !c.price), {
        what: 'pricing.model.changed.v1 removing short-lived',
      });
    });
  });

  describe('consuming usage.recorded', () => {
    it('should create the stream with a dedup window and a durable consumer with explicit acks', async () => {
      const key = await createKey('stream-check', 1);
      await publisher.publish(UsageRecorded, record({ key_id: key.id }), randomUUID());
      const jsm = await jetstreamManager(wire);
      const stream = streamNameFor(natsPrefix, UsageRecorded.subject);

      const info = await waitFor(() => jsm.consumers.info(stream, LEDGER_CONSUMER), {
        what: 'the ledger consumer',
      });
      const streamInfo = await jsm.streams.info(stream);

      expect(info.config).toMatchObject({ durable_name: LEDGER_CONSUMER, ack_policy: 'explicit' });
      expect(streamInfo.config.duplicate_window).toBe(120_000_000_000);
      expect(streamInfo.config.subjects).toEqual([prefixed(natsPrefix, UsageRecorded.subject)]);
    });

    it('should write a record once and debit its key once, whether JetStream or the ledger drops the duplicate', async () => {
      const key = await createKey('debited-once', 5);
      const sent = record({
        key_id: key.id,
        input_tokens: 10_000,
        output_tokens: 2_000,
        cache_read_tokens: 6_000,
        cache_write_tokens: 1_000,
      });
      const cost = (3_000 * 2 + 6_000 * 2 * 0.1 + 1_000 * 2 * 1.25 + 2_000 * 8) / 1e6;

      // Same msgID twice: JetStream stores it once. Another msgID for the same record: stored twice,
      // so the second reaches the ledger, whose unique record id makes it a no-op.
      const duplicatesBefore = await metricValue('relaymesh_ledger_records_total', 'duplicate');
      await publisher.publish(UsageRecorded, sent, sent.id);
      await publisher.publish(UsageRecorded, sent, sent.id);
      await publisher.publish(UsageRecorded, sent, `${sent.id}-again`);
      await waitFor(
        async () =>
          (await metricValue('relaymesh_ledger_records_total', 'duplicate')) ===
          duplicatesBefore + 1,
        { what: 'the ledger to skip the re-published record as a duplicate' },
      );
      const change = await waitFor(
        () => keyChanges.find((c) => c.id === key.id && c.debited?.includes(sent.id)),
        { what: 'key.changed with the debit' },
      );
      await waitFor(
        async () => {
          const info = await (
            await jetstreamManager(wire)
          ).consumers.info(streamNameFor(natsPrefix, UsageRecorded.subject), LEDGER_CONSUMER);
          return info.num_pending === 0 && info.num_ack_pending === 0;
        },
        { what: 'every message acknowledged' },
      );

      const stored = await rows(sent.id);
      expect(stored).toHaveLength(1);
      expect(Number(stored[0].cost_usd)).toBeCloseTo(cost, 10);
      expect(await usedUsd(key.id)).toBeCloseTo(cost, 10);
      expect(change.key?.used_usd).toBeCloseTo(cost, 10);
      expect(change.key?.remaining_usd).toBeCloseTo(5 - cost, 10);
      expect(keyChanges.filter((c) => c.debited?.includes(sent.id))).toHaveLength(1);
    });

    it('should leave a batch whose transaction failed for redelivery, and write it once the database is back', async () => {
      const key = await createKey('redelivered', 5);
      const sent = record({ key_id: key.id });
      const failuresBefore = await metricValue('relaymesh_ledger_batch_failures_total');
      await pg.query(`ALTER TABLE "${schema}".usage_records RENAME TO usage_records_away`);
      try {
        await publisher.publish(UsageRecorded, sent, sent.id);
        await waitFor(
          async () => (await metricValue('relaymesh_ledger_batch_failures_total')) > failuresBefore,
          { what: 'a failed batch' },
        );
      } finally {
        await pg.query(`ALTER TABLE "${schema}".usage_records_away RENAME TO usage_records`);
      }

      await waitFor(async () => (await rows(sent.id)).length === 1, {
        what: 'the redelivered record written',
      });
      expect(await usedUsd(key.id)).toBeCloseTo((1000 * 2 + 200 * 8) / 1e6, 10);
    });

    it('should keep the model series of its metrics bounded whatever model names clients send (issue 15, D4)', async () => {
      const key = await createKey('made-up-models', 5);
      const series = async () =>
        (await registry.getMetricsAsJSON())
          .filter((m) =>
            ['relaymesh_ledger_tokens_total', 'relaymesh_ledger_cost_usd_total'].includes(m.name),
          )
          .reduce((n, m) => n + m.values.length, 0);
      // As ingress records a request for a model outside the catalogue: refused before any channel was tried.
      const madeUp = Array.from({ length: 50 }, () =>
        record({ key_id: key.id, model: `made-up-${randomUUID()}`, channel_id: null, attempts: 0 }),
      );
      await publisher.publish(UsageRecorded, madeUp[0], madeUp[0].id);
      await waitFor(async () => (await rows(madeUp[0].id)).length === 1, { what: 'the first' });
      const before = await series();

      for (const r of madeUp.slice(1)) await publisher.publish(UsageRecorded, r, r.id);
      await waitFor(async () => (await rows(madeUp[49].id)).length === 1, { what: 'the last' });
      for (const r of madeUp) expect(await rows(r.id)).toHaveLength(1);

      expect(await series()).toBe(before);
    });

    it('should meter a model without a price at zero cost', async () => {
      const key = await createKey('unpriced', 5);
      const sent = record({ key_id: key.id, model: 'nobody-priced-me', upstream_model: null });

      await publisher.publish(UsageRecorded, sent, sent.id);

      await waitFor(async () => (await rows(sent.id)).length === 1, { what: 'the record' });
      expect(Number((await rows(sent.id))[0].cost_usd)).toBe(0);
      expect(await usedUsd(key.id)).toBe(0);
    });
  });

  describe('GET /admin/usage', () => {
    it('should filter by key, request id, model and time, newest first, within the limit', async () => {
      const key = await createKey('queried', 100);
      const other = await createKey('queried-other', 100);
      const base = Date.parse('2030-01-01T00:00:00Z');
      const mine = [0, 1, 2, 3].map((n) =>
        record({
          key_id: key.id,
          model: n % 2 === 0 ? 'priced-model' : 'other-model',
          created_at: new Date(base + n * 1000).toISOString(),
          referer: 'https://app.example',
          title: 'Example',
        }),
      );
      const theirs = record({ key_id: other.id, created_at: new Date(base).toISOString() });
      for (const r of [...mine, theirs]) await publisher.publish(UsageRecorded, r, r.id);
      await waitFor(async () => (await usage({ key_id: key.id })).length === 4, {
        what: 'four records of the key',
      });

      const all = await usage({ key_id: key.id });
      expect(all.map((r) => r.id)).toEqual([mine[3].id, mine[2].id, mine[1].id, mine[0].id]);
      expect(all[0]).toMatchObject({
        request_id: mine[3].request_id,
        key_id: key.id,
        channel_id: 'channel-1',
        upstream_model: 'upstream-model',
        format: 'openai',
        input_tokens: 1000,
        output_tokens: 200,
        status: 200,
        latency_ms: 12.5,
        ttft_ms: 3,
        referer: 'https://app.example',
        title: 'Example',
        created_at: mine[3].created_at,
      });
      expect((await usage({ key_id: key.id, limit: 2 })).map((r) => r.id)).toEqual([
        mine[3].id,
        mine[2].id,
      ]);
      expect((await usage({ request_id: mine[1].request_id })).map((r) => r.id)).toEqual([
        mine[1].id,
      ]);
      expect((await usage({ key_id: key.id, model: 'other-model' })).map((r) => r.id)).toEqual([
        mine[3].id,
        mine[1].id,
      ]);
      expect(
        (
          await usage({
            key_id: key.id,
            since: new Date(base + 1000).toISOString(),
            until: new Date(base + 3000).toISOString(),
          })
        ).map((r) => r.id),
      ).toEqual([mine[2].id, mine[1].id]);
    });

    it('should refuse a limit above 1000 at the contract', () => {
      expect(AdminUsageList.request.safeParse({ limit: 1001 }).success).toBe(false);
      expect(AdminUsageList.request.parse({})).toEqual({ limit: 100 });
    });
  });

  describe('GET /admin/requests/{request_id}', () => {
    it('should keep each attempt of a failed-over request and answer every record of the request id', async () => {
      const key = await createKey('explored', 100);
      const attempt_log = [
        {
          channel_id: 'channel-down',
          model: 'priced-model',
          upstream_model: 'upstream-model',
          status: 500,
          error_class: 'server' as const,
          started_ms: 0.25,
          duration_ms: 4.5,
        },
        {
          channel_id: 'channel-1',
          model: 'fallback-model',
          upstream_model: null,
          status: 200,
          error_class: 'none' as const,
          started_ms: 5,
          duration_ms: 7.5,
        },
      ];
      const requestId = `explored-${randomUUID()}`;
      const failedOver = record({
        key_id: key.id,
        request_id: requestId,
        attempts: 2,
        attempt_log,
      });
      // The same request id reused by the client, from an ingress that logged no attempts.
      const reused = record({
        key_id: key.id,
        request_id: requestId,
        created_at: new Date(Date.parse(failedOver.created_at) + 1000).toISOString(),
      });
      for (const r of [failedOver, reused]) await publisher.publish(UsageRecorded, r, r.id);
      const explore = (request_id: string) =>
        bus.request(AdminUsageRequest, AdminUsageRequest.request.parse({ request_id }));
      const answer = await waitFor(
        async () => {
          const reply = await explore(requestId);
          return (reply.body as { data?: unknown[] }).data?.length === 2 ? reply : null;
        },
        { what: 'both records of the request id' },
      );
      expect(answer.status).toBe(200);
      const data = z.object({ data: z.array(UsageViewSchema) }).parse(answer.body).data;
      expect(data.map((r) => r.id)).toEqual([reused.id, failedOver.id]);
      expect(data[1]).toMatchObject({ attempts: 2, attempt_log });
      expect(data[0].attempt_log).toBeUndefined();
      expect((await explore(`missing-${randomUUID()}`)).status).toBe(404);
    });
  });
});
