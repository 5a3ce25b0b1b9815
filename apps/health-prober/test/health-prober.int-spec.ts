// The health-prober against the real Postgres and NATS, as two replicas: upstream outcomes in as ingress emits
// them, channels from a routing snapshot as the router broadcasts it, probes against a fake OpenAI, health
// changes observed on the wire (each change, and the whole table re-announced). One replica leads (persists,
// publishes, probes); the other takes over when it goes.
import { INestApplication } from '@nestjs/common';
import {
  AdminChannelTest,
  ChannelHealthAnnounced,
  ChannelHealthChanged,
  ChannelHealthGet,
  ChannelHealthTable,
  ChannelTestResultSchema,
  EventPayload,
  RoutingSnapshotPublished,
  SnapshotChannel,
  UpstreamOutcome,
  UpstreamOutcomesRecorded,
} from '@relaymesh/contracts';
import { SecretBox } from '@relaymesh/secrets';
import { ClientProxyBus, PrefixedNatsClient, prefixed } from '@relaymesh/messaging';
import {
  FakeOpenAI,
  TEST_DATABASE_URL,
  TEST_NATS_URL,
  dropSchemasWithPrefix,
  uniqueTestId,
  waitFor,
} from '@relaymesh/testing';
import { NatsConnection, Subscription, connect } from '@nats-io/transport-node';
import { Client } from 'pg';
import { dataSourceOptions, openDatabase } from '@relaymesh/persistence';
import { loadHealthProberEnv } from '../src/config/health-prober.env';
import { healthProberMigrations } from '../src/database/migrations';
import { ChannelHealthRecord } from '../src/health/channel-health.entity';
import { HealthTransitionRecord } from '../src/health/health-transition.entity';
import { startHealthProber } from '../src/health-prober.app';
import { HealthService } from '../src/health/health.service';
import { LeaderElection } from '../src/leadership/leader-election.service';
import { PROBE_HEADER } from '../src/probes/probe-request';

const id = uniqueTestId('it_prober');
const schemaPrefix = `${id}_`;
const schema = `${schemaPrefix}prober`;
const secretKey = SecretBox.generateSecret();
const secrets = new SecretBox(secretKey);

type HealthEvent = EventPayload<typeof ChannelHealthChanged>;

const CHANNEL_HEALTHY = '11111111-1111-4111-8111-111111111111';
const CHANNEL_BAD_KEY = '22222222-2222-4222-8222-222222222222';
const CHANNEL_FLAKY = '33333333-3333-4333-8333-333333333333';

describe('health-prober over NATS and Postgres, two replicas', () => {
  let upstream: FakeOpenAI;
  const replicas: INestApplication[] = [];
  let bus: ClientProxyBus;
  let wire: NatsConnection;
  let subscription: Subscription;
  let pg: Client;
  /** Every channel.health.changed under the suite's prefix, in wire order. */
  const published: HealthEvent[] = [];
  /** Every channel.health.announced (the leader's whole table), in wire order. */
  const announced: ChannelHealthTable[] = [];
  let announcements: Subscription;

  const snapshotChannel = (
    channelId: string,
    name: string,
    key: string,
    baseUrl: string,
  ): SnapshotChannel => ({
    id: channelId,
    name,
    type: 'openai',
    base_url: baseUrl,
    keys_encrypted: [secrets.encrypt(key)],
    secret_headers_encrypted: {},
    models: ['house-model'],
    model_mapping: { 'house-model': 'gpt-5-mini' },
    variant_suffixes: [],
    body_override: {},
    groups: ['default'],
    priority: 0,
    weight: 1,
    status: 'enabled',
    timeout_ms: 5_000,
    headers: {},
  });

  const outcome = (channelId: string, over: Partial<UpstreamOutcome> = {}): UpstreamOutcome => ({
    channel_id: channelId,
    model: 'house-model',
    status: 500,
    error_class: 'server',
    latency_ms: 20,
    message: '{"error":{"message":"boom","type":"server_error","code":null}}',
    at: new Date().toISOString(),
    ...over,
  });

  const leaders = () => replicas.filter((app) => app.get(LeaderElection).isLeader);
  const eventsFor = (channelId: string, state?: string) =>
    published.filter((e) => e.channel_id === channelId && (!state || e.health.state === state));

  beforeAll(async () => {
    upstream = await FakeOpenAI.start({ keys: ['sk-upstream-good'] });
    wire = await connect({ servers: TEST_NATS_URL, name: 'prober-it-wire' });
    subscription = wire.subscribe(prefixed(id, ChannelHealthChanged.subject), {
      callback: (err, msg) => {
        if (err) return;
        published.push(ChannelHealthChanged.schema.parse(msg.json<{ data: unknown }>().data));
      },
    });
    announcements = wire.subscribe(prefixed(id, ChannelHealthAnnounced.subject), {
      callback: (err, msg) => {
        if (err) return;
        announced.push(ChannelHealthAnnounced.schema.parse(msg.json<{ data: unknown }>().data));
      },
    });
    await wire.flush();
    pg = new Client({ connectionString: TEST_DATABASE_URL });
    await pg.connect();
    bus = new ClientProxyBus(
      new PrefixedNatsClient({ url: TEST_NATS_URL, prefix: id, name: 'prober-it-ingress' }),
    );
    await bus.onModuleInit();

    const env = loadHealthProberEnv({
      DATABASE_URL: TEST_DATABASE_URL,
      RELAYMESH_DB_SCHEMA_PREFIX: schemaPrefix,
      NATS_URL: TEST_NATS_URL,
      RELAYMESH_NATS_PREFIX: id,
      RELAYMESH_SECRET_KEY: secretKey,
      LOG_LEVEL: 'error',
      RELAYMESH_HEALTH_TICK_MS: '50',
      RELAYMESH_HEALTH_FLUSH_MS: '100',
      RELAYMESH_HEALTH_LEADER_CHECK_MS: '200',
      RELAYMESH_HEALTH_EJECTION_BASE_MS: '300',
      RELAYMESH_HEALTH_EJECTION_JITTER: '0',
      RELAYMESH_HEALTH_PROBE_INTERVAL_MS: '100',
      RELAYMESH_HEALTH_RAMP_MS: '300',
      RELAYMESH_HEALTH_ANNOUNCE_MS: '300',
    });
    for (const name of ['prober-a', 'prober-b']) {
      replicas.push(
        await startHealthProber(env, { kind: 'nats', url: TEST_NATS_URL, prefix: id, name }, false),
      );
    }
    bus.emit(RoutingSnapshotPublished, {
      version: 1,
      published_at: new Date().toISOString(),
      channels: [
        snapshotChannel(CHANNEL_HEALTHY, 'healthy-one', 'sk-upstream-good', upstream.url),
        snapshotChannel(CHANNEL_BAD_KEY, 'bad-key', 'sk-upstream-revoked', upstream.url),
        snapshotChannel(CHANNEL_FLAKY, 'flaky', 'sk-upstream-good', upstream.url),
      ],
    });
  });

  afterAll(async () => {
    await Promise.all(replicas.map((app) => app.close()));
    await bus?.onApplicationShutdown();
    subscription?.unsubscribe();
    announcements?.unsubscribe();
    await wire?.close();
    await pg?.end();
    await upstream?.close();
    await dropSchemasWithPrefix(TEST_DATABASE_URL, schemaPrefix);
  });

  it('should undo its last migrations with down(), and redo them with up()', async () => {
    const scratch = `${schemaPrefix}scratch`;
    const dataSource = await openDatabase(
      dataSourceOptions(
        { url: TEST_DATABASE_URL, schema: scratch, poolSize: 1 },
        {
          entities: [ChannelHealthRecord, HealthTransitionRecord],
          migrations: healthProberMigrations,
        },
      ),
    );
    const shape = async () => {
      const { rows } = await pg.query<{ table_name: string; column_name: string }>(
        `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = $1`,
        [scratch],
      );
      return {
        history: rows.some((r) => r.table_name === 'channel_health_transitions'),
        machine: rows.some((r) => r.table_name === 'channel_health' && r.column_name === 'machine'),
        details: rows.some(
          (r) => r.table_name === 'channel_health_transitions' && r.column_name === 'error_class',
        ),
      };
    };
    try {
      expect(await shape()).toEqual({ history: true, machine: true, details: true });
      await dataSource.undoLastMigration({ transaction: 'each' });
      expect(await shape()).toEqual({ history: true, machine: true, details: false });
      await dataSource.undoLastMigration({ transaction: 'each' });
      expect(await shape()).toEqual({ history: false, machine: false, details: false });
      await dataSource.runMigrations({ transaction: 'each' });
      expect(await shape()).toEqual({ history: true, machine: true, details: true });
    } finally {
      await dataSource.destroy();
    }
  });

  it('should elect exactly one leader', async () => {
    await waitFor(() => leaders().length === 1, { what: 'one leader' });
    expect(leaders()).toHaveLength(1);
  });

  it('should eject a channel after 5 consecutive failures, publish it once and store the transition', async () => {
    // The admin test needs the snapshot: ask until the channels are known.
    await waitFor(
      async () => (await bus.request(AdminChannelTest, { id: CHANNEL_HEALTHY })).status === 200,
      { what: 'the prober to know the channels' },
    );
    // Five failures in one batch, as ingress sends them.
    bus.emit(UpstreamOutcomesRecorded, {
      outcomes: Array.from({ length: 5 }, () => outcome(CHANNEL_FLAKY)),
    });
    const ejected = await waitFor(() => eventsFor(CHANNEL_FLAKY, 'ejected')[0], {
      what: 'the flaky channel ejected on the wire',
    });
    expect(ejected.health).toMatchObject({
      consecutive_failures: 5,
      last_error: '500 server_error: boom',
    });
    expect(ejected.health.reason).toMatch(/^5 consecutive failures/);

    const { rows } = await waitFor(
      async () => {
        const result = await pg.query<{ from_state: string; to_state: string; reason: string }>(
          `SELECT from_state, to_state, reason FROM "${schema}".channel_health_transitions
           WHERE channel_id = $1 ORDER BY id`,
          [CHANNEL_FLAKY],
        );
        return result.rows.some((r) => r.to_state === 'ejected') ? result : null;
      },
      { what: 'the ejection in the transition history' },
    );
    expect(rows.slice(0, 2)).toEqual([
      expect.objectContaining({ from_state: 'unknown', to_state: 'degraded' }),
      expect.objectContaining({ from_state: 'degraded', to_state: 'ejected' }),
    ]);
  });

  it('should re-announce its whole table every interval, and answer it on request, so a missed change heals', async () => {
    const ejectedAt = announced.length;
    // Two announcements after the ejection: the table is sent again whether or not anything changed.
    const [first, second] = await waitFor(
      () => {
        const tables = announced
          .slice(ejectedAt)
          .filter((t) => t.channels.some((c) => c.channel_id === CHANNEL_FLAKY));
        return tables.length >= 2 ? tables : null;
      },
      { what: 'two announcements of the table' },
    );
    for (const table of [first, second]) {
      expect(table.channels.find((c) => c.channel_id === CHANNEL_FLAKY)?.health.state).toMatch(
        /ejected|recovering|healthy/,
      );
    }
    const asked = await bus.request(ChannelHealthGet, {});
    expect(asked.channels.map((c) => c.channel_id)).toEqual(
      expect.arrayContaining([CHANNEL_FLAKY]),
    );
    // A follower never saw the leader's probes: it answers from the store, which the leader keeps.
    const follower = replicas.find((app) => !app.get(LeaderElection).isLeader)!;
    const stored = await waitFor(
      async () =>
        (await follower.get(HealthService).table()).channels.find(
          (c) => c.channel_id === CHANNEL_FLAKY && c.health.state !== 'degraded',
        ),
      { what: 'the follower to answer with the stored ejection' },
    );
    expect(stored.health.state).toMatch(/ejected|recovering|healthy/);
  });

  it('should probe the ejected channel with one token, re-admit it at reduced weight, then fully', async () => {
    const recovering = await waitFor(() => eventsFor(CHANNEL_FLAKY, 'recovering')[0], {
      what: 'the flaky channel re-admitted after its probes',
    });
    expect(recovering.weight_factor).toBe(0.25);
    await waitFor(
      () =>
        published.findIndex((e) => e === recovering) <
        published.findLastIndex(
          (e) => e.channel_id === CHANNEL_FLAKY && e.health.state === 'healthy',
        ),
      { what: 'the flaky channel healthy after its ramp' },
    );
    const probes = upstream.requests.filter((r) => r.headers[PROBE_HEADER] === '1');
    expect(probes.length).toBeGreaterThanOrEqual(2);
    expect(probes[0]).toMatchObject({
      path: '/v1/chat/completions',
      headers: { authorization: 'Bearer sk-upstream-good' },
      body: { model: 'gpt-5-mini', max_completion_tokens: 1 },
    });
    // Only the leader probes and publishes: two leaders would double the probes and the transition events.
    const ejectedAt = Date.parse(eventsFor(CHANNEL_FLAKY, 'ejected')[0].health.disabled_at!);
    expect(probes.filter((r) => r.at >= ejectedAt)).toHaveLength(2);
    const ejections = eventsFor(CHANNEL_FLAKY, 'ejected').filter(
      (e) => e.health.last_checked_at === e.health.disabled_at,
    );
    expect(ejections).toHaveLength(1);
    expect(eventsFor(CHANNEL_FLAKY, 'recovering')).toHaveLength(1);
    // The transition is published and stored side by side: the row may land a moment after the event.
    const states = await waitFor(
      async () => {
        const { rows } = await pg.query<{ to_state: string }>(
          `SELECT to_state FROM "${schema}".channel_health_transitions WHERE channel_id = $1 ORDER BY id`,
          [CHANNEL_FLAKY],
        );
        return rows.at(-1)?.to_state === 'healthy' ? rows.map((r) => r.to_state) : null;
      },
      { what: 'the return to healthy in the transition history' },
    );
    expect(states).toEqual(['degraded', 'ejected', 'recovering', 'healthy']);
  });

  it('should disable a channel whose key is rejected and say why, through the admin test', async () => {
    const reply = await bus.request(AdminChannelTest, { id: CHANNEL_BAD_KEY });
    expect(reply.status).toBe(200);
    const result = ChannelTestResultSchema.parse(reply.body);
    expect(result).toMatchObject({
      ok: false,
      status: 401,
      error_class: 'auth',
      model: 'gpt-5-mini',
    });
    // Whichever replica answered, the leader's state is what gets published; the answering one folded it.
    expect(result.health.state).toBe('disabled');
    expect(result.health.reason).toMatch(/^upstream key rejected: 401 invalid_api_key/);
  });

  it('should keep a key the upstream echoes out of the probe result, the health and what it publishes', async () => {
    upstream.enqueueFault({
      kind: 'status',
      status: 401,
      echoHeaders: true,
      body: {
        error: {
          message: 'Incorrect API key',
          type: 'invalid_request_error',
          code: 'invalid_api_key',
        },
      },
    });
    const reply = await bus.request(AdminChannelTest, { id: CHANNEL_BAD_KEY });
    const result = ChannelTestResultSchema.parse(reply.body);

    expect(result.message).toContain('received headers');
    expect(upstream.lastRequest()!.headers['authorization']).toBe('Bearer sk-upstream-revoked');
    await replicas[0].get(HealthService).flush();
    await replicas[1].get(HealthService).flush();
    const stored = await pg.query<{ whole: string }>(
      `SELECT row_to_json(h)::text AS whole FROM "${schema}".channel_health h`,
    );
    for (const text of [
      JSON.stringify(result),
      JSON.stringify(eventsFor(CHANNEL_BAD_KEY)),
      stored.rows.map((r) => r.whole).join('\n'),
    ]) {
      expect(text).not.toContain('sk-upstream-revoked');
    }
  });

  it('should answer 404 for a channel it does not know', async () => {
    const reply = await bus.request(AdminChannelTest, {
      id: '99999999-9999-4999-8999-999999999999',
    });
    expect(reply.status).toBe(404);
  });

  it('should probe a disabled channel at once when its key is replaced, and re-admit it', async () => {
    bus.emit(UpstreamOutcomesRecorded, {
      outcomes: [
        outcome(CHANNEL_BAD_KEY, {
          status: 401,
          error_class: 'auth',
          message: '{"error":{"message":"Incorrect API key provided","code":"invalid_api_key"}}',
        }),
      ],
    });
    await waitFor(() => eventsFor(CHANNEL_BAD_KEY, 'disabled')[0], {
      what: 'the bad-key channel disabled by the leader',
    });
    // The operator fixes the key: the router broadcasts a newer snapshot. Disabled channels are otherwise
    // probed after a minute; this one is probed now.
    bus.emit(RoutingSnapshotPublished, {
      version: 2,
      published_at: new Date().toISOString(),
      channels: [
        snapshotChannel(CHANNEL_HEALTHY, 'healthy-one', 'sk-upstream-good', upstream.url),
        snapshotChannel(CHANNEL_BAD_KEY, 'bad-key', 'sk-upstream-good', upstream.url),
        snapshotChannel(CHANNEL_FLAKY, 'flaky', 'sk-upstream-good', upstream.url),
      ],
    });
    const recovering = await waitFor(() => eventsFor(CHANNEL_BAD_KEY, 'recovering')[0], {
      what: 'the fixed channel re-admitted',
      timeoutMs: 10_000,
    });
    expect(recovering.health.reason).toBeNull();
  });

  it('should hand the lead to the other replica when the leader goes, which then publishes', async () => {
    const [leader] = leaders();
    const follower = replicas.find((app) => app !== leader)!;
    const before = announced.length;
    await leader.close();
    replicas.splice(replicas.indexOf(leader), 1);
    await waitFor(() => follower.get(LeaderElection).isLeader, {
      what: 'the follower to take the lead',
    });
    // Taking over announces the whole table, from the stored states.
    const republished = await waitFor(
      () =>
        announced
          .slice(before)
          .flatMap((table) => table.channels)
          .find((e) => e.channel_id === CHANNEL_FLAKY && e.health.state === 'healthy'),
      { what: 'the new leader to announce the flaky channel as stored' },
    );
    expect(republished.weight_factor).toBe(1);
    // And it judges new outcomes from now on.
    for (let i = 0; i < 5; i++) {
      bus.emit(UpstreamOutcomesRecorded, {
        outcomes: [outcome(CHANNEL_HEALTHY, { error_class: 'timeout', status: 0, message: null })],
      });
    }
    const ejected = await waitFor(() => eventsFor(CHANNEL_HEALTHY, 'ejected')[0], {
      what: 'the new leader to eject on outcomes',
    });
    expect(ejected.health.last_error).toBe('timeout');
  });
});
