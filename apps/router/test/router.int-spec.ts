// The router against the real Postgres and NATS, driven as ingress drives it: admin requests over a MessageBus
// with the suite's subject prefix, routing snapshots observed on the wire, health events from the "prober".
import { INestApplication } from '@nestjs/common';
import {
  AdminChannelCreate,
  AdminChannelDelete,
  AdminChannelGet,
  AdminChannelList,
  AdminChannelUpdate,
  AdminReply,
  ChannelCreateSchema,
  ChannelHealth,
  ChannelHealthChanged,
  ChannelView,
  ChannelViewSchema,
  RoutingSnapshot,
  RoutingSnapshotGet,
  RoutingSnapshotPublished,
  RoutingSnapshotSchema,
  UNKNOWN_HEALTH,
} from '@relaymesh/contracts';
import { SecretBox } from '@relaymesh/secrets';
import {
  ClientProxyBus,
  PrefixedNatsClient,
  TransportConfig,
  prefixed,
} from '@relaymesh/messaging';
import { dataSourceOptions, openDatabase } from '@relaymesh/persistence';
import {
  TEST_DATABASE_URL,
  TEST_NATS_URL,
  dropSchemasWithPrefix,
  uniqueTestId,
  waitFor,
} from '@relaymesh/testing';
import { NatsConnection, Subscription, connect } from '@nats-io/transport-node';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { lastValueFrom, timeout } from 'rxjs';
import { z } from 'zod';
import { Channel } from '../src/channels/channel.entity';
import { loadRouterEnv } from '../src/config/router.env';
import { routerMigrations } from '../src/database/migrations';
import { startRouter } from '../src/router.app';

const id = uniqueTestId('it_router');
const schemaPrefix = `${id}_`;
const schema = `${schemaPrefix}router`;
const natsPrefix = id;
const secretKey = SecretBox.generateSecret();
const secrets = new SecretBox(secretKey);

/** Upstream keys: long enough to be redacted to `sk-…<last 4>`, distinctive enough to grep the table for. */
const CONFIG_KEY = `sk-config-${id}-CFGK`;
const KEY_1 = `sk-plaintext-one-${id}-AAAA`;
const KEY_2 = `sk-plaintext-two-${id}-BBBB`;

const CONFIG_YAML = `
channels:
  - name: cfg-openai
    type: openai
    base_url: https://api.openai.com/v1/
    keys: ["\${IT_OPENAI_KEY}"]
    models: [gpt-5-mini]
    priority: 10
  - name: cfg-mock
    type: mock
    models: [mock-model]
`;

const EJECTED: ChannelHealth = {
  state: 'ejected',
  last_error: 'upstream 503',
  last_checked_at: '2026-01-02T03:04:05.000Z',
  consecutive_failures: 5,
  latency_ms: 812,
  disabled_at: '2026-01-02T03:04:05.000Z',
  reason: 'consecutive 5xx',
};

describe('router over NATS and Postgres', () => {
  let configDir: string;
  let env: ReturnType<typeof loadRouterEnv>;
  let transport: TransportConfig;
  let app: INestApplication | undefined;
  let client: PrefixedNatsClient;
  let bus: ClientProxyBus;
  let wire: NatsConnection;
  let snapshotSubscription: Subscription;
  let pg: Client;
  /** Every routing snapshot published under the suite's prefix, in wire order. */
  const snapshots: RoutingSnapshot[] = [];

  beforeAll(async () => {
    configDir = await mkdtemp(join(tmpdir(), 'relaymesh-router-it-'));
    const configFile = join(configDir, 'relaymesh.yaml');
    await writeFile(configFile, CONFIG_YAML);
    env = loadRouterEnv({
      DATABASE_URL: TEST_DATABASE_URL,
      RELAYMESH_DB_SCHEMA_PREFIX: schemaPrefix,
      NATS_URL: TEST_NATS_URL,
      RELAYMESH_NATS_PREFIX: natsPrefix,
      RELAYMESH_SECRET_KEY: secretKey,
      RELAYMESH_CONFIG: configFile,
      LOG_LEVEL: 'error',
      IT_OPENAI_KEY: CONFIG_KEY,
    });
    transport = { kind: 'nats', url: env.natsUrl, prefix: env.natsPrefix, name: 'router-it' };

    // Listen before the router starts, so the snapshot it publishes at start is seen too.
    wire = await connect({ servers: TEST_NATS_URL, name: 'router-it-wire' });
    snapshotSubscription = wire.subscribe(prefixed(natsPrefix, RoutingSnapshotPublished.subject), {
      callback: (err, msg) => {
        if (err) return;
        const packet = msg.json<{ data: unknown }>();
        snapshots.push(RoutingSnapshotSchema.parse(packet.data));
        wireSnapshots.push(packet.data as { version: number; channels: Record<string, unknown>[] });
      },
    });
    await wire.flush();

    pg = new Client({ connectionString: TEST_DATABASE_URL });
    await pg.connect();
    client = new PrefixedNatsClient({
      url: TEST_NATS_URL,
      prefix: natsPrefix,
      name: 'router-it-ingress',
    });
    bus = new ClientProxyBus(client);
    await bus.onModuleInit();

    app = await startRouter(env, transport, false);
  });

  afterAll(async () => {
    await app?.close();
    await bus?.onApplicationShutdown();
    snapshotSubscription?.unsubscribe();
    await wire?.close();
    await pg?.end();
    await dropSchemasWithPrefix(TEST_DATABASE_URL, schemaPrefix);
    if (configDir) await rm(configDir, { recursive: true, force: true });
  });

  /** What ingress does with an admin body: validate it with the shared schema, then relay it. */
  function createChannel(input: z.input<typeof ChannelCreateSchema>): Promise<AdminReply> {
    return bus.request(AdminChannelCreate, ChannelCreateSchema.parse(input));
  }

  /** Sends a payload as it is, unvalidated by this side (what a buggy or hostile peer could send). */
  function sendRaw(subject: string, payload: unknown): Promise<unknown> {
    return lastValueFrom(client.send(subject, payload).pipe(timeout(10_000)));
  }

  function viewOf(reply: AdminReply): ChannelView {
    return ChannelViewSchema.parse(reply.body);
  }

  async function getChannel(channelId: string): Promise<ChannelView> {
    const reply = await bus.request(AdminChannelGet, { id: channelId });
    expect(reply.status).toBe(200);
    return viewOf(reply);
  }

  async function listChannels(): Promise<ChannelView[]> {
    const reply = await bus.request(AdminChannelList, {});
    expect(reply.status).toBe(200);
    return z.object({ data: z.array(ChannelViewSchema) }).parse(reply.body).data;
  }

  async function storedRow(channelId: string) {
    const { rows } = await pg.query<{
      keys_encrypted: string[];
      key_hints: string[];
      whole: string;
    }>(
      `SELECT keys_encrypted, key_hints, row_to_json(c)::text AS whole FROM "${schema}".channels c WHERE id = $1`,
      [channelId],
    );
    return rows[0];
  }

  /** The first snapshot published after `afterVersion` that satisfies `matches`. */
  function nextSnapshot(
    afterVersion: number,
    what: string,
    matches: (snapshot: RoutingSnapshot) => boolean = () => true,
  ): Promise<RoutingSnapshot> {
    return waitFor(() => snapshots.find((s) => s.version > afterVersion && matches(s)), {
      what: `a routing snapshot newer than v${afterVersion} ${what}`,
    });
  }

  /** The same snapshots as they came over the wire, before the schema dropped unknown fields. */
  const wireSnapshots: { version: number; channels: Record<string, unknown>[] }[] = [];
  const latestVersion = (): number => Math.max(-1, ...snapshots.map((s) => s.version));

  describe('database', () => {
    it('should create its schema, channels table and version sequence by running its migrations', async () => {
      const tables = await pg.query<{ table_name: string }>(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name`,
        [schema],
      );
      const sequences = await pg.query<{ sequence_name: string }>(
        `SELECT sequence_name FROM information_schema.sequences WHERE sequence_schema = $1`,
        [schema],
      );
      const columns = await pg.query<{ column_name: string }>(
        `SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'channels'`,
        [schema],
      );
      const migrations = await pg.query<{ name: string }>(
        `SELECT name FROM "${schema}".migrations`,
      );

      expect(tables.rows.map((r) => r.table_name)).toEqual(['channels', 'migrations']);
      expect(sequences.rows.map((r) => r.sequence_name)).toContain('routing_snapshot_version_seq');
      expect(columns.rows.map((r) => r.column_name)).toEqual(
        expect.arrayContaining(['id', 'name', 'keys_encrypted', 'key_hints', 'enabled']),
      );
      // Health is the health-prober's alone: the router keeps no copy of it.
      for (const gone of ['auto_disabled', 'weight_factor', 'health']) {
        expect(columns.rows.map((r) => r.column_name)).not.toContain(gone);
      }
      expect(migrations.rows.map((r) => r.name)).toEqual([
        'CreateChannels1763900000000',
        'AddChannelWeightFactor1763900400000',
        'AddChannelSecretHeaders1763900800000',
        'DropChannelHealth1763901000000',
        'AddChannelVariants1763901200000',
        'AddChannelResponsesOptions1763901300000',
      ]);
    });

    it('should undo its migrations with down(), and redo them with up()', async () => {
      const scratch = `${schemaPrefix}scratch`;
      const dataSource = await openDatabase(
        dataSourceOptions(
          { url: TEST_DATABASE_URL, schema: scratch, poolSize: 1 },
          { entities: [Channel], migrations: routerMigrations },
        ),
      );
      const relations = async (): Promise<string[]> => {
        const { rows } = await pg.query<{ relname: string }>(
          `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = $1 AND c.relkind IN ('r', 'S') ORDER BY c.relname`,
          [scratch],
        );
        return rows.map((r) => r.relname);
      };
      try {
        expect(await relations()).toEqual([
          'channels',
          'migrations',
          'migrations_id_seq',
          'routing_snapshot_version_seq',
        ]);

        const columns = async (): Promise<string[]> => {
          const { rows } = await pg.query<{ column_name: string }>(
            `SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'channels'`,
            [scratch],
          );
          return rows.map((r) => r.column_name);
        };
        expect(await columns()).toContain('secret_headers');
        expect(await columns()).toEqual(
          expect.arrayContaining(['variant_suffixes', 'body_override']),
        );
        expect(await columns()).not.toContain('health');
        expect(await columns()).toEqual(expect.arrayContaining(['responses_api', 'hosted_tools']));
        await dataSource.undoLastMigration({ transaction: 'each' });
        expect(await columns()).not.toContain('responses_api');
        expect(await columns()).not.toContain('hosted_tools');
        await dataSource.undoLastMigration({ transaction: 'each' });
        expect(await columns()).not.toContain('variant_suffixes');
        expect(await columns()).not.toContain('body_override');
        await dataSource.undoLastMigration({ transaction: 'each' });
        expect(await columns()).toEqual(
          expect.arrayContaining(['health', 'auto_disabled', 'weight_factor']),
        );
        await dataSource.undoLastMigration({ transaction: 'each' });
        expect(await columns()).not.toContain('secret_headers');
        expect(await columns()).toContain('weight_factor');
        await dataSource.undoLastMigration({ transaction: 'each' });
        expect(await columns()).not.toContain('weight_factor');
        expect(await columns()).toContain('auto_disabled');
        await dataSource.undoLastMigration({ transaction: 'each' });

        expect(await relations()).toEqual(['migrations', 'migrations_id_seq']);
        expect(await dataSource.query(`SELECT name FROM "${scratch}".migrations`)).toEqual([]);

        await dataSource.runMigrations({ transaction: 'each' });

        expect(await relations()).toContain('channels');
        expect(await relations()).toContain('routing_snapshot_version_seq');
        expect(await columns()).toContain('secret_headers');
        expect(await columns()).toContain('responses_api');
        expect(await columns()).toContain('variant_suffixes');
        expect(await columns()).not.toContain('weight_factor');
      } finally {
        await dataSource.destroy();
      }
    });
  });

  describe('config file', () => {
    it('should create the declared channels at start, with ${VAR} taken from the environment', async () => {
      const byName = new Map((await listChannels()).map((c) => [c.name, c]));

      expect(byName.get('cfg-openai')).toMatchObject({
        type: 'openai',
        base_url: 'https://api.openai.com',
        keys: ['sk-…CFGK'],
        models: ['gpt-5-mini'],
        priority: 10,
        status: 'enabled',
      });
      expect(byName.get('cfg-mock')).toMatchObject({ type: 'mock', base_url: null, keys: [] });
      const row = await storedRow(byName.get('cfg-openai')!.id);
      expect(row.keys_encrypted.map((sealed) => secrets.decrypt(sealed))).toEqual([CONFIG_KEY]);
    });
  });

  describe('admin API', () => {
    it('should create a channel (201) with defaults, keys and credential headers read back redacted', async () => {
      const reply = await createChannel({
        name: 'create-me',
        type: 'openai',
        base_url: 'https://api.example.com',
        keys: [KEY_1, KEY_2],
        models: ['gpt-5'],
        headers: { 'X-Proxy-Token': 'Bearer secret-header', 'X-Team': 'blue' },
      });

      expect(reply.status).toBe(201);
      const channel = viewOf(reply);
      expect(channel).toMatchObject({
        name: 'create-me',
        keys: ['sk-…AAAA', 'sk-…BBBB'],
        groups: ['default'],
        priority: 0,
        weight: 1,
        enabled: true,
        status: 'enabled',
        timeout_ms: 300_000,
        headers: { 'X-Proxy-Token': '****', 'X-Team': 'blue' },
        health: UNKNOWN_HEALTH,
      });
      expect(JSON.stringify(reply)).not.toContain(KEY_1);
      expect(JSON.stringify(reply)).not.toContain('secret-header');
    });

    it('should normalise a base_url with a trailing /v1 when the router itself validates the payload', async () => {
      // Sent raw: the router, not this side, must apply the schema's defaults and normalisation.
      const reply = await sendRaw(AdminChannelCreate.subject, {
        name: 'raw-v1',
        type: 'openai-compatible',
        base_url: 'https://llm.example.com:8443/v1/',
        keys: [`sk-raw-${id}-RAW1`],
      });

      expect(reply).toMatchObject({ status: 201 });
      expect(viewOf(reply as AdminReply)).toMatchObject({
        base_url: 'https://llm.example.com:8443',
        groups: ['default'],
        enabled: true,
        status: 'enabled',
      });
    });

    it('should store keys encrypted: the plaintext is nowhere in the table and the secret box opens them', async () => {
      const created = viewOf(
        await createChannel({
          name: 'sealed',
          type: 'anthropic',
          base_url: 'https://api.anthropic.com',
          keys: [KEY_1],
        }),
      );

      const row = await storedRow(created.id);

      expect(row.whole).not.toContain(KEY_1);
      expect(row.key_hints).toEqual(['sk-…AAAA']);
      expect(row.keys_encrypted).toHaveLength(1);
      expect(row.keys_encrypted[0]).toMatch(/^v1\./);
      expect(secrets.decrypt(row.keys_encrypted[0])).toBe(KEY_1);
    });

    it('should store secret headers sealed, read them back as hints and send them sealed in the snapshot', async () => {
      const secretHeader = `org-token-${id}-ORGT`;
      const before = latestVersion();
      const created = viewOf(
        await createChannel({
          name: 'secret-headers',
          type: 'openai-compatible',
          base_url: 'https://llm.example.com/api',
          keys: [KEY_1],
          headers: { 'X-Team': 'blue' },
          secret_headers: { 'X-Org-Token': secretHeader },
        }),
      );

      expect(created).toMatchObject({
        base_url: 'https://llm.example.com/api',
        headers: { 'X-Team': 'blue' },
        secret_headers: { 'X-Org-Token': 'or…ORGT' },
      });
      expect(JSON.stringify(await listChannels())).not.toContain(secretHeader);
      const row = await storedRow(created.id);
      expect(row.whole).not.toContain(secretHeader);
      const snapshot = await nextSnapshot(before, 'with the channel', (s) =>
        s.channels.some((c) => c.id === created.id),
      );
      const sealed = snapshot.channels.find((c) => c.id === created.id)!;
      expect(JSON.stringify(sealed)).not.toContain(secretHeader);
      expect(secrets.decrypt(sealed.secret_headers_encrypted['X-Org-Token'])).toBe(secretHeader);

      // A header is plain or secret, never both: a patch that would make it both is refused.
      const both = await bus.request(AdminChannelUpdate, {
        id: created.id,
        patch: { headers: { 'x-org-token': 'plain' } },
      });
      expect(both).toMatchObject({
        status: 400,
        body: { error: { message: expect.stringContaining('secret_headers.X-Org-Token') } },
      });
      const cleared = await bus.request(AdminChannelUpdate, {
        id: created.id,
        patch: { secret_headers: {} },
      });
      expect(viewOf(cleared).secret_headers).toEqual({});
    });

    it('should store model variants and the body override, patch them, and send them in the snapshot', async () => {
      const variant = {
        model: 'claude-opus-4-6',
        overrides: { thinking: { enabled: true, budget_tokens: 8000 }, max_tokens: 32_000 },
      };
      const before = latestVersion();
      const created = viewOf(
        await createChannel({
          name: 'variants',
          type: 'anthropic',
          base_url: 'https://api.example.com',
          keys: [KEY_1],
          model_mapping: { 'opus-thinking': variant, opus: 'claude-opus-4-6' },
          variant_suffixes: ['-thinking'],
          body_override: { set: { metadata: { user_id: 'team-a' } }, remove: ['top_k'] },
        }),
      );
      expect(created).toMatchObject({
        model_mapping: { 'opus-thinking': variant, opus: 'claude-opus-4-6' },
        variant_suffixes: ['-thinking'],
        body_override: { set: { metadata: { user_id: 'team-a' } }, remove: ['top_k'] },
      });
      const snapshot = await nextSnapshot(before, 'with the variants', (s) =>
        s.channels.some((c) => c.id === created.id),
      );
      expect(snapshot.channels.find((c) => c.id === created.id)).toMatchObject({
        model_mapping: { 'opus-thinking': variant },
        variant_suffixes: ['-thinking'],
        body_override: { remove: ['top_k'] },
      });

      const patched = await bus.request(AdminChannelUpdate, {
        id: created.id,
        patch: { variant_suffixes: ['-high', '-low'], body_override: {} },
      });
      expect(viewOf(patched)).toMatchObject({
        variant_suffixes: ['-high', '-low'],
        body_override: {},
        model_mapping: { 'opus-thinking': variant },
      });
    });

    it.each<[string, Record<string, unknown>, string]>([
      ['credentials in base_url', { base_url: 'http://user:secret@127.0.0.1:9' }, 'base_url'],
      ['a query in base_url', { base_url: 'https://api.example.com/?a=1' }, 'base_url'],
      ['a CRLF header value', { headers: { 'x-a': 'b\r\nx-b: c' } }, 'headers'],
      ['a transfer-encoding header', { headers: { 'transfer-encoding': 'chunked' } }, 'headers'],
      ['a NUL in the name', { name: 'a\u0000b' }, 'name'],
      ['an authorization header', { headers: { Authorization: 'Bearer x' } }, 'headers'],
      [
        'a variant with an unknown effort',
        { model_mapping: { a: { model: 'b', overrides: { reasoning_effort: 'extreme' } } } },
        'model_mapping.a.overrides.reasoning_effort',
      ],
    ])(
      'should refuse a channel with %s at its own edge, naming the field',
      async (_, over, field) => {
        const refused = sendRaw(AdminChannelCreate.subject, {
          name: 'refused',
          type: 'openai',
          base_url: 'https://api.example.com',
          keys: [KEY_1],
          ...over,
        });
        await expect(refused).rejects.toMatchObject({
          status: 400,
          message: expect.stringContaining(field),
        });
        expect((await listChannels()).map((c) => c.name)).not.toContain('refused');
      },
    );

    it('should list and get channels, and answer 404 for an unknown or malformed id', async () => {
      const created = viewOf(await createChannel({ name: 'readable', type: 'mock' }));

      const listed = await listChannels();
      const fetched = await getChannel(created.id);
      const unknown = await bus.request(AdminChannelGet, {
        id: '00000000-0000-4000-8000-000000000000',
      });
      const malformed = await bus.request(AdminChannelGet, { id: 'not-a-uuid' });

      expect(listed.find((c) => c.id === created.id)).toEqual(created);
      expect(listed.map((c) => c.name)).toEqual(
        expect.arrayContaining(['cfg-openai', 'cfg-mock', 'readable']),
      );
      expect(fetched).toEqual(created);
      expect(unknown).toMatchObject({
        status: 404,
        body: { error: { message: expect.any(String) } },
      });
      expect(malformed.status).toBe(404);
    });

    it('should patch a channel (200), sealing new keys and normalising base_url', async () => {
      const created = viewOf(
        await createChannel({
          name: 'patch-me',
          type: 'openai',
          base_url: 'https://a.example.com',
          keys: [KEY_1],
        }),
      );

      const reply = await bus.request(AdminChannelUpdate, {
        id: created.id,
        patch: {
          name: 'patched',
          keys: [KEY_2],
          base_url: 'https://b.example.com/v1beta',
          priority: 7,
          enabled: false,
        },
      });

      expect(reply.status).toBe(200);
      expect(viewOf(reply)).toMatchObject({
        id: created.id,
        name: 'patched',
        keys: ['sk-…BBBB'],
        base_url: 'https://b.example.com',
        priority: 7,
        enabled: false,
        status: 'manually_disabled',
      });
      expect(await getChannel(created.id)).toEqual(viewOf(reply));
      const row = await storedRow(created.id);
      expect(row.keys_encrypted.map((sealed) => secrets.decrypt(sealed))).toEqual([KEY_2]);
      expect(row.whole).not.toContain(KEY_2);
    });

    it('should refuse a patch of an unknown channel (404), to a taken name (409) or without keys (400)', async () => {
      const taken = viewOf(await createChannel({ name: 'taken-name', type: 'mock' }));
      const other = viewOf(
        await createChannel({
          name: 'other-name',
          type: 'openai',
          base_url: 'https://x.example.com',
          keys: [KEY_1],
        }),
      );

      const unknown = await bus.request(AdminChannelUpdate, {
        id: '00000000-0000-4000-8000-000000000000',
        patch: { priority: 1 },
      });
      const rename = await bus.request(AdminChannelUpdate, {
        id: other.id,
        patch: { name: taken.name },
      });
      const noKeys = await bus.request(AdminChannelUpdate, { id: other.id, patch: { keys: [] } });

      expect(unknown.status).toBe(404);
      expect(rename.status).toBe(409);
      expect(noKeys.status).toBe(400);
      expect(await getChannel(other.id)).toEqual(other);
    });

    it('should store the Responses options, and refuse responses_api on a type without the API (400)', async () => {
      const created = viewOf(
        await createChannel({
          name: 'compatible-responses',
          type: 'openai-compatible',
          base_url: 'https://c.example.com',
          keys: [KEY_1],
          responses_api: true,
        }),
      );
      expect(created).toMatchObject({ responses_api: true, hosted_tools: 'drop' });

      const refuse = await bus.request(AdminChannelUpdate, {
        id: created.id,
        patch: { hosted_tools: 'refuse' },
      });
      const toAnthropic = await bus.request(AdminChannelUpdate, {
        id: created.id,
        patch: { type: 'anthropic' },
      });

      expect(viewOf(refuse)).toMatchObject({ responses_api: true, hosted_tools: 'refuse' });
      expect(toAnthropic.status).toBe(400);
      expect(await getChannel(created.id)).toEqual(viewOf(refuse));
      const snapshot = await bus.request(RoutingSnapshotGet, { have_version: null });
      expect(snapshot.channels.find((c) => c.id === created.id)).toMatchObject({
        responses_api: true,
        hosted_tools: 'refuse',
      });
    });

    it('should refuse a second channel of the same name (409)', async () => {
      expect((await createChannel({ name: 'unique-name', type: 'mock' })).status).toBe(201);

      const duplicate = await createChannel({ name: 'unique-name', type: 'mock' });

      expect(duplicate).toMatchObject({
        status: 409,
        body: { error: { message: expect.stringMatching(/exists/) } },
      });
      expect((await listChannels()).filter((c) => c.name === 'unique-name')).toHaveLength(1);
    });

    it('should reject requests whose payload breaks the contract, creating nothing', async () => {
      const badType = sendRaw(AdminChannelCreate.subject, {
        name: 'bad-type',
        type: 'carrier-pigeon',
      });
      const noKeys = sendRaw(AdminChannelCreate.subject, {
        name: 'bad-keys',
        type: 'openai',
        base_url: 'https://api.openai.com',
      });
      const badPatch = sendRaw(AdminChannelUpdate.subject, {
        id: '00000000-0000-4000-8000-000000000000',
        patch: { priority: 'high' },
      });

      await expect(badType).rejects.toMatchObject({
        status: 400,
        message: expect.stringContaining('admin.channels.create.v1'),
      });
      await expect(noKeys).rejects.toMatchObject({
        status: 400,
        message: expect.stringContaining('keys'),
      });
      await expect(badPatch).rejects.toMatchObject({ status: 400 });
      const names = (await listChannels()).map((c) => c.name);
      expect(names).not.toContain('bad-type');
      expect(names).not.toContain('bad-keys');
    });

    it('should delete a channel (204), after which it is gone (404)', async () => {
      const created = viewOf(await createChannel({ name: 'delete-me', type: 'mock' }));

      const deleted = await bus.request(AdminChannelDelete, { id: created.id });
      const again = await bus.request(AdminChannelDelete, { id: created.id });
      const fetched = await bus.request(AdminChannelGet, { id: created.id });

      expect(deleted).toEqual({ status: 204, body: null });
      expect(again.status).toBe(404);
      expect(fetched.status).toBe(404);
      expect((await listChannels()).map((c) => c.id)).not.toContain(created.id);
    });
  });

  describe('routing snapshot', () => {
    it('should publish a snapshot at start', async () => {
      await waitFor(() => snapshots.length > 0, { what: 'the snapshot published at start' });
    });

    it('should publish a strictly newer snapshot after every write, and serve the newest on request', async () => {
      const start = latestVersion();

      const created = viewOf(
        await createChannel({
          name: 'snap',
          type: 'gemini',
          base_url: 'https://g.example.com',
          keys: [KEY_1],
        }),
      );
      const afterCreate = await nextSnapshot(start, 'with the created channel', (s) =>
        s.channels.some((c) => c.id === created.id),
      );
      await bus.request(AdminChannelUpdate, { id: created.id, patch: { weight: 42 } });
      const afterPatch = await nextSnapshot(afterCreate.version, 'with the patched weight', (s) =>
        s.channels.some((c) => c.id === created.id && c.weight === 42),
      );
      await bus.request(AdminChannelDelete, { id: created.id });
      const afterDelete = await nextSnapshot(
        afterPatch.version,
        'without the deleted channel',
        (s) => s.channels.every((c) => c.id !== created.id),
      );

      const versions = snapshots.map((s) => s.version);
      expect(versions).toEqual([...versions].sort((x, y) => x - y));
      expect(new Set(versions).size).toBe(versions.length);
      const inSnapshot = afterCreate.channels.find((c) => c.id === created.id)!;
      expect(inSnapshot).toMatchObject({
        name: 'snap',
        type: 'gemini',
        base_url: 'https://g.example.com',
      });
      expect(inSnapshot.keys_encrypted.map((sealed) => secrets.decrypt(sealed))).toEqual([KEY_1]);
      expect(JSON.stringify(afterCreate)).not.toContain(KEY_1);

      const served = await bus.request(RoutingSnapshotGet, { have_version: null });
      expect(served.version).toBe(latestVersion());
      expect(served.version).toBeGreaterThanOrEqual(afterDelete.version);
      expect(served).toEqual(snapshots.find((s) => s.version === served.version));
    });
  });

  describe('channel health', () => {
    it('should neither store health nor publish a snapshot for it: health is the prober’s, applied by ingress', async () => {
      const created = viewOf(
        await createChannel({
          name: 'health',
          type: 'openai',
          base_url: 'https://h.example.com',
          keys: [KEY_1],
        }),
      );
      await waitFor(
        () => snapshots.some((s) => s.channels.some((channel) => channel.id === created.id)),
        { what: 'the snapshot with the new channel' },
      );
      const versionBefore = latestVersion();

      bus.emit(ChannelHealthChanged, { channel_id: created.id, health: EJECTED, weight_factor: 1 });
      // An edit after the health event: the first snapshot after it is this edit's, not one for the health.
      const marker = viewOf(await createChannel({ name: 'health-marker', type: 'mock' }));
      const next = await nextSnapshot(versionBefore, 'after the health event');

      expect(next.channels.map((channel) => channel.id)).toContain(marker.id);
      const configured = wireSnapshots
        .find((snapshot) => snapshot.version === next.version)!
        .channels.find((channel) => channel.id === created.id)!;
      expect(configured.status).toBe('enabled');
      for (const healthField of ['ejected', 'weight_factor', 'latency_ms']) {
        expect(configured).not.toHaveProperty(healthField);
      }
      const read = await getChannel(created.id);
      expect(read).toMatchObject({ status: 'enabled', health: UNKNOWN_HEALTH });
      expect(read.updated_at).toBe(created.updated_at);
      expect((await storedRow(created.id)).whole).not.toContain('ejected');
    });
  });

  describe('restart', () => {
    it('should apply the same config file again without changing or duplicating anything', async () => {
      const before = await listChannels();
      const versionBefore = latestVersion();

      await app!.close();
      app = undefined;
      app = await startRouter(env, transport, false);

      await nextSnapshot(versionBefore, 'published by the restarted router');
      const after = await listChannels();
      expect(after).toEqual(before);
      const counts = await pg.query<{ name: string; n: string }>(
        `SELECT name, count(*) AS n FROM "${schema}".channels WHERE name LIKE 'cfg-%' GROUP BY name ORDER BY name`,
      );
      expect(counts.rows).toEqual([
        { name: 'cfg-mock', n: '1' },
        { name: 'cfg-openai', n: '1' },
      ]);
      const cfg = after.find((c) => c.name === 'cfg-openai')!;
      const row = await storedRow(cfg.id);
      expect(row.keys_encrypted.map((sealed) => secrets.decrypt(sealed))).toEqual([CONFIG_KEY]);
    });
  });
});
