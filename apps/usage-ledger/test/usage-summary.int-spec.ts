// The usage summary on the admin API (`GET /admin/usage/summary`, relayed by ingress as admin.usage.summary.v1)
// against the real Postgres and NATS: records published as ingress publishes them, consumed and priced by the
// ledger, then summarised per hour and per day, by model and by key, with the figures computed by hand below
// (percentile_cont interpolates: the p50 of 100 and 300 is 200, their p95 290), the groups past `limit` folded
// into `other`, the filters applied, and a range past the answer's bounds refused with the parameter named.
import { INestApplication } from '@nestjs/common';
import {
  AdminModelPut,
  AdminUsageList,
  AdminUsageSummary,
  UsageRecord,
  UsageRecorded,
  UsageSummary,
} from '@relaymesh/contracts';
import { ClientProxyBus, JetStreamChannel, PrefixedNatsClient } from '@relaymesh/messaging';
import {
  TEST_DATABASE_URL,
  TEST_NATS_URL,
  deleteStreamsWithPrefix,
  dropSchemasWithPrefix,
  uniqueTestId,
  waitFor,
} from '@relaymesh/testing';
import { randomUUID } from 'node:crypto';
import { loadUsageLedgerEnv } from '../src/config/usage-ledger.env';
import { startUsageLedger } from '../src/usage-ledger.app';

const HOUR = 3_600_000;
/** The first bucket: a past hour, so the records are summarised by explicit since/until only. */
const H = Date.parse('2026-01-05T10:00:00Z');
const at = (minutes: number) => new Date(H + minutes * 60_000).toISOString();
const COST_A = (1000 * 2 + 200 * 8) / 1e6;
const COST_B = (1000 * 1 + 200 * 1) / 1e6;

function record(over: Partial<UsageRecord>): UsageRecord {
  return {
    id: randomUUID(),
    request_id: randomUUID(),
    key_id: 'key-one',
    channel_id: 'channel-1',
    model: 'model-a',
    upstream_model: 'upstream',
    format: 'openai',
    route: 'chat_completions',
    stream: false,
    input_tokens: 1000,
    output_tokens: 200,
    cache_read_tokens: 0,
    cache_write_tokens: 0,
    status: 200,
    late_error: null,
    latency_ms: 100,
    ttft_ms: null,
    referer: null,
    title: null,
    attempts: 1,
    created_at: at(0),
    ...over,
  };
}

const failed = { input_tokens: 0, output_tokens: 0 };
const RECORDS: UsageRecord[] = [
  record({ created_at: at(10), latency_ms: 100, ttft_ms: 10 }),
  record({ created_at: at(20), status: 502, latency_ms: 300, ...failed }),
  record({ created_at: at(30), model: 'model-b', key_id: 'key-two', latency_ms: 50, ttft_ms: 5 }),
  record({ created_at: at(65), key_id: 'key-two', latency_ms: 200, ttft_ms: 20 }),
  record({ created_at: at(66), model: 'model-b', status: 429, latency_ms: 10, ...failed }),
  record({
    created_at: at(67),
    model: null,
    channel_id: null,
    status: 401,
    latency_ms: 1,
    ...failed,
  }),
];

describe('usage summary over NATS and Postgres', () => {
  const id = uniqueTestId('it_summary');
  const schemaPrefix = `${id}_`;
  let app: INestApplication | undefined;
  let bus: ClientProxyBus;
  let durable: JetStreamChannel;

  const summary = async (query: Record<string, unknown>) => {
    const reply = await bus.request(AdminUsageSummary, AdminUsageSummary.request.parse(query));
    return { status: reply.status, body: reply.body as UsageSummary };
  };
  const range = { since: at(0), until: at(120) };

  beforeAll(async () => {
    const env = loadUsageLedgerEnv({
      DATABASE_URL: TEST_DATABASE_URL,
      RELAYMESH_DB_SCHEMA_PREFIX: schemaPrefix,
      NATS_URL: TEST_NATS_URL,
      RELAYMESH_NATS_PREFIX: id,
      LOG_LEVEL: 'fatal',
    });
    bus = new ClientProxyBus(
      new PrefixedNatsClient({ url: TEST_NATS_URL, prefix: id, name: 'summary-it' }),
    );
    await bus.onModuleInit();
    durable = new JetStreamChannel({ url: TEST_NATS_URL, prefix: id, name: 'summary-it' });
    app = await startUsageLedger(
      env,
      { kind: 'nats', url: TEST_NATS_URL, prefix: id, name: 'summary-it' },
      false,
    );
    for (const [model, input, output] of [
      ['model-a', 2, 8],
      ['model-b', 1, 1],
    ] as const) {
      const priced = await bus.request(AdminModelPut, {
        model,
        price: AdminModelPut.request.shape.price.parse({
          input_usd_per_mtok: input,
          output_usd_per_mtok: output,
        }),
      });
      expect(priced.status).toBe(200);
    }
    for (const r of RECORDS) await durable.publish(UsageRecorded, r, r.id);
    await waitFor(
      async () => {
        const listed = await bus.request(AdminUsageList, AdminUsageList.request.parse(range));
        return (listed.body as { data: unknown[] }).data.length === RECORDS.length;
      },
      { what: 'every record stored', timeoutMs: 10_000 },
    );
  });

  afterAll(async () => {
    await app?.close();
    await durable?.onApplicationShutdown();
    await bus?.onApplicationShutdown();
    await dropSchemasWithPrefix(TEST_DATABASE_URL, schemaPrefix);
    await deleteStreamsWithPrefix(TEST_NATS_URL, id);
  });

  it('should sum each hour by model, with latency and TTFT percentiles, and the totals', async () => {
    const { status, body } = await summary({ ...range, group_by: 'model' });
    expect(status).toBe(200);
    const zero = { cache_read_tokens: 0, cache_write_tokens: 0 };
    expect(body).toEqual({
      interval: 'hour',
      group_by: 'model',
      since: at(0),
      until: at(120),
      groups: ['model-a', 'model-b', null],
      other_groups: 0,
      rows: [
        {
          start: at(0),
          group: 'model-a',
          requests: 2,
          errors: 1,
          input_tokens: 1000,
          output_tokens: 200,
          ...zero,
          cost_usd: expect.closeTo(COST_A, 9),
          latency_p50_ms: 200,
          latency_p95_ms: 290,
          ttft_p50_ms: 10,
        },
        {
          start: at(0),
          group: 'model-b',
          requests: 1,
          errors: 0,
          input_tokens: 1000,
          output_tokens: 200,
          ...zero,
          cost_usd: expect.closeTo(COST_B, 9),
          latency_p50_ms: 50,
          latency_p95_ms: 50,
          ttft_p50_ms: 5,
        },
        expect.objectContaining({ start: at(60), group: 'model-a', requests: 1, errors: 0 }),
        expect.objectContaining({ start: at(60), group: 'model-b', requests: 1, errors: 1 }),
        expect.objectContaining({
          start: at(60),
          group: null,
          requests: 1,
          errors: 1,
          ttft_p50_ms: null,
        }),
      ],
      totals: {
        requests: 6,
        errors: 3,
        input_tokens: 3000,
        output_tokens: 600,
        ...zero,
        cost_usd: expect.closeTo(2 * COST_A + COST_B, 9),
        // Latencies 1, 10, 50, 100, 200, 300; TTFTs 5, 10, 20.
        latency_p50_ms: 75,
        latency_p95_ms: 275,
        ttft_p50_ms: 10,
      },
    });
  });

  it('should keep the largest groups apart and fold the rest into other', async () => {
    const { body } = await summary({ ...range, group_by: 'model', limit: 1 });
    expect(body.groups).toEqual(['model-a']);
    expect(body.other_groups).toBe(2);
    expect(
      body.rows.map((r) => [r.start, r.group, r.other ?? false, r.requests, r.errors]),
    ).toEqual([
      [at(0), 'model-a', false, 2, 1],
      [at(0), null, true, 1, 0],
      [at(60), 'model-a', false, 1, 0],
      [at(60), null, true, 2, 2],
    ]);
    expect(body.totals.requests).toBe(6);
  });

  it('should sum per UTC day, ungrouped', async () => {
    const { body } = await summary({
      interval: 'day',
      since: '2026-01-05T00:00:00Z',
      until: '2026-01-06T00:00:00Z',
    });
    expect(body.rows).toEqual([
      expect.objectContaining({ start: '2026-01-05T00:00:00.000Z', requests: 6, errors: 3 }),
    ]);
    expect(body.rows[0]).not.toHaveProperty('group');
  });

  it('should filter by key, model, channel and status class', async () => {
    const totals = async (query: Record<string, unknown>) =>
      (await summary({ ...range, ...query })).body.totals.requests;
    expect(await totals({ key_id: 'key-two' })).toBe(2);
    expect(await totals({ model: 'model-b' })).toBe(2);
    expect(await totals({ channel_id: 'channel-1' })).toBe(5);
    expect(await totals({ status: 'error' })).toBe(3);
    expect(await totals({ status: 'ok' })).toBe(3);
    expect(await totals({ status: '4xx' })).toBe(2);
    expect(await totals({ status: '5xx', key_id: 'key-one' })).toBe(1);
    const byKey = await summary({ ...range, group_by: 'key', status: 'error' });
    expect(byKey.body.groups).toEqual(['key-one']);
  });

  it('should answer an empty range with no rows and zero totals', async () => {
    const { body } = await summary({ since: at(-120), until: at(-60), group_by: 'key' });
    expect(body).toMatchObject({ groups: [], other_groups: 0, rows: [] });
    expect(body.totals).toMatchObject({ requests: 0, cost_usd: 0, latency_p50_ms: null });
  });

  it('should refuse a range past its bounds with a 400 naming the parameter', async () => {
    const tooLong = await summary({ since: new Date(H - 1001 * HOUR).toISOString(), until: at(0) });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body).toMatchObject({
      error: { message: expect.stringContaining('since'), details: [{ path: ['since'] }] },
    });
    const tooWide = await summary({
      since: new Date(H - 720 * HOUR).toISOString(),
      until: at(0),
      group_by: 'key',
      limit: 100,
    });
    expect(tooWide.status).toBe(400);
    expect(tooWide.body).toMatchObject({ error: { details: [{ path: ['limit'] }] } });
  });
});
