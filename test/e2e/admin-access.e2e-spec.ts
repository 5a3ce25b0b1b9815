// Who gets into the admin API (embedded mode, the same ingress code as every deployment): every route refuses
// without the admin token; a read-only admin token (RELAYMESH_ADMIN_READONLY_TOKENS) reads every GET route and
// is refused every write with 403 in the admin envelope, changing nothing; CORS is off for /admin, so a browser
// on another origin is never allowed to call it (a preflight gets no access-control-allow-* header). And the
// dead letters (distributed mode, where the test reaches the ledger's Postgres schema): a record Postgres refuses
// is read by a read-only token, which may not replay it; the admin replays it once the cause is fixed.
import {
  Deployment,
  FakeOpenAI,
  TEST_DATABASE_URL,
  dropSchemasWithPrefix,
  startDeployment,
  uniqueTestId,
  waitFor,
  seedMetered,
} from '@relaymesh/testing';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';

const READER = 'rm-admin-reader-0123456789abcdef';
const OTHER_READER = 'rm-admin-dashboard-0123456789abcd';

/** Every admin route of CONTRACT §2 (ids need not exist: authorisation comes first). */
const ROUTES: readonly [method: string, path: string][] = [
  ['POST', '/channels'],
  ['GET', '/channels'],
  ['GET', '/channels/00000000-0000-4000-8000-000000000000'],
  ['PATCH', '/channels/00000000-0000-4000-8000-000000000000'],
  ['DELETE', '/channels/00000000-0000-4000-8000-000000000000'],
  ['POST', '/channels/00000000-0000-4000-8000-000000000000/test'],
  ['GET', '/channels/00000000-0000-4000-8000-000000000000/transitions'],
  ['GET', '/transitions'],
  ['POST', '/keys'],
  ['GET', '/keys'],
  ['GET', '/keys/00000000-0000-4000-8000-000000000000'],
  ['PATCH', '/keys/00000000-0000-4000-8000-000000000000'],
  ['DELETE', '/keys/00000000-0000-4000-8000-000000000000'],
  ['POST', '/keys/00000000-0000-4000-8000-000000000000/credit'],
  ['PUT', '/models/some-model'],
  ['GET', '/models'],
  ['DELETE', '/models/some-model'],
  ['GET', '/usage'],
  ['GET', '/usage/summary'],
  ['GET', '/usage/dead-letters'],
  ['GET', '/requests/some-request-id'],
  ['POST', '/usage/dead-letters/00000000-0000-4000-8000-000000000000/replay'],
];
const WRITES = ROUTES.filter(([method]) => method !== 'GET');
const READS = ROUTES.filter(([method]) => method === 'GET');

describe('admin API access (embedded)', () => {
  let relay: Deployment;

  const call = async (method: string, path: string, token?: string, body?: unknown) => {
    const res = await fetch(`${relay.url}/admin${path}`, {
      method,
      headers: {
        ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as unknown };
  };

  /** What the admin API holds: a write that got through would change it. */
  const everything = async () =>
    Promise.all(
      ['/channels', '/keys', '/models', '/usage/dead-letters'].map(
        async (path) => (await relay.admin('GET', path)).body,
      ),
    );

  beforeAll(async () => {
    relay = await startDeployment('embedded', {
      label: 'admin_access',
      env: { RELAYMESH_ADMIN_READONLY_TOKENS: `${READER}, ${OTHER_READER}` },
    });
    const created = await relay.admin('POST', '/keys', { name: 'existing' });
    expect(created.status).toBe(201);
  });

  afterAll(() => relay?.stop());

  it.each(ROUTES)(
    'should refuse %s /admin%s without a token or with a wrong one',
    async (method, path) => {
      for (const token of [undefined, 'rm-admin-not-the-token-0123456789', READER.toUpperCase()]) {
        const answer = await call(method, path, token, method === 'GET' ? undefined : {});
        expect(answer.status).toBe(401);
        expect(answer.body).toEqual({ error: { message: expect.any(String) } });
      }
    },
  );

  it.each(READS)('should let a read-only token %s /admin%s', async (method, path) => {
    const answer = await call(method, path, READER);
    // Authorised: the owning app answered (200, or 404 for an id that does not exist).
    expect([200, 404]).toContain(answer.status);
    expect((await call(method, path, relay.adminToken)).status).toBe(answer.status);
  });

  it.each(WRITES)(
    'should refuse %s /admin%s to a read-only token with 403, changing nothing',
    async (method, path) => {
      const before = await everything();
      for (const token of [READER, OTHER_READER]) {
        const answer = await call(method, path, token, { name: 'written-by-a-reader' });
        expect(answer.status).toBe(403);
        expect(answer.body).toEqual({ error: { message: expect.stringMatching(/read-only/) } });
      }
      expect(await everything()).toEqual(before);
    },
  );

  it('should read the data a full token wrote, and still let the full token write', async () => {
    const written = await call('POST', '/keys', relay.adminToken, { name: 'by-the-admin' });
    expect(written.status).toBe(201);
    const id = (written.body as { id: string }).id;
    const read = await call('GET', `/keys/${id}`, READER);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id, name: 'by-the-admin' });
  });

  it('should answer a cross-origin preflight to /admin without any CORS permission', async () => {
    for (const method of ['POST', 'GET', 'DELETE']) {
      const res = await fetch(`${relay.url}/admin/keys`, {
        method: 'OPTIONS',
        headers: {
          origin: 'https://evil.example',
          'access-control-request-method': method,
          'access-control-request-headers': 'authorization, content-type',
        },
      });
      await res.text();
      const granted = [...res.headers.keys()].filter((name) =>
        name.startsWith('access-control-allow-'),
      );
      expect(granted).toEqual([]);
      expect(res.status).toBeGreaterThanOrEqual(400);
    }
    // A simple cross-origin request is not granted either: the browser hides the answer from the page.
    const res = await fetch(`${relay.url}/admin/keys`, {
      headers: { origin: 'https://evil.example', authorization: `Bearer ${READER}` },
    });
    await res.text();
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('dead letters on the admin API (distributed)', () => {
  const REFUSED_TITLE = 'refused-until-fixed';
  // The ledger's schema is the test's to reach (a trigger stands for the cause an operator fixes).
  const schemaPrefix = `${uniqueTestId('e2e_dead')}_`;
  const schema = `${schemaPrefix}ledger`;
  let relay: Deployment;
  let fake: FakeOpenAI;
  let pg: Client;
  let key: string;
  let keyId: string;

  const call = async <T>(method: string, path: string, token: string) => {
    const res = await fetch(`${relay.url}/admin${path}`, {
      method,
      headers: { authorization: `Bearer ${token}` },
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
  };

  interface Letter {
    id: string;
    msg_id: string;
    record_id: string | null;
    reason: string;
    attempts: number;
    parked_at: string;
    record: { request_id?: string; title?: string };
  }
  const letters = async (token: string) =>
    (await call<{ data: Letter[] }>('GET', '/usage/dead-letters', token)).body.data;

  async function chat(requestId: string, title?: string): Promise<number> {
    const res = await fetch(`${relay.url}/v1/chat/completions`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${key}`,
        'content-type': 'application/json',
        'x-request-id': requestId,
        ...(title === undefined ? {} : { 'x-title': title }),
      },
      body: JSON.stringify({ model: 'metered', messages: [{ role: 'user', content: 'hi' }] }),
    });
    await res.arrayBuffer();
    return res.status;
  }

  beforeAll(async () => {
    fake = await FakeOpenAI.start();
    relay = await startDeployment('distributed', {
      label: 'e2e_dead_letters',
      env: { RELAYMESH_ADMIN_READONLY_TOKENS: READER, RELAYMESH_DB_SCHEMA_PREFIX: schemaPrefix },
    });
    pg = new Client({ connectionString: TEST_DATABASE_URL });
    await pg.connect();
    ({ key, id: keyId } = await seedMetered(relay, {
      upstreamUrl: fake.url,
      channelName: 'oai',
      models: ['metered'],
      price: { input_usd_per_mtok: 1, output_usd_per_mtok: 4 },
      key: { name: 'dead-letters', credit_usd: 10 },
    }));
    await waitFor(async () => (await chat(`warm-${randomUUID()}`)) === 200, {
      what: 'the channel served',
      timeoutMs: 15_000,
    });
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
    await relay?.stop();
    await fake?.close();
    await pg?.end();
    await dropSchemasWithPrefix(TEST_DATABASE_URL, schemaPrefix);
  });

  it('should let a read-only token read a parked record but not replay it; the admin replays it once fixed', async () => {
    const requestId = `refused-${randomUUID()}`;
    expect(await chat(requestId, REFUSED_TITLE)).toBe(200);
    const letter = await waitFor(
      async () => (await letters(READER)).find((l) => l.record.request_id === requestId),
      { what: 'the refused record parked', timeoutMs: 10_000, intervalMs: 100 },
    );
    expect(letter.reason).toContain('refused by the test');
    expect(letter.record.title).toBe(REFUSED_TITLE);
    const usedBefore = (await relay.admin<{ used_usd: number }>('GET', `/keys/${keyId}`)).body
      .used_usd;

    const byReader = await call('POST', `/usage/dead-letters/${letter.id}/replay`, READER);
    expect(byReader.status).toBe(403);
    expect(byReader.body).toEqual({ error: { message: expect.stringMatching(/read-only/) } });
    // Still refused by Postgres: 409 with the reason, and the dead letter stays.
    const stillRefused = await call<{ error: { message: string } }>(
      'POST',
      `/usage/dead-letters/${letter.id}/replay`,
      relay.adminToken,
    );
    expect(stillRefused.status).toBe(409);
    expect(stillRefused.body.error.message).toContain('refused by the test');
    expect((await letters(READER)).map((l) => l.id)).toContain(letter.id);

    await pg.query(`DROP TRIGGER refuse_marked ON "${schema}".usage_records`);
    const replayed = await call<{ request_id: string; cost_usd: number }>(
      'POST',
      `/usage/dead-letters/${letter.id}/replay`,
      relay.adminToken,
    );
    expect(replayed.status).toBe(200);
    expect(replayed.body.request_id).toBe(requestId);
    expect(replayed.body.cost_usd).toBeGreaterThan(0);
    const usage = await call<{ data: { cost_usd: number }[] }>(
      'GET',
      `/usage?request_id=${requestId}`,
      READER,
    );
    expect(usage.body.data).toHaveLength(1);
    const usedAfter = (await relay.admin<{ used_usd: number }>('GET', `/keys/${keyId}`)).body
      .used_usd;
    expect(usedAfter).toBeCloseTo(usedBefore + replayed.body.cost_usd, 9);
    expect((await letters(READER)).map((l) => l.id)).not.toContain(letter.id);
    expect(
      (await call('POST', `/usage/dead-letters/${letter.id}/replay`, relay.adminToken)).status,
    ).toBe(404);
  });
});
