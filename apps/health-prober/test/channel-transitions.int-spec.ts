// A channel's health history on the admin API (`GET /admin/channels/{id}/transitions`, relayed by ingress as
// admin.channels.transitions.v1), against the real Postgres and NATS: newest first, with what moved the channel
// (error class, cause, consecutive failures, ejection count), the upstream key redacted from the reason even
// when an outcome arrives unredacted, bounded per channel (here to 3, pruned as new ones are stored), and 404
// for a channel the prober neither knows nor has a history of; and every channel's newest transitions
// (`GET /admin/transitions`, admin.health.transitions.v1) with the channel each belongs to.
import { INestApplication } from '@nestjs/common';
import {
  AdminChannelTransitions,
  AdminTransitions,
  ChannelTransitionView,
  HealthTransitionView,
  RoutingSnapshotPublished,
  UpstreamOutcome,
  UpstreamOutcomesRecorded,
} from '@relaymesh/contracts';
import { ClientProxyBus, PrefixedNatsClient } from '@relaymesh/messaging';
import { SecretBox } from '@relaymesh/secrets';
import {
  FakeOpenAI,
  TEST_DATABASE_URL,
  TEST_NATS_URL,
  dropSchemasWithPrefix,
  uniqueTestId,
  waitFor,
} from '@relaymesh/testing';
import { Client } from 'pg';
import { loadHealthProberEnv } from '../src/config/health-prober.env';
import { startHealthProber } from '../src/health-prober.app';

const id = uniqueTestId('it_history');
const schemaPrefix = `${id}_`;
const schema = `${schemaPrefix}prober`;
const secretKey = SecretBox.generateSecret();
const UPSTREAM_KEY = 'sk-upstream-history-0123456789';
const CHANNEL = '44444444-4444-4444-8444-444444444444';
const KEPT = 3;

describe('channel health history over NATS and Postgres', () => {
  let upstream: FakeOpenAI;
  let app: INestApplication;
  let bus: ClientProxyBus;
  let pg: Client;

  const history = async (limit?: number) => {
    const reply = await bus.request(
      AdminChannelTransitions,
      AdminChannelTransitions.request.parse({ id: CHANNEL, limit }),
    );
    return { status: reply.status, body: reply.body as { data: HealthTransitionView[] } };
  };

  const failure = (): UpstreamOutcome => ({
    channel_id: CHANNEL,
    model: 'house-model',
    status: 500,
    error_class: 'server',
    latency_ms: 20,
    // As an ingress that did not redact would send it: the channel's key echoed by the upstream.
    message: `{"error":{"message":"boom for ${UPSTREAM_KEY}","type":"server_error","code":null}}`,
    at: new Date().toISOString(),
  });

  beforeAll(async () => {
    upstream = await FakeOpenAI.start({ keys: [UPSTREAM_KEY] });
    pg = new Client({ connectionString: TEST_DATABASE_URL });
    await pg.connect();
    bus = new ClientProxyBus(
      new PrefixedNatsClient({ url: TEST_NATS_URL, prefix: id, name: 'history-it-ingress' }),
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
      RELAYMESH_HEALTH_HISTORY_PER_CHANNEL: String(KEPT),
    });
    app = await startHealthProber(
      env,
      { kind: 'nats', url: TEST_NATS_URL, prefix: id, name: 'history-it' },
      false,
    );
  });

  afterAll(async () => {
    await app?.close();
    await bus?.onApplicationShutdown();
    await pg?.end();
    await upstream?.close();
    await dropSchemasWithPrefix(TEST_DATABASE_URL, schemaPrefix);
  });

  it('should answer 404 for a channel it neither knows nor has a history of', async () => {
    expect((await history()).status).toBe(404);
  });

  it('should answer an empty history for a known channel that never moved', async () => {
    bus.emit(RoutingSnapshotPublished, {
      version: 1,
      published_at: new Date().toISOString(),
      channels: [
        {
          id: CHANNEL,
          name: 'history-one',
          type: 'openai',
          base_url: upstream.url,
          keys_encrypted: [new SecretBox(secretKey).encrypt(UPSTREAM_KEY)],
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
        },
      ],
    });
    const known = await waitFor(
      async () => {
        const answer = await history();
        return answer.status === 200 ? answer : null;
      },
      { what: 'the prober to know the channel' },
    );
    expect(known.body).toEqual({ data: [] });
  });

  it('should list the ejection newest first with what moved it, the echoed key redacted', async () => {
    bus.emit(UpstreamOutcomesRecorded, { outcomes: Array.from({ length: 5 }, failure) });
    const { body } = await waitFor(
      async () => {
        const answer = await history();
        return answer.body.data[0]?.to === 'ejected' ? answer : null;
      },
      { what: 'the ejection in the history' },
    );
    expect(body.data).toEqual([
      {
        at: expect.any(String),
        from: 'degraded',
        to: 'ejected',
        reason: expect.stringMatching(/^5 consecutive failures, last: 500 server_error: boom for /),
        last_error: expect.stringMatching(/^500 server_error: boom for /),
        error_class: 'server',
        cause: 'consecutive',
        consecutive_failures: 5,
        ejections: 1,
      },
      expect.objectContaining({
        from: 'unknown',
        to: 'degraded',
        error_class: 'server',
        cause: null,
        consecutive_failures: 1,
        ejections: 0,
      }),
    ]);
    expect(Date.parse(body.data[0].at)).toBeGreaterThanOrEqual(Date.parse(body.data[1].at));
    expect(JSON.stringify(body)).not.toContain(UPSTREAM_KEY);
  });

  it('should keep only the newest transitions per channel as new ones are stored', async () => {
    // The probes re-admit it (recovering), the ramp ends (healthy): four transitions, three kept.
    const { body } = await waitFor(
      async () => {
        const answer = await history();
        return answer.body.data[0]?.to === 'healthy' ? answer : null;
      },
      { what: 'the channel back to healthy in the history', timeoutMs: 10_000 },
    );
    expect(body.data.map((t) => `${t.from}→${t.to}`)).toEqual([
      'recovering→healthy',
      'ejected→recovering',
      'degraded→ejected',
    ]);
    // Time moved it to healthy; a successful probe moved it to recovering.
    expect(body.data.map((t) => t.error_class)).toEqual([null, 'none', 'server']);
    const { rows } = await pg.query<{ n: string }>(
      `SELECT count(*) AS n FROM "${schema}".channel_health_transitions WHERE channel_id = $1`,
      [CHANNEL],
    );
    expect(Number(rows[0].n)).toBe(KEPT);
  });

  it('should answer at most limit transitions', async () => {
    const { status, body } = await history(1);
    expect(status).toBe(200);
    expect(body.data.map((t) => t.to)).toEqual(['healthy']);
  });

  it("should list every channel's newest transitions, each with its channel", async () => {
    const reply = await bus.request(AdminTransitions, AdminTransitions.request.parse({ limit: 2 }));
    expect(reply.status).toBe(200);
    const { data } = reply.body as { data: ChannelTransitionView[] };
    expect(data.map((t) => [t.channel_id, `${t.from}→${t.to}`])).toEqual([
      [CHANNEL, 'recovering→healthy'],
      [CHANNEL, 'ejected→recovering'],
    ]);
  });

  it('should refuse a limit out of bounds in the contract', () => {
    expect(AdminTransitions.request.safeParse({ limit: 0 }).success).toBe(false);
    expect(AdminTransitions.request.safeParse({ limit: 5000 }).success).toBe(false);
  });
});
