// The usage-ledger against the real Postgres and NATS, driven as ingress drives it: admin and look-up requests
// over a MessageBus with the suite's subject prefix, key.changed broadcasts observed on the wire.
import { INestApplication } from '@nestjs/common';
import {
  AdminKeyCreate,
  AdminKeyCredit,
  AdminKeyDelete,
  AdminKeyGet,
  AdminKeyList,
  AdminKeyUpdate,
  AdminReply,
  EventPayload,
  KeyChanged,
  KeyCreateSchema,
  KeyLookup,
  KeyView,
  KeyViewSchema,
} from '@relaymesh/contracts';
import { hashClientKey } from '@relaymesh/secrets';
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
  deleteStreamsWithPrefix,
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
import { loadUsageLedgerEnv } from '../src/config/usage-ledger.env';
import { usageLedgerMigrations } from '../src/database/migrations';
import { ClientKey } from '../src/keys/client-key.entity';
import { startUsageLedger } from '../src/usage-ledger.app';

const id = uniqueTestId('it_ledger');
const schemaPrefix = `${id}_`;
const schema = `${schemaPrefix}ledger`;
const natsPrefix = id;

/** The operator-chosen key of the config file, given through the environment. */
const TEAM_KEY = `sk-team-${id}-TEAM`;

const CONFIG_YAML = `
keys:
  - name: cfg-team
    key: "\${IT_TEAM_KEY}"
    credit_usd: 10
    models: [gpt-5-mini]
  - name: cfg-generated
    rpm: 60
`;

const KeyCreatedSchema = KeyViewSchema.extend({ key: z.string() });
type KeyChangedEvent = EventPayload<typeof KeyChanged>;

describe('usage-ledger over NATS and Postgres', () => {
  let configDir: string;
  let env: ReturnType<typeof loadUsageLedgerEnv>;
  let transport: TransportConfig;
  let app: INestApplication | undefined;
  let client: PrefixedNatsClient;
  let bus: ClientProxyBus;
  let wire: NatsConnection;
  let changedSubscription: Subscription;
  let pg: Client;
  /** Every key.changed.v1 published under the suite's prefix, in wire order. */
  const changes: KeyChangedEvent[] = [];

  beforeAll(async () => {
    configDir = await mkdtemp(join(tmpdir(), 'relaymesh-ledger-it-'));
    const configFile = join(configDir, 'relaymesh.yaml');
    await writeFile(configFile, CONFIG_YAML);
    env = loadUsageLedgerEnv({
      DATABASE_URL: TEST_DATABASE_URL,
      RELAYMESH_DB_SCHEMA_PREFIX: schemaPrefix,
      NATS_URL: TEST_NATS_URL,
      RELAYMESH_NATS_PREFIX: natsPrefix,
      RELAYMESH_CONFIG: configFile,
      LOG_LEVEL: 'error',
      IT_TEAM_KEY: TEAM_KEY,
    });
    transport = { kind: 'nats', url: env.natsUrl, prefix: env.natsPrefix, name: 'usage-ledger-it' };

    wire = await connect({ servers: TEST_NATS_URL, name: 'usage-ledger-it-wire' });
    changedSubscription = wire.subscribe(prefixed(natsPrefix, KeyChanged.subject), {
      callback: (err, msg) => {
        if (err) return;
        changes.push(KeyChanged.schema.parse(msg.json<{ data: unknown }>().data));
      },
    });
    await wire.flush();

    pg = new Client({ connectionString: TEST_DATABASE_URL });
    await pg.connect();
    client = new PrefixedNatsClient({
      url: TEST_NATS_URL,
      prefix: natsPrefix,
      name: 'usage-ledger-it-ingress',
    });
    bus = new ClientProxyBus(client);
    await bus.onModuleInit();

    app = await startUsageLedger(env, transport, false);
  });

  afterAll(async () => {
    await app?.close();
    await bus?.onApplicationShutdown();
    changedSubscription?.unsubscribe();
    await wire?.close();
    await pg?.end();
    await dropSchemasWithPrefix(TEST_DATABASE_URL, schemaPrefix);
    await deleteStreamsWithPrefix(TEST_NATS_URL, natsPrefix);
    if (configDir) await rm(configDir, { recursive: true, force: true });
  });

  /** What ingress does with an admin body: validate it with the shared schema, then relay it. */
  function createKey(input: z.input<typeof KeyCreateSchema>): Promise<AdminReply> {
    return bus.request(AdminKeyCreate, KeyCreateSchema.parse(input));
  }

  async function createdKey(
    input: z.input<typeof KeyCreateSchema>,
  ): Promise<z.infer<typeof KeyCreatedSchema>> {
    const reply = await createKey(input);
    expect(reply.status).toBe(201);
    return KeyCreatedSchema.parse(reply.body);
  }

  /** Sends a payload as it is, unvalidated by this side (what a buggy or hostile peer could send). */
  function sendRaw(subject: string, payload: unknown): Promise<unknown> {
    return lastValueFrom(client.send(subject, payload).pipe(timeout(10_000)));
  }

  function viewOf(reply: AdminReply): KeyView {
    return KeyViewSchema.parse(reply.body);
  }

  async function getKey(keyId: string): Promise<KeyView> {
    const reply = await bus.request(AdminKeyGet, { id: keyId });
    expect(reply.status).toBe(200);
    return viewOf(reply);
  }

  async function listKeys(): Promise<{ raw: unknown; data: KeyView[] }> {
    const reply = await bus.request(AdminKeyList, {});
    expect(reply.status).toBe(200);
    return {
      raw: reply.body,
      data: z.object({ data: z.array(KeyViewSchema) }).parse(reply.body).data,
    };
  }

  async function storedRow(keyId: string) {
    const { rows } = await pg.query<{ key_hash: string; credit_usd: string; whole: string }>(
      `SELECT key_hash, credit_usd, row_to_json(k)::text AS whole FROM "${schema}".client_keys k WHERE id = $1`,
      [keyId],
    );
    return rows[0];
  }

  function changeFor(
    what: string,
    matches: (event: KeyChangedEvent) => boolean,
  ): Promise<KeyChangedEvent> {
    return waitFor(() => changes.find(matches), { what: `key.changed.v1 ${what}` });
  }

  describe('database', () => {
    it('should create its schema and client_keys table by running its migrations', async () => {
      const tables = await pg.query<{ table_name: string }>(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name`,
        [schema],
      );
      const migrations = await pg.query<{ name: string }>(
        `SELECT name FROM "${schema}".migrations`,
      );

      expect(tables.rows.map((r) => r.table_name)).toEqual([
        'client_keys',
        'credit_leases',
        'migrations',
        'model_prices',
        'rate_windows',
        'usage_dead_letters',
        'usage_records',
      ]);
      expect(migrations.rows.map((r) => r.name)).toEqual([
        'CreateClientKeys1763900100000',
        'CreateUsageAndPricing1763900300000',
        'CreateUsageDeadLetters1763900400000',
        'AddUsageDeadLetterIds1763900500000',
        'AddUsageSummaryIndexes1763900600000',
        'CreateCreditLeases1763900700000',
        'CreateRateWindows1763900800000',
        'AddKeyBudgets1763900900000',
        'AddUsageDroppedTools1763901100000',
        'AddUsageAttemptLog1763901200000',
      ]);
    });

    it('should undo its migrations with down(), newest first', async () => {
      const scratch = `${schemaPrefix}scratch`;
      const dataSource = await openDatabase(
        dataSourceOptions(
          { url: TEST_DATABASE_URL, schema: scratch, poolSize: 1 },
          { entities: [ClientKey], migrations: usageLedgerMigrations },
        ),
      );
      const tables = async (): Promise<string[]> => {
        const { rows } = await pg.query<{ table_name: string }>(
          `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name`,
          [scratch],
        );
        return rows.map((r) => r.table_name);
      };
      const keyColumns = async (): Promise<string[]> => {
        const { rows } = await pg.query<{ column_name: string }>(
          `SELECT column_name FROM information_schema.columns
           WHERE table_schema = $1 AND table_name = 'client_keys' ORDER BY column_name`,
          [scratch],
        );
        return rows.map((r) => r.column_name);
      };
      try {
        expect(await tables()).toEqual([
          'client_keys',
          'credit_leases',
          'migrations',
          'model_prices',
          'rate_windows',
          'usage_dead_letters',
          'usage_records',
        ]);
        const attemptLogColumn = async (): Promise<number> => {
          const { rows } = await pg.query<{ n: string }>(
            `SELECT count(*) AS n FROM information_schema.columns
             WHERE table_schema = $1 AND table_name = 'usage_records' AND column_name = 'attempt_log'`,
            [scratch],
          );
          return Number(rows[0].n);
        };
        expect(await attemptLogColumn()).toBe(1);
        await dataSource.undoLastMigration({ transaction: 'each' });
        expect(await attemptLogColumn()).toBe(0);
        const usageColumns = async (): Promise<string[]> => {
          const { rows } = await pg.query<{ column_name: string }>(
            `SELECT column_name FROM information_schema.columns
             WHERE table_schema = $1 AND table_name = 'usage_records'`,
            [scratch],
          );
          return rows.map((r) => r.column_name);
        };
        expect(await usageColumns()).toContain('dropped_tools');
        await dataSource.undoLastMigration({ transaction: 'each' });
        expect(await usageColumns()).not.toContain('dropped_tools');
        expect(await keyColumns()).toContain('budget_period_start');
        await dataSource.undoLastMigration({ transaction: 'each' });
        expect((await keyColumns()).filter((c) => c.startsWith('budget'))).toEqual([]);
        await dataSource.undoLastMigration({ transaction: 'each' });
        expect(await tables()).not.toContain('rate_windows');
        await dataSource.undoLastMigration({ transaction: 'each' });
        expect(await tables()).toEqual([
          'client_keys',
          'migrations',
          'model_prices',
          'usage_dead_letters',
          'usage_records',
        ]);

        const deadLetterColumns = async (): Promise<string[]> => {
          const { rows } = await pg.query<{ column_name: string }>(
            `SELECT column_name FROM information_schema.columns
             WHERE table_schema = $1 AND table_name = 'usage_dead_letters' ORDER BY column_name`,
            [scratch],
          );
          return rows.map((r) => r.column_name);
        };
        const usageIndexes = async (): Promise<string[]> => {
          const { rows } = await pg.query<{ indexname: string }>(
            `SELECT indexname FROM pg_indexes
             WHERE schemaname = $1 AND tablename = 'usage_records' ORDER BY indexname`,
            [scratch],
          );
          return rows.map((r) => r.indexname);
        };
        expect(await usageIndexes()).toContain('usage_records_channel_time');
        await dataSource.undoLastMigration({ transaction: 'each' });
        expect(await usageIndexes()).toEqual([
          'usage_records_key_time',
          'usage_records_model_time',
          'usage_records_pkey',
          'usage_records_request',
          'usage_records_time',
        ]);

        expect(await deadLetterColumns()).toContain('id');
        await dataSource.undoLastMigration({ transaction: 'each' });
        expect(await deadLetterColumns()).toEqual([
          'attempts',
          'msg_id',
          'parked_at',
          'payload',
          'reason',
          'record_id',
        ]);

        await dataSource.undoLastMigration({ transaction: 'each' });
        expect(await tables()).toEqual([
          'client_keys',
          'migrations',
          'model_prices',
          'usage_records',
        ]);

        await dataSource.undoLastMigration({ transaction: 'each' });
        expect(await tables()).toEqual(['client_keys', 'migrations']);

        await dataSource.undoLastMigration({ transaction: 'each' });
        expect(await tables()).toEqual(['migrations']);
      } finally {
        await dataSource.destroy();
      }
    });
  });

  describe('issuing keys', () => {
    it('should create a key (201) and show its secret this once, announcing it without the secret', async () => {
      const created = await createdKey({ name: 'issued', credit_usd: 5, models: ['gpt-5'] });

      expect(created.key).toMatch(/^sk-rm-[A-Za-z0-9_-]{43}$/);
      expect(created).toMatchObject({
        name: 'issued',
        key_hint: `sk-…${created.key.slice(-4)}`,
        group: 'default',
        unlimited: false,
        credit_usd: 5,
        used_usd: 0,
        remaining_usd: 5,
        models: ['gpt-5'],
        enabled: true,
      });
      const event = await changeFor('for the created key', (e) => e.id === created.id);
      expect(event.key_hash).toBe(hashClientKey(created.key));
      expect(event.key).toMatchObject({
        id: created.id,
        name: 'issued',
        key_hash: hashClientKey(created.key),
      });
      expect(JSON.stringify(event)).not.toContain(created.key);
    });

    it('should never show the secret again, in the list, a get or the database', async () => {
      const created = await createdKey({ name: 'secretive' });

      const listed = await listKeys();
      const fetched = await bus.request(AdminKeyGet, { id: created.id });
      const row = await storedRow(created.id);

      expect(listed.data.find((k) => k.id === created.id)).toBeDefined();
      expect(JSON.stringify(listed.raw)).not.toContain(created.key);
      expect(fetched.status).toBe(200);
      expect(fetched.body).not.toHaveProperty('key');
      expect(JSON.stringify(fetched)).not.toContain(created.key);
      expect(row.whole).not.toContain(created.key);
      expect(row.key_hash).toBe(hashClientKey(created.key));
      expect(viewOf(fetched)).toMatchObject({ unlimited: true, remaining_usd: null });
    });

    it('should refuse a second key of the same name (409)', async () => {
      await createdKey({ name: 'only-one' });

      const duplicate = await createKey({ name: 'only-one' });

      expect(duplicate).toMatchObject({
        status: 409,
        body: { error: { message: expect.stringMatching(/exists/) } },
      });
      expect((await listKeys()).data.filter((k) => k.name === 'only-one')).toHaveLength(1);
    });

    it('should reject a create whose payload breaks the contract, creating nothing', async () => {
      const refused = sendRaw(AdminKeyCreate.subject, { name: 'negative', credit_usd: -1 });

      await expect(refused).rejects.toMatchObject({
        status: 400,
        message: expect.stringContaining('admin.keys.create.v1'),
      });
      expect((await listKeys()).data.map((k) => k.name)).not.toContain('negative');
    });
  });

  describe('key look-up', () => {
    it('should return the record of a key by its hash, and null for an unknown hash', async () => {
      const created = await createdKey({
        name: 'lookup',
        credit_usd: 3,
        allow_ips: ['10.0.0.0/8'],
      });

      const found = await bus.request(KeyLookup, { key_hash: hashClientKey(created.key) });
      const unknown = await bus.request(KeyLookup, {
        key_hash: hashClientKey(`${created.key}-not`),
      });

      expect(found.key).toEqual({
        ...(await getKey(created.id)),
        key_hash: hashClientKey(created.key),
      });
      expect(found.key).not.toHaveProperty('key');
      expect(unknown).toEqual({ key: null });
    });

    it('should reject a look-up that is not a sha256 hash', async () => {
      await expect(
        sendRaw(KeyLookup.subject, { key_hash: 'sk-rm-plaintext' }),
      ).rejects.toMatchObject({
        status: 400,
      });
    });
  });

  describe('changing keys', () => {
    it('should patch a key (200): disable it, restrict its models, set when it expires', async () => {
      const created = await createdKey({ name: 'patch-me' });

      const reply = await bus.request(AdminKeyUpdate, {
        id: created.id,
        patch: {
          enabled: false,
          models: ['gpt-5-mini', 'claude-sonnet-4'],
          expires_at: '2030-01-01T12:00:00+02:00',
        },
      });

      expect(reply.status).toBe(200);
      const patched = viewOf(reply);
      expect(patched).toMatchObject({
        enabled: false,
        models: ['gpt-5-mini', 'claude-sonnet-4'],
        expires_at: '2030-01-01T10:00:00.000Z',
      });
      expect(await getKey(created.id)).toEqual(patched);
      const looked = await bus.request(KeyLookup, { key_hash: hashClientKey(created.key) });
      expect(looked.key).toMatchObject({ enabled: false, expires_at: '2030-01-01T10:00:00.000Z' });
      await changeFor(
        'with the key disabled',
        (e) => e.id === created.id && e.key?.enabled === false,
      );

      const cleared = await bus.request(AdminKeyUpdate, {
        id: created.id,
        patch: { expires_at: null },
      });
      expect(viewOf(cleared).expires_at).toBeNull();
    });

    it('should refuse a patch of an unknown key (404) or to a taken name (409)', async () => {
      await createdKey({ name: 'taken' });
      const other = await createdKey({ name: 'renamed-later' });

      const unknown = await bus.request(AdminKeyUpdate, {
        id: '00000000-0000-4000-8000-000000000000',
        patch: { enabled: false },
      });
      const rename = await bus.request(AdminKeyUpdate, { id: other.id, patch: { name: 'taken' } });

      expect(unknown.status).toBe(404);
      expect(rename.status).toBe(409);
      expect((await getKey(other.id)).name).toBe('renamed-later');
    });

    it('should add credit, with concurrent credits summing up', async () => {
      const created = await createdKey({ name: 'credited', credit_usd: 10 });

      const pair = await Promise.all([
        bus.request(AdminKeyCredit, { id: created.id, amount_usd: 1.5 }),
        bus.request(AdminKeyCredit, { id: created.id, amount_usd: 2.5 }),
      ]);

      expect(pair.map((r) => r.status)).toEqual([200, 200]);
      expect(await getKey(created.id)).toMatchObject({
        credit_usd: 14,
        remaining_usd: 14,
        unlimited: false,
      });
      expect(Number((await storedRow(created.id)).credit_usd)).toBe(14);
      await changeFor(
        'with the summed credit',
        (e) => e.id === created.id && e.key?.credit_usd === 14,
      );

      // A burst makes a lost update (read, add, write back) all but certain to show, where one pair may not.
      const burst = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          bus.request(AdminKeyCredit, { id: created.id, amount_usd: i % 2 === 0 ? 1.5 : 2.5 }),
        ),
      );
      expect(burst.every((r) => r.status === 200)).toBe(true);
      expect((await getKey(created.id)).credit_usd).toBe(34);

      const unknown = await bus.request(AdminKeyCredit, {
        id: '00000000-0000-4000-8000-000000000000',
        amount_usd: 1,
      });
      expect(unknown.status).toBe(404);
    });

    it('should delete a key (204), announce it with key null, and find it no more', async () => {
      const created = await createdKey({ name: 'delete-me' });
      const hash = hashClientKey(created.key);

      const deleted = await bus.request(AdminKeyDelete, { id: created.id });

      expect(deleted).toEqual({ status: 204, body: null });
      const event = await changeFor(
        'for the deleted key',
        (e) => e.id === created.id && e.key === null,
      );
      expect(event.key_hash).toBe(hash);
      expect((await bus.request(AdminKeyGet, { id: created.id })).status).toBe(404);
      expect(await bus.request(KeyLookup, { key_hash: hash })).toEqual({ key: null });
      expect((await bus.request(AdminKeyDelete, { id: created.id })).status).toBe(404);
    });
  });

  describe('config file', () => {
    it('should create the declared keys at start, the operator-chosen key looking up by its hash', async () => {
      const found = await bus.request(KeyLookup, { key_hash: hashClientKey(TEAM_KEY) });

      expect(found.key).toMatchObject({
        name: 'cfg-team',
        key_hint: 'sk-…TEAM',
        credit_usd: 10,
        unlimited: false,
        models: ['gpt-5-mini'],
      });
      const names = (await listKeys()).data.map((k) => k.name);
      expect(names).toEqual(expect.arrayContaining(['cfg-team', 'cfg-generated']));
      const { rows } = await pg.query(
        `SELECT 1 FROM "${schema}".client_keys WHERE position($1 in row_to_json(client_keys)::text) > 0`,
        [TEAM_KEY],
      );
      expect(rows).toEqual([]);
    });

    it('should apply the same file again at restart without changing, duplicating or re-keying anything', async () => {
      const before = (await listKeys()).data;
      const hashesBefore = await pg.query(
        `SELECT id, name, key_hash FROM "${schema}".client_keys ORDER BY name`,
      );

      await app!.close();
      app = undefined;
      app = await startUsageLedger(env, transport, false);

      const after = (await listKeys()).data;
      const hashesAfter = await pg.query(
        `SELECT id, name, key_hash FROM "${schema}".client_keys ORDER BY name`,
      );
      expect(after).toEqual(before);
      expect(hashesAfter.rows).toEqual(hashesBefore.rows);
      const found = await bus.request(KeyLookup, { key_hash: hashClientKey(TEAM_KEY) });
      expect(found.key?.id).toBe(before.find((k) => k.name === 'cfg-team')!.id);
    });
  });
});
